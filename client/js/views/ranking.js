// Forced ranking: one ordered list of the candidate columns per criterion. Reorder by
// dragging or with the up/down buttons; each list is submitted on its own and shows
// clearly whether it is submitted, changed since, or not yet sent.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { columnById } from "../state.js";
import { colourClass, columnBadge, columnLabel } from "./common.js";

/** A stable shuffle per person and criterion, so no column wins by being listed first. */
function seededOrder(ids, seedText) {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619) >>> 0;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The order shown for a criterion: the person's working copy, else what they sent, else shuffled. */
export function workingOrder(state, ui, meId, criterion) {
  const candidates = state.candidates;
  const valid = (order) =>
    Array.isArray(order) && order.length === candidates.length && candidates.every((c) => order.includes(c));
  if (valid(ui.rankOrders[criterion])) return ui.rankOrders[criterion];
  const sent = state.rankings.mine[criterion];
  if (valid(sent)) return [...sent];
  return seededOrder(candidates, `${meId}:${criterion}`);
}

function sameOrder(a, b) {
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
}

export function rankStatus(state, ui, meId, criterion) {
  const sent = state.rankings.mine[criterion];
  if (!sent) return "none";
  return sameOrder(sent, workingOrder(state, ui, meId, criterion)) ? "submitted" : "changed";
}

/**
 * options: ui {rankOrders, busy}, meId, onReorder(criterion, order), onSubmit(criterion, order)
 */
export function rankingView(state, options) {
  const { ui, meId } = options;
  if (state.candidates.length === 0) return h("p", { class: "panel", text: t("rank.noCandidates") });
  const allDone = state.board.criteria.every((c) => rankStatus(state, ui, meId, c) === "submitted");
  return h(
    "div",
    { class: "ranking" },
    allDone ? h("p", { class: "notice notice-ok", dataset: { allRanked: "" }, text: `✓ ${t("rank.allDone")}` }) : null,
    state.board.criteria.map((criterion, ci) => criterionList(state, options, criterion, ci)),
  );
}

function criterionList(state, options, criterion, ci) {
  const { ui, meId, onReorder, onSubmit } = options;
  const order = workingOrder(state, ui, meId, criterion);
  const status = rankStatus(state, ui, meId, criterion);
  const headingId = `rank-h-${ci}`;
  const move = (from, to) => {
    const next = [...order];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item);
    onReorder(criterion, next, item, to);
  };
  return h(
    "section",
    { class: ["rank-list", `rank-${status}`], dataset: { criterion, rankStatus: status }, attrs: { "aria-labelledby": headingId } },
    h(
      "div",
      { class: "rank-head" },
      h("h3", { id: headingId, tabIndex: -1, fkey: `rank-h-${ci}`, text: t("rank.title", { criterion }) }),
      h(
        "span",
        { class: ["badge", `badge-${status}`], attrs: { role: "status" } },
        status === "submitted" ? `✓ ${t("rank.submitted")}` : status === "changed" ? t("rank.changed") : t("rank.notYet"),
      ),
    ),
    h("p", { class: "hint", text: t("rank.help") }),
    h(
      "ol",
      { class: "rank-items", dataset: { drop: `rank:${ci}`, dropList: "" } },
      order.map((columnId, i) => {
        const column = columnById(state, columnId);
        const number = column ? column.number : "?";
        const name = columnLabel(column);
        return h(
          "li",
          { class: ["rank-item", colourClass(number)], dataset: { dragId: columnId, column: columnId } },
          h("span", { class: "drag-handle", dataset: { dragHandle: "" }, attrs: { "aria-hidden": "true" } }, "⠿"),
          h("span", { class: "rank-place", attrs: { "aria-label": t("rank.place", { n: i + 1 }) } }, `${i + 1}.`),
          h(
            "div",
            { class: "rank-body" },
            h("p", { class: "rank-name" }, columnBadge(number), h("span", { text: name })),
            columnNotes(state, column),
          ),
          h(
            "div",
            { class: "rank-buttons" },
            h("button", {
              type: "button",
              class: "btn btn-icon",
              text: "▲",
              disabled: i === 0,
              fkey: `up-${ci}-${columnId}`,
              attrs: { "aria-label": t("rank.up", { name }) },
              on: { click: () => move(i, i - 1) },
            }),
            h("button", {
              type: "button",
              class: "btn btn-icon",
              text: "▼",
              disabled: i === order.length - 1,
              fkey: `down-${ci}-${columnId}`,
              attrs: { "aria-label": t("rank.down", { name }) },
              on: { click: () => move(i, i + 1) },
            }),
          ),
        );
      }),
    ),
    h("button", {
      type: "button",
      class: ["btn", status === "submitted" ? "btn-secondary" : "btn-primary"],
      fkey: `submit-${ci}`,
      dataset: { submitCriterion: criterion },
      disabled: status === "submitted" || ui.busy?.[criterion],
      text: status === "changed" ? t("rank.resubmit") : status === "submitted" ? `✓ ${t("rank.submitted")}` : t("rank.submit", { criterion }),
      on: { click: () => onSubmit(criterion, order) },
    }),
  );
}

export function columnNotes(state, column, { limit = 6 } = {}) {
  if (!column) return null;
  const texts = column.notes.map((id) => state.noteIndex.get(id)?.text ?? "…");
  const shown = texts.slice(0, limit);
  return h(
    "ul",
    { class: "column-notes" },
    shown.map((text) => h("li", { text })),
    texts.length > limit ? h("li", { class: "more", text: `+${texts.length - limit}` }) : null,
  );
}
