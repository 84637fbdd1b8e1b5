// The score for everyone at scale (issue 12): how far the room has got, as counts only,
// never a list of people ("4,210 of 5,000 notes placed", "38 packets open", "second look:
// 1,200 of 5,000 seen twice", "612 of 1,000 have ranked"). The numbers come from the
// client's state, whose work-sharing counts the presence frames keep current.

import { h } from "../dom.js";
import { lang, t } from "../i18n.js";
import { currentPhase } from "../state.js";

/** A count as people read it in the page's language: 4,210 or 4.210. */
export function formatCount(n) {
  return Number(n || 0).toLocaleString(lang() === "de" ? "de-DE" : "en-GB");
}

/** The progress lines for this phase: [{key, text}]; none on a board made before issue 12. */
export function progressLines(state) {
  if (!state.board.sharing) return [];
  const counts = state.counts;
  const type = currentPhase(state).type;
  const lines = [];
  if (type === "affinity") {
    lines.push({ key: "placed", text: t("progress.placed", { n: counts.notes, placed: formatCount(counts.placed), total: formatCount(counts.notes) }) });
    if (counts.packets_on) {
      lines.push({ key: "packets-open", text: t("progress.packetsOpen", { n: counts.packets_open, count: formatCount(counts.packets_open) }) });
      if (counts.packets_done) lines.push({ key: "packets-done", text: t("progress.packetsDone", { n: counts.packets_done, count: formatCount(counts.packets_done) }) });
      if (counts.waiting) lines.push({ key: "waiting", text: t("progress.waiting", { n: counts.waiting, count: formatCount(counts.waiting) }) });
    }
    if (counts.second_look) {
      const look = counts.second_look;
      lines.push({ key: "second-look", text: t("progress.secondLook", { seen: formatCount(look.seen_twice), total: formatCount(look.total) }) });
    }
  } else if (type === "rank" || type === "close") {
    lines.push({ key: "ranked", text: t("progress.ranked", { done: formatCount(counts.ranked_complete), total: formatCount(counts.participants) }) });
  }
  return lines;
}

/** The lines as a list (null when there are none); `skip`: keys shown elsewhere. */
export function progressList(state, { large = false, skip = [] } = {}) {
  const lines = progressLines(state).filter((line) => !skip.includes(line.key));
  if (!lines.length) return null;
  return h(
    "ul",
    { class: ["share-progress", large && "share-progress-lg"], dataset: { shareProgress: "", skip: skip.join(" ") }, attrs: { "aria-label": t("progress.title") } },
    lines.map((line) => h("li", { dataset: { progressLine: line.key }, text: line.text })),
  );
}

/** Bring every progress list inside `root` up to date, in place (a presence frame's counts). */
export function refreshProgress(root, state) {
  for (const list of root.querySelectorAll("[data-share-progress]")) {
    const skip = (list.dataset.skip || "").split(" ").filter(Boolean);
    const fresh = progressList(state, { large: list.classList.contains("share-progress-lg"), skip });
    if (!fresh) {
      list.replaceChildren();
      continue;
    }
    const same = list.children.length === fresh.children.length && [...fresh.children].every((li, i) => list.children[i].textContent === li.textContent);
    if (!same) list.replaceChildren(...fresh.children);
  }
}
