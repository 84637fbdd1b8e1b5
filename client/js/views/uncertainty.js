// Issue 12: results of partial rankings (subsets). The Plackett-Luce strengths with their
// bootstrap intervals, Borda beside them, the tie at the selection cut and the
// facilitator's decision of it. The pure helpers at the top are tested under Node
// (tests/js/uncertainty.test.mjs); the render functions below build DOM.

import { h } from "../dom.js";
import { formatDate, lang, t } from "../i18n.js";
import { columnById } from "../state.js";
import { columnLabel } from "./common.js";

export const PLACKETT_LUCE = "plackett_luce";

/** Whether the results come from the Plackett-Luce fit (partial rankings). */
export function isPartial(results) {
  return results?.method === PLACKETT_LUCE;
}

/** A strength (a share of 1) as "12.3%" ("12,3 %" in German). */
export function percent(value, language = lang()) {
  if (value === null || value === undefined) return "";
  const text = (value * 100).toFixed(1);
  return language === "de" ? `${text.replace(".", ",")} %` : `${text}%`;
}

/** "12.3% (10.1–14.8%)": the strength with its 95% interval; "" without one. */
export function strengthText(candidate, language = lang()) {
  if (candidate?.strength === null || candidate?.strength === undefined) return "";
  const [low, high] = candidate.interval || [null, null];
  return `${percent(candidate.strength, language)} (${percent(low, language)} – ${percent(high, language)})`;
}

/** The largest upper bound of any interval: one scale for every bar. */
export function barScale(candidates) {
  return Math.max(0, ...(candidates || []).map((c) => (c.interval ? c.interval[1] : 0)));
}

/** Where the interval bar sits, in percent of its track: {left, width, tick}. */
export function barGeometry(candidate, peak) {
  if (!peak || !candidate?.interval) return { left: 0, width: 0, tick: 0 };
  const [low, high] = candidate.interval;
  const clamp = (x) => Math.min(100, Math.max(0, x));
  const left = clamp((low / peak) * 100);
  return {
    left,
    width: clamp((high / peak) * 100) - left,
    tick: clamp((candidate.strength / peak) * 100),
  };
}

/**
 * What `selection.decide` accepts (mirrors games/rules.py `_decide_selection`): the
 * candidates selected without doubt are kept, the rest of the top N come from the tied
 * ones. Returns {sure, tied, free}: `free` is how many tied ones to choose.
 */
export function decisionChoices(results) {
  const tied = new Set(results?.tied_at_cut || []);
  const candidates = results?.candidates || [];
  const sure = candidates.filter((c) => c.selected && !tied.has(c.column_id)).map((c) => c.column_id);
  const topN = Math.min(results?.top_n ?? 0, candidates.length);
  return {
    sure,
    tied: candidates.filter((c) => tied.has(c.column_id)).map((c) => c.column_id),
    free: Math.max(0, topN - sure.length),
  };
}

/** Whether the facilitator may decide at all: partial results with a tie at the cut. */
export function canDecide(results) {
  return isPartial(results) && (results.tied_at_cut || []).length > 0;
}

/** The full `selected` list of a decision from the tied ones picked, or null if the
 * number picked is not the number free. */
export function decisionSelection(results, picked) {
  const { sure, tied, free } = decisionChoices(results);
  const chosen = tied.filter((id) => picked.includes(id));
  if (chosen.length !== free) return null;
  return [...sure, ...chosen];
}

// --- rendering ---

/** Position through the CSSOM: the page's CSP (style-src 'self') refuses style attributes. */
function placed(el, percents) {
  for (const [property, value] of Object.entries(percents)) el.style[property] = `${value.toFixed(1)}%`;
  return el;
}

/** The strength line of one candidate card: text, interval bar, Borda, tie badge. */
export function strengthLine(candidate, peak) {
  if (candidate?.strength === null || candidate?.strength === undefined) return null;
  const bar = barGeometry(candidate, peak);
  return h(
    "p",
    { class: "card-strength", dataset: { strength: String(candidate.strength) } },
    t("partial.strength", { value: strengthText(candidate) }),
    h(
      "span",
      { class: "interval-bar", attrs: { "aria-hidden": "true" } },
      placed(h("span", { class: "interval-range" }), { left: bar.left, width: bar.width }),
      placed(h("span", { class: "interval-tick" }), { left: bar.tick }),
    ),
    " · ",
    t("partial.borda", { points: candidate.borda, shown: candidate.appearances }),
    candidate.statistically_tied ? h("span", { class: "badge badge-tied", text: t("partial.tied") }) : null,
  );
}

function names(state, ids) {
  return ids.map((id) => columnLabel(columnById(state, id))).join(", ");
}

/** The block under the selection: method, tie at the cut, the decision (and its form). */
export function partialSummary(state, options = {}) {
  const results = state.results;
  if (!isPartial(results)) return null;
  const tied = results.tied_at_cut || [];
  const decision = state.decision;
  return h(
    "section",
    { class: "results-block partial-summary", attrs: { "aria-labelledby": "res-partial" }, dataset: { method: results.method } },
    h("h2", { id: "res-partial", text: t("partial.title") }),
    h("p", { class: "results-meta", text: t("partial.method", { n: results.bootstrap?.resamples ?? "?" }) }),
    tied.length
      ? h("p", { class: "tie-notice", attrs: { role: "status" }, text: t(decision ? "partial.tieDecided" : "partial.tieOpen", { names: names(state, tied) }) })
      : h("p", { class: "results-meta", text: t("partial.noTie") }),
    decision
      ? h("p", {
          class: "decision",
          dataset: { decision: "" },
          text: t("partial.decision", { names: names(state, decision.selected), reason: decision.reason, at: formatDate(decision.at) }),
        })
      : null,
    options.editable && canDecide(results) ? decideForm(state, options) : null,
  );
}

function decideForm(state, { ui, onDecide }) {
  const results = state.results;
  const { tied, free } = decisionChoices(results);
  const draft = (ui.decide ??= { picked: [], reason: "" });
  const toggle = (id) => (event) => {
    draft.picked = event.target.checked ? [...draft.picked, id] : draft.picked.filter((x) => x !== id);
  };
  return h(
    "form",
    {
      class: "decide-form",
      attrs: { "aria-labelledby": "decide-h" },
      on: {
        submit: (event) => {
          event.preventDefault();
          const selected = decisionSelection(results, draft.picked);
          if (!selected || !draft.reason.trim()) return;
          onDecide(selected, draft.reason.trim());
        },
      },
    },
    h("h3", { id: "decide-h", text: t("partial.decideTitle", { n: free }) }),
    h(
      "ul",
      { class: "decide-choices" },
      tied.map((id) =>
        h(
          "li",
          {},
          h(
            "label",
            {},
            h("input", { type: "checkbox", value: id, fkey: `decide-${id}`, checked: draft.picked.includes(id), on: { change: toggle(id) } }),
            " ",
            columnLabel(columnById(state, id)),
          ),
        ),
      ),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { htmlFor: "decide-reason", text: t("partial.decideReason") }),
      h("input", { id: "decide-reason", fkey: "decide-reason", type: "text", required: true, maxLength: 1000, value: draft.reason, on: { input: (e) => (draft.reason = e.target.value) } }),
    ),
    h("button", { type: "submit", class: "btn btn-primary", fkey: "decide-submit", text: t("partial.decideSubmit") }),
  );
}

/** Pairwise agreement per criterion (Kendall's W needs complete rankings). */
export function pairwiseLines(results) {
  if (!isPartial(results)) return [];
  return Object.entries(results.pairwise_agreement || {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([criterion, v]) => h("p", { text: t("partial.pairwise", { criterion, value: percent(v) }) }));
}
