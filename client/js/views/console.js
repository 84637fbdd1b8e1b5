// The facilitator's console: the phase stepper with what each phase is for, advancing
// with a confirmation that says what will close, the timer, the score, the join code
// with link and QR code, the board as it forms, and follow-up and swaps at close.

import { enableDrag } from "../dnd.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { newId } from "../ids.js";
import * as store from "../storage.js";
import { columnById, currentPhase, nextPhase, packetSwitch, packetsOn, rankingsPerCriterion } from "../state.js";
import { AffinityBoard, barDropPlace } from "./affinity.js";
import { describePlace, LAST, NEW_COLUMN } from "./board.js";
import { announce, columnLabel, errorText, exportButtons, phaseCard, phaseStepper, phaseTitle, promptText, refreshScore, scoreBoard, toast } from "./common.js";
import { formatCount, progressList, refreshProgress } from "./progress.js";
import { facilitatorAccess, projectorCopy, sharePanel } from "./access.js";
import { charCounter } from "./limits.js";
import { BoardPage } from "./page.js";
import { copyText } from "./participant.js";
import { consoleNaming, unnamedColumns } from "./naming.js";
import { columnNotes } from "./ranking.js";
import { resultsView } from "./results.js";
import { loopHandlers } from "./followup.js"; // issue-15
import { joinLink, localOnlyWarning } from "./share.js";

export function mountConsole(root, conn, boardId, token) {
  const ui = { moveChoice: {}, followups: {}, swap: null, promptDraft: null, timerMinutes: "5", advancing: false };
  const accessUi = {}; // facilitator access and sharing (views/access.js): invite, share link
  const page = new BoardPage(root, conn, {
    role: "facilitator",
    // a presence frame's counts (issue 12): the numbers in place
    onCounts: () => {
      refreshScore(asideEl, conn);
      refreshProgress(root, conn.state);
      // the switch's sentence follows packets_on (automatic); the rest is in place
      const on = conn.state ? packetsOn(conn.state) : false;
      if (on !== shareOn) shareRegion.update();
      shareOn = on;
    },
  });
  /** Events of sorting the board follows by itself (views/affinity.js). */
  const BOARD_KINDS = ["note.moved", "column.created", "notes.revealed", "column.merged", "packet.assigned", "packet.returned", "packet.requested", "packets.switched"];
  const stepEl = h("div", { class: "region-steps" });
  const contentEl = h("div", { class: "region-content" });
  const asideEl = h("aside", { class: "console-aside", attrs: { "aria-label": t("share.title") } });
  const dialog = h("dialog", { class: "confirm", attrs: { "aria-labelledby": "confirm-h" } });
  page.body.append(
    h("main", { id: "main", class: "console", tabIndex: -1 }, h("div", { class: "console-main" }, stepEl, contentEl), asideEl),
    dialog,
  );

  page.region(stepEl, () => steps());
  // the board keeps its own DOM current, event by event; a laptop shows more per column
  const affinity = new AffinityBoard(conn, {
    onMove: (id, target, index) => moveNote(id, target, index),
    preview: 5,
    pool: 20,
    laptop: true,
    onMerge: (columnId) => openMerge(columnId),
  });
  const affinityPrompt = h("div", { class: "console-affinity-prompt" });
  // work sharing (issue 12): packets on/off/automatic and the room's progress
  const shareEl = h("div", { class: "console-share-slot" });
  const affinityWrap = h("div", { class: "console-affinity" }, affinityPrompt, shareEl, affinity.el);
  let affinityPromptText;
  // the board updates itself for these; the content region is not rebuilt for them
  page.region(contentEl, () => content(), {
    skips: (detail) => affinity.built && BOARD_KINDS.includes(detail.event?.kind),
  });
  const shareRegion = page.region(shareEl, () => sharingPanel());
  let shareOn = null;
  // a move changes only the score's numbers here: updated in place
  page.region(asideEl, () => aside(), {
    skips: (detail) => {
      if (!BOARD_KINDS.includes(detail.event?.kind)) return false;
      refreshScore(asideEl, conn);
      refreshProgress(asideEl, conn.state);
      return true;
    },
  });

  enableDrag(contentEl, {
    onActive: (active) => page.setDragging(active),
    onDrop: ({ id, zone, index }) => {
      const bar = barDropPlace(zone);
      if (bar !== null) moveNote(id, bar, LAST);
      else moveNote(id, zone === "unsorted" ? null : zone, index);
    },
  });

  function joinCode() {
    const code = conn.joinCode || store.getCode(boardId);
    if (code && code !== store.getCode(boardId)) store.setCode(boardId, code);
    return code;
  }

  // ---- phase --------------------------------------------------------------------

  function steps() {
    const state = conn.state;
    const next = nextPhase(state);
    return [
      phaseStepper(state),
      phaseCard(state, "facilitator"),
      h(
        "div",
        { class: "advance-row" },
        next
          ? h("button", {
              type: "button",
              class: "btn btn-primary btn-large",
              fkey: "advance",
              dataset: { advance: next.id },
              disabled: ui.advancing,
              text: t("advance.button", { phase: phaseTitle(next) }),
              on: { click: openConfirm },
            })
          : h("p", { class: "hint", text: t("advance.last") }),
        timerControls(),
      ),
    ];
  }

  function closingSummary(state) {
    const phase = currentPhase(state);
    const counts = state.counts;
    const lines = [];
    let blocked = null;
    if (phase.type === "affinity") {
      if (state.unsorted.length) blocked = t("advance.blocked.unsorted", { n: state.unsorted.length, count: state.unsorted.length });
      const filled = state.columns.filter((c) => c.notes.length).length;
      lines.push(t("advance.closes.affinity", { n: filled, columns: filled }));
    } else if (phase.type === "name") {
      const unnamed = unnamedColumns(state).length;
      if (unnamed) blocked = t("naming.blocked", { n: unnamed });
      lines.push(t("naming.closes", { columns: state.columns.length }));
    } else if (phase.type === "rank") {
      if (state.candidates.length && counts.rankings === 0) blocked = t("advance.blocked.noRankings");
      lines.push(t("advance.closes.rank", { rankers: counts.rankers, participants: counts.participants, topN: state.board.top_n }));
    } else if (phase.type === "generate") {
      lines.push(t("advance.closes.generate", { n: counts.notes, notes: counts.notes }));
      const typing = conn.presence?.typing || 0;
      if (typing > 0) lines.push(t("advance.typing", { n: typing }));
    } else if (phase.type === "ignite") {
      lines.push(t("advance.closes.ignite"));
    }
    return { lines, blocked };
  }

  function openConfirm() {
    const state = conn.state;
    const phase = currentPhase(state);
    const next = nextPhase(state);
    if (!next) return;
    const { lines, blocked } = closingSummary(state);
    const confirmButton = h("button", {
      type: "button",
      class: "btn btn-primary",
      disabled: Boolean(blocked),
      dataset: { confirmAdvance: "" },
      text: t("advance.confirm", { next: phaseTitle(next) }),
      on: {
        click: async () => {
          confirmButton.disabled = true;
          ui.advancing = true;
          try {
            await conn.send("phase.advance", { from: phase.id });
            dialog.close();
          } catch (error) {
            errorBox.textContent = errorText(error);
            errorBox.hidden = false;
          } finally {
            ui.advancing = false;
            // the steps region waits while someone types in the timer field: do not leave
            // its advance button disabled until they leave it
            const button = stepEl.querySelector("[data-advance]");
            if (button) button.disabled = false;
            page.schedule();
          }
        },
      },
    });
    const errorBox = h("p", { class: "notice notice-error", hidden: !blocked, attrs: { role: "alert" }, text: blocked || "" });
    dialog.replaceChildren(
      h("h2", { id: "confirm-h", text: t("advance.confirmTitle", { current: phaseTitle(phase), next: phaseTitle(next) }) }),
      // spread: replaceChildren turns an array into the text "[object HTMLParagraphElement]"
      ...lines.map((line) => h("p", { class: "confirm-line", text: line })),
      h("p", { class: "hint", text: `${phaseTitle(next)}: ${t(`purpose.${next.type}`)}` }),
      errorBox,
      h(
        "div",
        { class: "button-row" },
        confirmButton,
        h("button", { type: "button", class: "btn btn-quiet", text: t("advance.cancel"), on: { click: () => dialog.close() } }),
      ),
    );
    dialog.showModal();
    (blocked ? dialog.querySelector(".btn-quiet") : confirmButton).focus();
  }

  function timerControls() {
    const send = async (seconds) => {
      try {
        await conn.send("timer.set", { seconds });
      } catch (error) {
        toast(errorText(error), "error");
      }
    };
    const running = conn.timeLeft() !== null;
    return h(
      "form",
      {
        class: "timer-form",
        attrs: { "aria-label": t("timer.title") },
        on: {
          submit: (event) => {
            event.preventDefault();
            const minutes = Number(String(ui.timerMinutes).replace(",", "."));
            if (minutes > 0 && minutes <= 24 * 60) send(Math.round(minutes * 60));
          },
        },
      },
      h("label", { htmlFor: "timer-min", text: t("timer.minutes") }),
      h("input", {
        id: "timer-min",
        fkey: "timer-min",
        type: "number",
        min: "0.5",
        max: "1440",
        step: "0.5",
        inputMode: "decimal",
        value: ui.timerMinutes,
        on: { input: (event) => (ui.timerMinutes = event.target.value) },
      }),
      h("button", { type: "submit", class: "btn btn-secondary btn-small", fkey: "timer-start", text: t("timer.start") }),
      running
        ? h("button", { type: "button", class: "btn btn-quiet btn-small", fkey: "timer-clear", text: t("timer.clear"), on: { click: () => send(0) } })
        : null,
    );
  }

  // ---- phase content ------------------------------------------------------------

  /** Affinity: one element kept in place, the board updating itself per event. */
  function affinityContent(state) {
    affinity.element();
    if (affinityPromptText !== state.prompt) {
      affinityPromptText = state.prompt;
      affinityPrompt.replaceChildren(h("section", { class: "prompt-box", attrs: { "aria-label": t("prompt.title") } }, promptText(state.prompt)));
    }
    return affinityWrap;
  }

  function content() {
    const state = conn.state;
    const phase = currentPhase(state);
    if (phase.type === "affinity" && !phase.commands.includes("prompt.set")) return affinityContent(state);
    const parts = [];
    if (phase.commands.includes("prompt.set")) parts.push(promptEditor(state));
    else parts.push(h("section", { class: "prompt-box", attrs: { "aria-label": t("prompt.title") } }, promptText(state.prompt)));
    switch (phase.type) {
      case "ignite":
      case "generate":
        parts.push(people(state));
        break;
      case "affinity":
        parts.push(affinity.element());
        break;
      case "name":
        parts.push(consoleNaming(state, { ui, onName: nameColumn, onAdoptAll: adoptAll }));
        break;
      case "rank":
        parts.push(rankProgress(state));
        break;
      case "close":
        parts.push(
          resultsView(state, { editable: true, ui, onFollowup: setFollowup, onSwap: swap, onDecide: decide, ...loopHandlers(conn, boardId, token, ui, page.schedule) }),
          exportButtons(boardId, token, {
            extra: h("a", {
              class: "btn btn-quiet btn-small",
              href: `/results/${encodeURIComponent(boardId)}`,
              text: t("results.open"),
            }),
          }),
        );
        parts.push(sharePanel(boardId, token, accessUi, page.schedule, { prominent: true }));
        break;
      default:
        break;
    }
    return parts;
  }

  function promptEditor(state) {
    if (ui.promptDraft === null) ui.promptDraft = state.prompt || "";
    const changed = ui.promptDraft.trim() !== (state.prompt || "");
    const field = h("textarea", {
      id: "prompt-text",
      fkey: "prompt-text",
      rows: 2,
      maxLength: 1000,
      value: ui.promptDraft,
      attrs: { "aria-describedby": "prompt-help" },
      on: { input: (event) => (ui.promptDraft = event.target.value) },
    });
    return h(
      "form",
      {
        class: "prompt-editor",
        on: {
          submit: async (event) => {
            event.preventDefault();
            const text = ui.promptDraft.trim();
            if (!text) return;
            try {
              await conn.send("prompt.set", { text });
              ui.promptDraft = text;
              toast(t("prompt.saved"));
            } catch (error) {
              toast(errorText(error), "error");
            }
            page.schedule();
          },
        },
      },
      h("h2", {}, h("label", { htmlFor: "prompt-text", text: t("prompt.title") })),
      promptText(state.prompt, { large: true }),
      h("p", { id: "prompt-help", class: "hint", text: t("start.promptHelp") }),
      field,
      charCounter(field, 1000),
      h("button", { type: "submit", class: ["btn", changed ? "btn-primary" : "btn-secondary"], fkey: "prompt-save", text: t("prompt.save") }),
    );
  }

  function people(state) {
    const list = state.participants.filter((p) => p.role !== "facilitator");
    const online = new Set(conn.presence?.online_ids || []);
    return h(
      "section",
      { class: "people", attrs: { "aria-labelledby": "people-h" } },
      h("h2", { id: "people-h", text: t("participants.title", { count: list.length }) }),
      typingCount(),
      list.length === 0 ? h("p", { class: "hint", text: t("participants.none") }) : null,
      h(
        "ul",
        { class: "people-list" },
        list.map((p) =>
          // anonymous boards: presence is counts only (who is online would name authors)
          state.board.anonymous
            ? h("li", {}, h("span", { text: p.name }))
            : h("li", { class: online.has(p.id) ? "is-online" : "" }, h("span", { class: "presence-dot", attrs: { "aria-hidden": "true" } }), h("span", { text: p.name })),
        ),
      ),
      state.board.anonymous && list.length ? h("p", { class: "hint", dataset: { presenceAnonymous: "" }, text: t("participants.anonymousOnline") }) : null,
    );
  }

  /** "N still typing" while notes are written: a count only, never who. */
  function typingCount() {
    if (currentPhase(conn.state).type !== "generate") return null;
    return fillTypingCount(h("p", { class: "typing-count", attrs: { "aria-live": "polite" } }));
  }

  function fillTypingCount(el) {
    const n = conn.presence?.typing || 0;
    el.dataset.typingCount = String(n);
    el.textContent = n ? t("typing.count", { n }) : "";
    return el;
  }

  // updated in place: the region waits while the facilitator types in the prompt field
  conn.addEventListener("presence", () => {
    const el = contentEl.querySelector("[data-typing-count]");
    if (el) fillTypingCount(el);
  });

  function rankProgress(state) {
    const submitted = state.rankings.submitted;
    const perCriterion = rankingsPerCriterion(state);
    // with subsets (a big room) the counts only, never a list of people
    const list = state.counts.subsets_on ? [] : state.participants.filter((p) => p.role !== "facilitator");
    return h(
      "section",
      { class: "rank-progress", attrs: { "aria-labelledby": "rp-h" } },
      h("h2", { id: "rp-h", text: t("rank.progress", { rankers: state.counts.rankers, participants: state.counts.participants }) }),
      progressList(state),
      h(
        "ul",
        { class: "criteria-progress" },
        state.board.criteria.map((criterion) => {
          const count = perCriterion[criterion] || 0;
          return h("li", { text: t("rank.byCriterion", { criterion, count }) });
        }),
      ),
      // anonymous: the server says how many have ranked, never who
      state.board.anonymous
        ? h("p", { class: "hint", dataset: { rankAnonymous: "" }, text: t("rank.anonymousWho") })
        : h(
            "ul",
            { class: "people-list" },
            list.map((p) => {
              const done = (submitted[p.id] || []).length;
              const all = done >= state.board.criteria.length;
              return h("li", { class: all ? "is-done" : "" }, h("span", { class: "presence-dot", attrs: { "aria-hidden": "true" } }), h("span", { text: `${p.name} ${all ? "✓" : `${done}/${state.board.criteria.length}`}` }));
            }),
          ),
      h(
        "ol",
        { class: "cards" },
        state.candidates.map((id) => {
          const column = state.columns.find((c) => c.id === id);
          return h("li", { class: "card" }, h("h3", { text: describePlace(state, id) }), columnNotes(state, column));
        }),
      ),
    );
  }


  // ---- side panel ---------------------------------------------------------------

  function aside() {
    const code = joinCode();
    const link = code ? joinLink(conn, code) : null;
    const projectorToken = store.getToken(boardId, "projector");
    const projectorUrl = projectorToken
      ? `/project/${encodeURIComponent(boardId)}#token=${encodeURIComponent(projectorToken)}${code ? `&code=${encodeURIComponent(code)}` : ""}`
      : null;
    return [
      h(
        "section",
        { class: "share", attrs: { "aria-labelledby": "share-h" } },
        h("h2", { id: "share-h", text: t("share.title") }),
        code
          ? [
              h("p", { class: "join-code-label", text: t("share.code") }),
              h("p", { class: "join-code", dataset: { joinCode: code }, text: code }),
              h("img", { class: "qr", src: `/join/${encodeURIComponent(code)}/qr.svg`, alt: t("share.qr"), width: 200, height: 200 }),
              h("p", { class: "join-link" }, h("a", { href: link, target: "_blank", rel: "noopener", text: link })),
              h("button", { type: "button", class: "btn btn-secondary btn-small", fkey: "copy-link", text: t("share.copy"), on: { click: () => copyText(link) } }),
              localOnlyWarning(conn),
            ]
          : null,
        projectorUrl
          ? h(
              "p",
              { class: "projector-link" },
              h("a", { class: "btn btn-quiet btn-small", href: projectorUrl, target: "_blank", rel: "noopener", dataset: { projectorLink: "" }, text: t("share.projector") }),
              h("span", { class: "hint", text: ` ${t("share.projectorHelp")}` }),
            )
          : null,
      ),
      accessAside(projectorUrl),
      h("section", { class: "aside-score", attrs: { "aria-labelledby": "score-h" } }, h("h2", { id: "score-h", text: t("score.title") }), scoreBoard(conn), progressList(conn.state)),
    ];
  }

  // ---- work sharing (issue 12) --------------------------------------------------

  /** Affinity on a board with sharing: packets on, off or automatic, and the progress. */
  function sharingPanel() {
    const state = conn.state;
    if (!state.board.sharing || currentPhase(state).type !== "affinity") return null;
    const current = packetSwitch(state);
    const on = packetsOn(state);
    const from = state.board.sharing.packets_from;
    const stateText = current === null ? t(on ? "share.state.autoOn" : "share.state.autoOff", { from: formatCount(from) }) : t(on ? "share.state.on" : "share.state.off");
    const choice = (value, key) =>
      h("button", {
        type: "button",
        class: ["btn", "btn-small", current === value ? "btn-primary" : "btn-secondary"],
        fkey: `packets-${key}`,
        dataset: { packetsSwitch: key },
        attrs: { "aria-pressed": current === value ? "true" : "false" },
        text: t(`share.switch.${key}`),
        on: { click: () => switchPackets(value, key) },
      });
    return h(
      "section",
      { class: "console-share", dataset: { consoleShare: on ? "on" : "off" }, attrs: { "aria-labelledby": "cs-h" } },
      h("h2", { id: "cs-h", text: t("share.consoleTitle") }),
      h("p", { class: "console-share-state", dataset: { packetsState: current === null ? "auto" : String(current) }, text: stateText }),
      h("div", { class: "button-row", attrs: { role: "group", "aria-label": t("share.switchLabel") } }, choice(true, "on"), choice(false, "off"), choice(null, "auto")),
      progressList(state),
    );
  }

  async function switchPackets(enabled, key) {
    try {
      await conn.send("packets.switch", { enabled });
      announce(t("share.switched", { state: t(`share.switch.${key}`) }));
    } catch (error) {
      toast(errorText(error), "error");
    }
    page.schedule();
  }

  /** "Merge into…": choose the target column, then confirm; one command moves them all. */
  function openMerge(sourceId) {
    const state = conn.state;
    const source = columnById(state, sourceId);
    if (!source) return;
    const sourceName = columnLabel(source);
    const others = state.columns.filter((c) => c.id !== sourceId);
    const select = h(
      "select",
      { id: "merge-target", dataset: { mergeTarget: "" }, on: { change: () => (confirmButton.disabled = !select.value) } },
      h("option", { value: "", text: t("merge.pick") }),
      others.map((c) => h("option", { value: c.id, text: `${columnLabel(c)} · ${t("board.notesCount", { n: c.notes.length })}` })),
    );
    const errorBox = h("p", { class: "notice notice-error", hidden: true, attrs: { role: "alert" } });
    const confirmButton = h("button", {
      type: "button",
      class: "btn btn-primary",
      disabled: true,
      dataset: { confirmMerge: "" },
      text: t("merge.confirm"),
      on: {
        click: async () => {
          const target = columnById(conn.state, select.value);
          if (!target) return;
          confirmButton.disabled = true;
          try {
            await conn.send("column.merge", { source: sourceId, target: target.id });
            dialog.close();
            toast(t("merge.done", { source: sourceName, target: columnLabel(target) }));
          } catch (error) {
            errorBox.textContent = errorText(error);
            errorBox.hidden = false;
            confirmButton.disabled = false;
          }
        },
      },
    });
    dialog.replaceChildren(
      h("h2", { id: "confirm-h", text: t("merge.title", { source: sourceName }) }),
      h("p", { class: "confirm-line", text: t("merge.explain", { n: source.notes.length, count: source.notes.length, source: sourceName }) }),
      h("p", {}, h("label", { htmlFor: "merge-target", text: `${t("merge.target")} ` }), select),
      errorBox,
      h(
        "div",
        { class: "button-row" },
        confirmButton,
        h("button", { type: "button", class: "btn btn-quiet", text: t("merge.cancel"), on: { click: () => dialog.close() } }),
      ),
    );
    dialog.showModal();
    select.focus();
  }

  /** Facilitator access, the projector link to copy, and sharing the results (views/access.js). */
  function accessAside(projectorUrl) {
    return [
      projectorCopy(projectorUrl),
      facilitatorAccess(boardId, token, accessUi, page.schedule),
      sharePanel(boardId, token, accessUi, page.schedule),
    ];
  }

  // ---- commands -----------------------------------------------------------------

  async function moveNote(noteId, target, index) {
    try {
      if (target === NEW_COLUMN) {
        const columnId = newId();
        await conn.send("column.create", { column_id: columnId });
        await conn.send("note.move", { note_id: noteId, column_id: columnId, index: 0 });
        announce(t("board.moved", { target: describePlace(conn.state, columnId) }));
      } else {
        await conn.send("note.move", { note_id: noteId, column_id: target, index });
        announce(t("board.moved", { target: describePlace(conn.state, target) }));
      }
    } catch (error) {
      toast(errorText(error), "error");
    }
  }

  /** Decide a column's name, from its field or a chip; the field then shows the name. */
  async function nameColumn(columnId, name, { fromField = false } = {}) {
    try {
      await conn.send("column.name", { column_id: columnId, name });
      announce(t("naming.done", { name }));
      if (ui.nameDrafts) delete ui.nameDrafts[columnId];
      page.updateAll({ force: fromField });
    } catch (error) {
      toast(errorText(error), "error");
      page.schedule();
    }
  }

  async function adoptAll(pairs) {
    let done = 0;
    for (const [columnId, name] of pairs) {
      try {
        await conn.send("column.name", { column_id: columnId, name });
        delete ui.nameDrafts?.[columnId];
        done += 1;
      } catch (error) {
        toast(errorText(error), "error");
        break;
      }
    }
    if (done) toast(t("naming.adopted", { count: done }));
    page.schedule();
  }

  async function setFollowup(columnId, values) {
    try {
      await conn.send("followup.set", { column_id: columnId, ...values });
      delete ui.followups[columnId];
      toast(t("followup.saved"));
    } catch (error) {
      toast(errorText(error), "error");
    }
    page.schedule();
  }

  async function swap(selected, parked, reason) {
    try {
      await conn.send("selection.swap", { selected, parked, reason });
      ui.swap = null;
      toast(t("swap.done"));
    } catch (error) {
      toast(errorText(error), "error");
    }
    page.schedule();
  }

  // Issue 12: the facilitator settles a statistical tie at the selection cut.
  async function decide(selected, reason) {
    try {
      await conn.send("selection.decide", { selected, reason });
      ui.decide = null;
      toast(t("partial.decided"));
    } catch (error) {
      toast(errorText(error), "error");
    }
    page.schedule();
  }

  return page;
}
