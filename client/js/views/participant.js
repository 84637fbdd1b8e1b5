// The participant's view, phone first: the prompt and phase, writing own notes, sorting
// the board, ranking the columns, and the results with the fate of one's own notes.

import { enableDrag } from "../dnd.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { newId } from "../ids.js";
import * as store from "../storage.js";
import { currentPhase, isWaiting, packetsOn, rankCandidates, subsetsOn } from "../state.js";
import { AffinityBoard, barDropPlace } from "./affinity.js";
import { describePlace, LAST, NEW_COLUMN } from "./board.js";
import { announce, errorText, filledSentence, phaseCard, phaseStepper, phaseTitle, refreshScore, promptParts, promptText, scoreBoard, toast } from "./common.js";
import { charCounter, withCounter } from "./limits.js";
import { BoardPage } from "./page.js";
import { participantNaming } from "./naming.js";
import { rankErrorText, rankingView, workingOrder } from "./ranking.js";
import { resultsView } from "./results.js";

/** Events the affinity board applies to its own DOM (views/affinity.js). */
const BOARD_KINDS = new Set([
  "note.moved",
  "column.created",
  "notes.revealed",
  // work sharing (issue 12): the board's packet panel and columns follow these
  "column.merged",
  "packet.assigned",
  "packet.returned",
  "packet.requested",
  "packets.switched",
]);

function canWrite(state) {
  return currentPhase(state).commands.includes("note.create");
}

export function mountParticipant(root, conn, boardId) {
  const ui = {
    moveChoice: {},
    rankOrders: store.getRankDraft(boardId),
    busy: {},
    editing: null,
    editText: "",
    deleteArmed: null,
    sending: false,
  };
  // the work I am handed (issue 12): ask for a packet by myself when I have none
  const share = { auto: true, asking: false, none: false, subsetAsked: false };
  const page = new BoardPage(root, conn, {
    role: "participant",
    onPhaseChange: (phase, previous) => phaseChanged(phase, previous),
    // a presence frame's counts: the numbers in place, not a re-render of the page
    onCounts: () => {
      refreshScore(phaseEl, conn);
      if (conn.state && !packetsWere && packetsOn(conn.state)) share.auto = true;
      packetsWere = Boolean(conn.state && packetsOn(conn.state));
      affinity.refreshPacket();
      shareSoon();
    },
  });
  let packetsWere = false;
  const phaseEl = h("div", { class: "region-phase" });
  const draftEl = h("div", { class: "region-draft" });
  const composerEl = h("div", { class: "region-composer" });
  const contentEl = h("div", { class: "region-content" });
  page.body.append(h("main", { id: "main", class: "participant", tabIndex: -1 }, phaseEl, draftEl, composerEl, contentEl));
  root.querySelector("main#main")?.focus?.({ preventScroll: true });

  const phaseRegion = page.region(phaseEl, () => {
    const state = conn.state;
    // sorting on a phone: the phase in one line (details on a tap), so the next note to
    // place and the column bar fit on the first screen
    const sorting = currentPhase(state).type === "affinity";
    phaseEl.classList.toggle("region-phase-compact", sorting);
    return [
      phaseStepper(state, { compact: true }),
      sorting ? compactPhaseCard(state) : phaseCard(state, "participant"),
      canWrite(state) ? null : h("section", { class: "prompt-box", attrs: { "aria-label": t("prompt.title") } }, promptText(state.prompt)),
      scoreBoard(conn),
    ];
  });
  // while sorting, a move changes only the score's numbers: updated in place
  phaseRegion.skips = (detail) => {
    if (!BOARD_KINDS.has(detail.event?.kind) || currentPhase(conn.state).type !== "affinity") return false;
    refreshScore(phaseEl, conn);
    return true;
  };
  page.region(draftEl, () => draftNotice(), { skips: (detail) => BOARD_KINDS.has(detail.event?.kind) });
  // the sorting board keeps its own DOM current, event by event (views/affinity.js)
  const affinity = new AffinityBoard(conn, {
    onMove: (id, target, index) => moveNote(id, target, index),
    packets: {
      onConfirm: (packetId) => packetCommand("packet.confirm", packetId),
      onGiveBack: (packetId) => packetCommand("packet.return", packetId),
      onAsk: () => askPacket(),
      status: () => (share.asking ? "asking" : share.none ? "none" : null),
    },
  });
  // the board updates itself for these; the content region is not rebuilt for them
  page.region(contentEl, () => content(), { skips: (detail) => affinity.built && BOARD_KINDS.has(detail.event?.kind) });
  page.onLang = () => buildComposer();
  const typing = typingReporter(conn);
  conn.addEventListener("change", (event) => {
    // a new connection starts with no draft on the server's side: say so again
    if (event.detail.welcome) typing.reset(canWrite(conn.state) && Boolean(store.getDraft(boardId).trim()));
    shareEvent(event.detail);
  });

  enableDrag(contentEl, {
    onActive: (active) => page.setDragging(active),
    onDrop: ({ id, zone, index }) => {
      if (zone.startsWith("rank:")) {
        const criterion = conn.state.board.criteria[Number(zone.slice(5))];
        const order = workingOrder(conn.state, ui, conn.me.id, criterion).filter((c) => c !== id);
        order.splice(index, 0, id);
        setRankOrder(criterion, order);
        return;
      }
      const bar = barDropPlace(zone);
      if (bar !== null) moveNote(id, bar, LAST);
      else moveNote(id, zone === "unsorted" ? null : zone, index);
    },
  });

  function compactPhaseCard(state) {
    const phase = currentPhase(state);
    return h(
      "details",
      { class: "phase-card phase-card-compact" },
      h("summary", {}, h("span", { class: "phase-count", text: t("phase.of", { n: state.phase_index + 1, total: state.board.game.phases.length }) }), " ", h("h2", { id: "phase-heading", class: "phase-title", text: phaseTitle(phase) })),
      h("p", { class: "phase-purpose", text: t(`purpose.${phase.type}`) }),
      h("p", { class: "phase-may", text: t("may.participant.affinity") }),
    );
  }

  // ---- writing notes --------------------------------------------------------------

  function phaseChanged(phase, previous) {
    // the server ends every draft with the phase; a draft left in the field is kept
    const draftNow = canWrite(conn.state) && Boolean(store.getDraft(boardId).trim());
    typing.reset(previous === null && draftNow, { sent: previous !== null });
    if (previous !== null && !canWrite(conn.state) && composerEl.contains(document.activeElement)) {
      requestAnimationFrame(() => requestAnimationFrame(() => draftEl.querySelector("[data-draft] h2")?.focus()));
    }
    if (previous !== null && ui.editing) {
      const note = conn.state.noteIndex.get(ui.editing);
      if (note && ui.editText.trim() && ui.editText !== note.text && !canWrite(conn.state)) {
        store.setDraft(boardId, ui.editText);
      }
      ui.editing = null;
    }
    buildComposer();
  }

  function buildComposer() {
    const state = conn.state;
    if (!state || !canWrite(state)) {
      composerEl.replaceChildren();
      return;
    }
    const parts = promptParts(state.prompt);
    const textarea = h("textarea", {
      id: "note-text",
      class: "composer-text",
      rows: 2,
      maxLength: 1000,
      value: store.getDraft(boardId),
      attrs: { "aria-describedby": "note-hint", autocomplete: "off", enterkeyhint: "send" },
      on: {
        input: (event) => {
          store.setDraft(boardId, event.target.value);
          typing.report(Boolean(event.target.value.trim()));
        },
        keydown: (event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            form.requestSubmit();
          }
        },
      },
    });
    const counter = charCounter(textarea, 1000);
    const button = h("button", { type: "submit", class: "btn btn-primary", text: t("notes.add") });
    const form = h(
      "form",
      {
        class: "composer",
        on: {
          submit: async (event) => {
            event.preventDefault();
            const text = textarea.value.trim();
            if (!text || ui.sending) {
              if (!text) textarea.focus();
              return;
            }
            ui.sending = true;
            button.disabled = true;
            try {
              await conn.send("note.create", { note_id: newId(), text });
              if (textarea.value.trim() === text) {
                textarea.value = "";
                store.setDraft(boardId, "");
                textarea.dispatchEvent(new Event("input")); // counter, stored draft, typing
              }
              toast(t("notes.added"), "quiet");
            } catch (error) {
              // writing ended meanwhile: the draft notice explains, no toast that only fails
              if (canWrite(conn.state) || !["phase_forbids", "stale_phase"].includes(error.code)) {
                toast(errorText(error), "error");
              }
            } finally {
              ui.sending = false;
              button.disabled = false;
              if (document.activeElement === document.body) textarea.focus();
            }
          },
        },
      },
      h("h2", { class: "composer-title" }, h("label", { htmlFor: "note-text", text: t("notes.write") })),
      parts && parts.hasBlank
        ? h("div", { class: "blank-sentence" }, h("span", { class: "blank-before", text: parts.before }), textarea, h("span", { class: "blank-after", text: parts.after }))
        : h("div", {}, promptText(state.prompt), textarea),
      counter,
      h("p", { id: "note-hint", class: "hint", text: t("notes.hint") }),
      button,
    );
    composerEl.replaceChildren(form);
  }

  function draftNotice() {
    const state = conn.state;
    const draft = store.getDraft(boardId);
    if (!draft.trim() || canWrite(state)) return null;
    return h(
      "section",
      { class: "notice notice-draft", dataset: { draft: "" }, attrs: { "aria-labelledby": "draft-h" } },
      h("h2", { id: "draft-h", tabIndex: -1, text: t("draft.ended") }),
      h("blockquote", { class: "draft-text", text: draft }),
      h(
        "div",
        { class: "button-row" },
        h("button", {
          type: "button",
          class: "btn btn-secondary",
          fkey: "draft-copy",
          text: t("draft.copy"),
          on: { click: () => copyText(draft) },
        }),
        h("button", {
          type: "button",
          class: "btn btn-quiet",
          fkey: "draft-discard",
          text: t("draft.discard"),
          on: {
            click: () => {
              store.setDraft(boardId, "");
              page.schedule();
            },
          },
        }),
      ),
    );
  }

  function myNotes() {
    const state = conn.state;
    const mine = state.notes.filter((n) => n.mine);
    const others = state.notes.length - mine.length;
    return h(
      "section",
      { class: "my-notes", attrs: { "aria-labelledby": "mine-h" } },
      h("h2", { id: "mine-h", text: t("notes.mine", { count: mine.length }) }),
      mine.length === 0 ? h("p", { class: "hint", text: t("notes.noneYet") }) : null,
      h("ul", { class: "note-list own-list" }, mine.map((note) => myNote(state, note))),
      h("p", { class: "others-count", dataset: { othersCount: String(others) }, text: t("notes.others", { n: others, count: others }) }),
    );
  }

  function myNote(state, note) {
    if (ui.editing === note.id) {
      const editId = `edit-${note.id}`;
      return h(
        "li",
        { class: "note note-mine note-editing", dataset: { note: note.id } },
        h(
          "form",
          {
            on: {
              submit: async (event) => {
                event.preventDefault();
                const text = ui.editText.trim();
                if (!text) return;
                try {
                  if (text !== note.text) await conn.send("note.edit", { note_id: note.id, text });
                  ui.editing = null;
                  toast(t("notes.saved"), "quiet");
                } catch (error) {
                  toast(errorText(error), "error");
                }
                page.schedule();
                requestAnimationFrame(() => contentEl.querySelector(`[data-fkey="edit-btn-${note.id}"]`)?.focus());
              },
            },
          },
          h("label", { class: "visually-hidden", htmlFor: editId, text: t("notes.edit") }),
          withCounter(h("textarea", {
            id: editId,
            fkey: editId,
            rows: 2,
            maxLength: 1000,
            value: ui.editText,
            on: {
              input: (event) => (ui.editText = event.target.value),
              keydown: (event) => {
                if (event.key === "Escape") {
                  ui.editing = null;
                  page.schedule();
                }
              },
            },
          }), 1000),
          h(
            "div",
            { class: "button-row" },
            h("button", { type: "submit", class: "btn btn-primary btn-small", text: t("notes.save") }),
            h("button", {
              type: "button",
              class: "btn btn-quiet btn-small",
              text: t("notes.cancel"),
              on: {
                click: () => {
                  ui.editing = null;
                  page.schedule();
                },
              },
            }),
          ),
        ),
      );
    }
    const armed = ui.deleteArmed === note.id;
    return h(
      "li",
      { class: "note note-mine", dataset: { note: note.id } },
      h("p", { class: "note-body" }, filledSentence(state.prompt, note.text ?? "")),
      h(
        "div",
        { class: "button-row" },
        h("button", {
          type: "button",
          class: "btn btn-quiet btn-small",
          fkey: `edit-btn-${note.id}`,
          text: t("notes.edit"),
          on: {
            click: () => {
              ui.editing = note.id;
              ui.editText = note.text ?? "";
              page.schedule();
              requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById(`edit-${note.id}`)?.focus()));
            },
          },
        }),
        h("button", {
          type: "button",
          class: ["btn", "btn-small", armed ? "btn-danger" : "btn-quiet"],
          fkey: `del-btn-${note.id}`,
          text: armed ? t("notes.deleteConfirm") : t("notes.delete"),
          on: {
            click: async () => {
              if (!armed) {
                ui.deleteArmed = note.id;
                page.schedule();
                setTimeout(() => {
                  if (ui.deleteArmed === note.id) {
                    ui.deleteArmed = null;
                    page.schedule();
                  }
                }, 4000);
                return;
              }
              ui.deleteArmed = null;
              try {
                await conn.send("note.delete", { note_id: note.id });
                toast(t("notes.deleted"));
                document.getElementById("note-text")?.focus();
              } catch (error) {
                toast(errorText(error), "error");
              }
            },
          },
        }),
      ),
    );
  }

  // ---- work sharing (issue 12): packets and subsets --------------------------------

  /** What an event means for my share of the work: announce it, and whether to ask. */
  function shareEvent(detail) {
    const event = detail.event;
    const meId = conn.me?.id;
    if (detail.welcome) {
      share.auto = true;
      share.subsetAsked = false;
    } else if (event?.kind === "phase.changed") {
      share.auto = true;
      share.none = false;
      share.subsetAsked = false;
    } else if (event?.kind === "packets.switched") {
      share.auto = true;
      share.none = false;
    } else if (event?.kind === "packet.assigned" && event.holder === meId && meId) {
      share.none = false;
      const n = event.note_ids?.length ?? event.size;
      announce(t(event.pass === "review" ? "share.gotReview" : "share.gotNew", { n }));
    } else if (event?.kind === "packet.returned" && event.holder === meId && meId) {
      // done: the next one comes by itself (or I ask once); otherwise I ask by the button
      share.auto = event.reason === "done";
      if (event.reason === "done") announce(t("share.mineDone", { n: conn.state.mine.packets_done }));
      else announce(t(`share.returned.${event.reason}`));
    } else if (event?.kind === "subset.assigned" && event.participant_id === meId && meId) {
      // an order drafted before the subset came is not one of it: set back quietly
      const criterion = event.criterion;
      if (ui.rankOrders[criterion] && !sameMembers(ui.rankOrders[criterion], event.candidates || [])) {
        delete ui.rankOrders[criterion];
        store.setRankDraft(boardId, ui.rankOrders);
      }
    }
    shareSoon();
  }

  let shareQueued = false;
  /** After the events of one frame are all in: ask for a packet or a subset if needed. */
  function shareSoon() {
    if (shareQueued) return;
    shareQueued = true;
    setTimeout(() => {
      shareQueued = false;
      autoAsk();
    }, 0);
  }

  function autoAsk() {
    const state = conn.state;
    if (!state || conn.status !== "online") return;
    const type = currentPhase(state).type;
    if (type === "affinity" && share.auto && packetsOn(state) && !state.mine.packet && !isWaiting(state)) {
      share.auto = false;
      askPacket();
    }
    if (type === "rank" && subsetsOn(state) && !share.subsetAsked && state.board.criteria.some((c) => !rankCandidates(state, c))) {
      share.subsetAsked = true;
      askSubset();
    }
  }

  async function askPacket() {
    if (share.asking) return;
    share.asking = true;
    share.none = false;
    affinity.refreshPacket();
    try {
      await conn.send("packet.request");
      const state = conn.state;
      // acked without a packet and without a place in line: nothing to hand out now
      share.none = !state.mine.packet && !isWaiting(state);
    } catch (error) {
      if (error.code !== "packets_off" && error.code !== "phase_forbids" && error.code !== "stale_phase") toast(errorText(error), "error");
    } finally {
      share.asking = false;
      affinity.refreshPacket();
    }
  }

  async function packetCommand(type, packetId) {
    try {
      await conn.send(type, { packet_id: packetId });
      if (type === "packet.confirm") toast(t("share.confirmed"), "quiet");
    } catch (error) {
      toast(errorText(error), "error");
    }
    requestAnimationFrame(() => contentEl.querySelector("#packet-h")?.focus({ preventScroll: true }));
  }

  async function askSubset() {
    try {
      await conn.send("subset.request");
    } catch (error) {
      share.subsetAsked = false;
      if (!["phase_forbids", "stale_phase"].includes(error.code)) toast(errorText(error), "error");
    }
    page.schedule();
  }

  // ---- sorting and ranking --------------------------------------------------------

  async function moveNote(noteId, target, index) {
    try {
      if (target === NEW_COLUMN) {
        const columnId = newId();
        await conn.send("column.create", { column_id: columnId });
        await conn.send("note.move", { note_id: noteId, column_id: columnId, index: 0 });
        toast(t("board.moved", { target: describePlace(conn.state, columnId) }), "quiet");
      } else {
        await conn.send("note.move", { note_id: noteId, column_id: target, index });
        toast(t("board.moved", { target: describePlace(conn.state, target) }), "quiet");
      }
    } catch (error) {
      toast(errorText(error), "error");
    }
  }

  /** Propose a name (or support one by its chip). A field that sent it is emptied and
   * the page re-rendered at once, though the field still has the focus. */
  async function proposeName(columnId, name, { fromField = false } = {}) {
    try {
      await conn.send("column.propose", { column_id: columnId, name });
      toast(t("naming.proposed", { name }), "quiet");
      if (fromField) ui.proposeDrafts[columnId] = "";
      page.updateAll({ force: fromField });
    } catch (error) {
      toast(errorText(error), "error");
      page.schedule();
    }
  }

  function setRankOrder(criterion, order) {
    ui.rankOrders[criterion] = order;
    store.setRankDraft(boardId, ui.rankOrders);
    page.schedule();
  }

  async function submitRanking(criterion, order) {
    ui.busy[criterion] = true;
    page.schedule();
    try {
      await conn.send("ranking.submit", { criterion, order });
      toast(t("rank.sent", { criterion }));
      // the submit button is now disabled: focus goes to the list's heading, not the body
      const focusHeading = () => {
        const list = [...contentEl.querySelectorAll("[data-criterion]")].find((el) => el.dataset.criterion === criterion);
        list?.querySelector("h3")?.focus();
      };
      requestAnimationFrame(() => requestAnimationFrame(focusHeading));
    } catch (error) {
      toast(rankErrorText(conn.state, error), "error");
      if (error.code === "no_subset") {
        // the subset has not come: ask (again) for it
        share.subsetAsked = true;
        askSubset();
      } else if (error.code === "not_a_permutation" && Array.isArray(error.details?.candidates)) {
        // the server says which candidates this list must hold: start from those
        delete ui.rankOrders[criterion];
        store.setRankDraft(boardId, ui.rankOrders);
      }
    } finally {
      ui.busy[criterion] = false;
      page.schedule();
    }
  }

  function content() {
    const state = conn.state;
    const type = currentPhase(state).type;
    if (canWrite(state)) return myNotes();
    switch (type) {
      case "affinity":
        return affinity.element();
      case "name":
        return participantNaming(state, { ui, onPropose: proposeName });
      case "rank":
        return rankingView(state, {
          ui,
          meId: conn.me.id,
          onReorder: (criterion, order, columnId) => {
            ui.rankOrders[criterion] = order;
            store.setRankDraft(boardId, ui.rankOrders);
            // at once and forced: a focused place select would hold a scheduled render;
            // the focus follows the moved row by its controls' fkeys
            page.updateAll({ force: true });
            requestAnimationFrame(() => requestAnimationFrame(() => {
              const button = contentEl.querySelector(`[data-criterion="${CSS.escape(criterion)}"] [data-column="${CSS.escape(columnId)}"] button:not([disabled])`);
              if (button && !contentEl.contains(document.activeElement)) button.focus();
            }));
          },
          onSubmit: submitRanking,
          onToggle: () => page.updateAll({ force: true }),
          onAskSubset: () => {
            share.subsetAsked = true;
            askSubset();
          },
        });
      case "close":
        return resultsView(state, {});
      default:
        return h("p", { class: "panel waiting", text: t(`may.participant.${type}`) });
    }
  }

  return page;
}

function sameMembers(a, b) {
  return a.length === b.length && b.every((x) => a.includes(x));
}

/**
 * Tells the server whether this person has a draft in progress, at most once a second
 * (the last state wins); the facilitator sees only how many do.
 */
function typingReporter(conn) {
  let sent = false;
  let wanted = false;
  let lastAt = 0;
  let timer = null;
  const flush = () => {
    timer = null;
    if (wanted === sent) return;
    if (conn.notify({ type: "typing", typing: wanted })) {
      sent = wanted;
      lastAt = Date.now();
    }
  };
  return {
    report(value) {
      wanted = value;
      if (timer) return;
      const wait = lastAt + 1000 - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    /** After a welcome or a phase change: `value` is wanted; `sent` if the server knows it. */
    reset(value, { sent: known = false } = {}) {
      clearTimeout(timer);
      timer = null;
      wanted = value;
      sent = known ? value : false;
      if (wanted !== sent) flush();
    },
  };
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t("share.copied"));
    return;
  } catch {
    // no clipboard API outside secure contexts: fall back to a selection
  }
  const area = h("textarea", { value: text, class: "offscreen", attrs: { "aria-hidden": "true" } });
  document.body.appendChild(area);
  area.select();
  try {
    document.execCommand("copy");
    toast(t("share.copied"));
  } catch {
    // nothing more to try; the text is on screen to copy by hand
  }
  area.remove();
}
