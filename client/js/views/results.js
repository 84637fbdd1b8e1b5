// The results of a closed board: what was selected (with follow-up), what was parked,
// the parking lot, swaps and their reasons, and what happened to the viewer's own notes.
// The facilitator's copy adds the follow-up forms and the swap form.

import { h } from "../dom.js";
import { formatDate, t } from "../i18n.js";
import { columnById, outcome, PARKING } from "../state.js";
import { colourClass, columnBadge, columnInSentence, columnLabel } from "./common.js";
import { columnNotes } from "./ranking.js";
import { barScale, pairwiseLines, partialSummary, strengthLine } from "./uncertainty.js";
import { followupLoopView, historyList } from "./followup.js"; // issue-15

const STATUSES = ["open", "in_progress", "scale", "adapt", "stop", "done"];

function numberOf(state, columnId) {
  return columnById(state, columnId)?.number ?? "?";
}

/**
 * options: editable (facilitator), ui {followups: {}, swap: {}, decide: {}}, onFollowup(columnId, values),
 * onSwap(selected, parked, reason), onDecide(selected, reason) (issue 12), large (projector)
 */
export function resultsView(state, options = {}) {
  const result = outcome(state);
  if (!result) return h("p", { class: "panel", text: t("results.notYet") });
  const { editable = false, large = false } = options;
  const parkingNotes = state.parking.map((id) => state.noteIndex.get(id)).filter(Boolean);
  const peak = barScale(state.results.candidates);
  return h(
    "div",
    { class: ["results", large && "results-lg"], dataset: { results: "" } },
    h(
      "section",
      { class: "results-block", attrs: { "aria-labelledby": "res-selected" } },
      h("h2", { id: "res-selected", text: `${t("results.selected")} (${result.selected.length})` }),
      h(
        "ol",
        { class: "cards" },
        result.selected.map((c) => candidateCard(state, c, { ...options, selected: true, peak })),
      ),
    ),
    partialSummary(state, options),
    editable && result.parked.length && result.selected.length ? swapForm(state, result, options) : null,
    state.swaps.length
      ? h(
          "section",
          { class: "results-block", attrs: { "aria-labelledby": "res-swaps" } },
          h("h2", { id: "res-swaps", text: t("results.swaps") }),
          h(
            "ul",
            { class: "swaps" },
            state.swaps.map((s) =>
              h("li", {
                text: swapText(state, s),
              }),
            ),
          ),
        )
      : null,
    result.parked.length
      ? h(
          "section",
          { class: "results-block", attrs: { "aria-labelledby": "res-parked" } },
          h("h2", { id: "res-parked", text: `${t("results.parked")} (${result.parked.length})` }),
          h("ol", { class: "cards cards-parked" }, result.parked.map((c) => candidateCard(state, c, { ...options, editable: false, selected: false, peak }))),
        )
      : null,
    parkingNotes.length
      ? h(
          "section",
          { class: "results-block", attrs: { "aria-labelledby": "res-parking" } },
          h("h2", { id: "res-parking", text: `${t("results.parkingLot")} (${parkingNotes.length})` }),
          h("ul", { class: "column-notes parking-notes" }, parkingNotes.map((n) => h("li", { text: n.text ?? "…" }))),
        )
      : null,
    followupLoopView(state, options), // issue-15: the follow-up loop
    ownNotes(state),
    agreement(state),
  );
}

function candidateCard(state, candidate, options) {
  const { editable, selected } = options;
  const column = candidate.column;
  const number = column?.number ?? "?";
  const followup = state.followups[candidate.column_id];
  return h(
    "li",
    { class: ["card", colourClass(number), selected ? "card-selected" : "card-parked"], dataset: { candidate: candidate.column_id } },
    h(
      "div",
      { class: "card-head" },
      columnBadge(number),
      h("h3", { text: columnLabel(column) }),
      h("span", { class: "place", text: t("results.place", { n: candidate.place }) }),
    ),
    columnNotes(state, column, { limit: 20 }),
    h(
      "p",
      { class: "card-score" },
      t("results.total", { total: candidate.total }),
      " · ",
      Object.entries(candidate.per_criterion || {})
        .map(([criterion, sum]) => t("results.perCriterion", { criterion, sum }))
        .join(" · "),
    ),
    strengthLine(candidate, options.peak),
    selected ? (editable ? followupForm(state, candidate.column_id, options) : followupView(followup)) : null,
  );
}

function followupView(followup) {
  if (!followup || (!followup.owner && !followup.next_step && !followup.decide_by)) {
    return h("p", { class: "followup followup-empty", text: t("results.noFollowup") });
  }
  return h(
    "dl",
    { class: "followup" },
    h("div", {}, h("dt", { text: t("results.owner") }), h("dd", { text: followup.owner || "–" })),
    h("div", {}, h("dt", { text: t("results.nextStep") }), h("dd", { text: followup.next_step || "–" })),
    h("div", {}, h("dt", { text: t("results.decideBy") }), h("dd", { text: formatDate(followup.decide_by) || "–" })),
    h("div", {}, h("dt", { text: t("results.status") }), h("dd", { text: t(`status.${followup.status}`) })),
  );
}

function followupForm(state, columnId, { ui, onFollowup }) {
  const saved = state.followups[columnId] || { owner: "", next_step: "", decide_by: null, status: "open" };
  const draft = (ui.followups[columnId] ??= {
    owner: saved.owner,
    next_step: saved.next_step,
    decide_by: saved.decide_by || "",
    status: saved.status,
  });
  const id = (field) => `fu-${field}-${columnId}`;
  const bind = (field) => (event) => {
    draft[field] = event.target.value;
  };
  const changed =
    draft.owner !== saved.owner ||
    draft.next_step !== saved.next_step ||
    (draft.decide_by || null) !== (saved.decide_by || null) ||
    draft.status !== saved.status;
  const statusSelect = h(
    "select",
    { id: id("status"), fkey: id("status"), on: { change: bind("status") } },
    STATUSES.map((s) => h("option", { value: s, text: t(`status.${s}`) })),
  );
  statusSelect.value = draft.status;
  return h(
    "form",
    {
      class: "followup-form",
      dataset: { followupFor: columnId },
      on: {
        submit: (event) => {
          event.preventDefault();
          onFollowup(columnId, { ...draft, decide_by: draft.decide_by || null });
        },
      },
    },
    h("h4", { text: t("results.followup") }),
    field(id("owner"), t("results.owner"), h("input", { id: id("owner"), fkey: id("owner"), type: "text", value: draft.owner, maxLength: 120, on: { input: bind("owner") } })),
    field(id("next"), t("results.nextStep"), h("textarea", { id: id("next"), fkey: id("next"), rows: 2, value: draft.next_step, maxLength: 1000, on: { input: bind("next_step") } })),
    h(
      "div",
      { class: "field-row" },
      field(id("date"), t("results.decideBy"), h("input", { id: id("date"), fkey: id("date"), type: "date", value: draft.decide_by || "", on: { input: bind("decide_by"), change: bind("decide_by") } })),
      field(id("status"), t("results.status"), statusSelect),
    ),
    h("button", { type: "submit", class: ["btn", changed ? "btn-primary" : "btn-secondary"], fkey: id("save"), text: t("followup.save") }),
  );
}

function field(id, label, control) {
  return h("div", { class: "field" }, h("label", { htmlFor: id, text: label }), control);
}

function swapForm(state, result, { ui, onSwap }) {
  const draft = (ui.swap ??= { selected: "", parked: "", reason: "" });
  const selectedOptions = result.selected.map((c) => h("option", { value: c.column_id, text: `${columnLabel(c.column)} (${t("results.place", { n: c.place })})` }));
  const parkedOptions = result.parked.map((c) => h("option", { value: c.column_id, text: `${columnLabel(c.column)} (${t("results.place", { n: c.place })})` }));
  const sel = h("select", { id: "swap-selected", fkey: "swap-selected", required: true, on: { change: (e) => (draft.selected = e.target.value) } }, h("option", { value: "", text: "–" }), selectedOptions);
  const par = h("select", { id: "swap-parked", fkey: "swap-parked", required: true, on: { change: (e) => (draft.parked = e.target.value) } }, h("option", { value: "", text: "–" }), parkedOptions);
  sel.value = draft.selected;
  par.value = draft.parked;
  return h(
    "form",
    {
      class: "results-block swap-form",
      attrs: { "aria-labelledby": "swap-h" },
      on: {
        submit: (event) => {
          event.preventDefault();
          if (!draft.selected || !draft.parked || !draft.reason.trim()) return;
          onSwap(draft.selected, draft.parked, draft.reason.trim());
        },
      },
    },
    h("h2", { id: "swap-h", text: t("swap.title") }),
    h("div", { class: "field-row" }, field("swap-selected", t("swap.selected"), sel), field("swap-parked", t("swap.parked"), par)),
    field("swap-reason", t("swap.reason"), h("input", { id: "swap-reason", fkey: "swap-reason", type: "text", required: true, maxLength: 1000, value: draft.reason, on: { input: (e) => (draft.reason = e.target.value) } })),
    h("button", { type: "submit", class: "btn btn-secondary", fkey: "swap-submit", text: t("swap.submit") }),
  );
}

function ownNotes(state) {
  const mine = state.notes.filter((n) => n.mine);
  if (!mine.length) return null;
  const result = outcome(state);
  return h(
    "section",
    { class: "results-block", attrs: { "aria-labelledby": "res-mine" }, dataset: { ownNotes: "" } },
    h("h2", { id: "res-mine", text: t("results.yourNotes") }),
    h(
      "ul",
      { class: "own-notes" },
      mine.map((note) =>
        h(
          "li",
          { dataset: { ownNote: note.id } },
          h("span", { class: "own-text", text: note.text ?? "…" }),
          " → ",
          h("span", { class: "own-fate", text: fate(state, result, note) }),
          // issue-15: every later status and decision of the note's column
          note.column && note.column !== PARKING ? historyList(state, note.column) : null,
        ),
      ),
    ),
  );
}

function fate(state, result, note) {
  if (note.column === null) return t("results.noteUnsorted");
  if (note.column === PARKING) return t("results.noteParking");
  const number = numberOf(state, note.column);
  const named = columnInSentence(columnById(state, note.column));
  const candidate = result.byId.get(note.column);
  if (!candidate) return named ? t("naming.noteInColumn", { column: named }) : t("results.noteInColumn", { n: number });
  const selected = state.selected.includes(note.column);
  if (named) return t(selected ? "naming.noteSelected" : "naming.noteParked", { column: named, place: candidate.place });
  return t(selected ? "results.noteSelected" : "results.noteParked", { n: number, place: candidate.place });
}

function swapText(state, s) {
  const parked = columnById(state, s.parked);
  const selected = columnById(state, s.selected);
  if (parked?.name || selected?.name) {
    return t("naming.swap", { parked: columnLabel(parked), selected: columnLabel(selected), reason: s.reason });
  }
  return t("results.swap", { parked: numberOf(state, s.parked), selected: numberOf(state, s.selected), reason: s.reason });
}

function agreement(state) {
  const values = Object.entries(state.results.agreement || {}).filter(([, w]) => w !== null && w !== undefined);
  return h(
    "section",
    { class: "results-block results-meta" },
    h("p", { text: t("results.rankers", { n: state.results.rankers, count: state.results.rankers }) }),
    values.map(([criterion, w]) => h("p", { text: t("results.agreement", { criterion, w: Number(w).toFixed(2) }) })),
    pairwiseLines(state.results),
  );
}
