// Forced ranking: one ordered list of the candidate columns per criterion. Built for a
// phone and up to 15 candidates: compact rows (place, badge, name, a one-line excerpt)
// so the whole order fits one screen; any item goes to any place in one or two actions
// (pick its place in the row's select; or open its details for "to the top" / "to the
// bottom"), besides the up/down buttons and dragging. Each list is submitted on its own
// and shows clearly whether it is submitted, changed since, or not yet sent.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { isStrictOrder, moveTo, sameOrder, seededOrder } from "../order.js";
import { columnById, rankCandidates, subsetSize, subsetsOn } from "../state.js";
import { colourClass, columnBadge, columnLabel, errorText } from "./common.js";

export { moveTo } from "../order.js";

/** The order shown for a criterion: the person's working copy, else what they sent, else shuffled. */
export function workingOrder(state, ui, meId, criterion) {
  // with subsets (issue 12): only the candidates handed to me for this criterion
  const candidates = rankCandidates(state, criterion) ?? [];
  if (isStrictOrder(ui.rankOrders[criterion], candidates)) return ui.rankOrders[criterion];
  const sent = state.rankings.mine[criterion];
  if (isStrictOrder(sent, candidates)) return [...sent];
  return seededOrder(candidates, `${meId}:${criterion}`);
}

export function rankStatus(state, ui, meId, criterion) {
  const sent = state.rankings.mine[criterion];
  if (!sent) return "none";
  return sameOrder(sent, workingOrder(state, ui, meId, criterion)) ? "submitted" : "changed";
}

/**
 * options: ui {rankOrders, busy, rankOpen}, meId, onReorder(criterion, order, columnId),
 * onSubmit(criterion, order), onToggle() (re-render after a row's details open or close),
 * onAskSubset() (ask again for the candidates to rank, when subsets are on)
 */
export function rankingView(state, options) {
  const { ui, meId } = options;
  if (state.candidates.length === 0) return h("p", { class: "panel", text: t("rank.noCandidates") });
  const subsets = subsetsOn(state);
  if (subsets && state.board.criteria.some((c) => !rankCandidates(state, c))) return subsetWaiting(options);
  const allDone = state.board.criteria.every((c) => rankStatus(state, ui, meId, c) === "submitted");
  return h(
    "div",
    { class: "ranking" },
    allDone ? h("p", { class: "notice notice-ok", dataset: { allRanked: "" }, text: `✓ ${t("rank.allDone")}` }) : null,
    subsets
      ? h("p", { class: "notice rank-subset", dataset: { rankSubset: `${subsetSize(state)}/${state.candidates.length}` }, text: t("rank.subset", { k: subsetSize(state), total: state.candidates.length }) })
      : null,
    state.board.criteria.length > 1 ? criterionSwitch(state, ui, meId) : null,
    state.board.criteria.map((criterion, ci) => criterionList(state, options, criterion, ci)),
  );
}

/**
 * The sentence for a refused ranking. With subsets on, `not_a_permutation` means "not
 * the k columns handed to you" (the error names them in `candidates`), not "every column".
 */
export function rankErrorText(state, error) {
  const candidates = error?.details?.candidates;
  if (error?.code === "not_a_permutation" && subsetsOn(state) && Array.isArray(candidates)) {
    return t("rank.subsetChanged", { k: candidates.length });
  }
  return errorText(error);
}

/** Subsets on, mine not here yet: say so, with a button to ask again. */
function subsetWaiting(options) {
  return h(
    "div",
    { class: "ranking rank-subset-waiting", dataset: { subsetWaiting: "" } },
    h("p", { class: "panel waiting", attrs: { role: "status" }, text: t("rank.subsetWaiting") }),
    options.onAskSubset
      ? h("button", { type: "button", class: "btn btn-secondary btn-small", fkey: "subset-ask", text: t("rank.subsetAsk"), on: { click: () => options.onAskSubset() } })
      : null,
  );
}

/** Several criteria: a row of buttons that bring a criterion's list into view, with its status. */
function criterionSwitch(state, ui, meId) {
  return h(
    "nav",
    { class: "rank-switch", attrs: { "aria-label": t("rank.switch") } },
    state.board.criteria.map((criterion, ci) => {
      const status = rankStatus(state, ui, meId, criterion);
      return h("button", {
        type: "button",
        class: ["btn", "btn-small", "btn-quiet", `rank-switch-${status}`],
        fkey: `switch-${ci}`,
        dataset: { rankSwitch: criterion },
        text: status === "submitted" ? `✓ ${criterion}` : criterion,
        attrs: { "aria-label": t("rank.jumpTo", { criterion }) },
        on: {
          click: () => {
            const heading = document.getElementById(`rank-h-${ci}`);
            heading?.closest(".rank-list")?.scrollIntoView({ block: "start" });
            heading?.focus({ preventScroll: true });
          },
        },
      });
    }),
  );
}

function firstExcerpt(state, column) {
  if (!column) return "";
  for (const id of column.notes) {
    const text = state.noteIndex.get(id)?.text;
    if (text) return text;
  }
  return "";
}

function criterionList(state, options, criterion, ci) {
  const { ui, meId, onReorder, onSubmit } = options;
  ui.rankOpen ??= {};
  const order = workingOrder(state, ui, meId, criterion);
  const status = rankStatus(state, ui, meId, criterion);
  const headingId = `rank-h-${ci}`;
  const place = (columnId, to) => {
    const next = moveTo(order, columnId, to);
    if (!sameOrder(next, order)) onReorder(criterion, next, columnId, next.indexOf(columnId));
  };
  const toggle = (key) => {
    ui.rankOpen[key] = !ui.rankOpen[key];
    options.onToggle?.();
  };
  const n = order.length;
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
    h("p", { class: "hint rank-hint", text: t("rank.helpScale") }),
    h(
      "ol",
      { class: ["rank-items", n > 8 && "rank-items-dense"], dataset: { drop: `rank:${ci}`, dropList: "" } },
      order.map((columnId, i) => {
        const column = columnById(state, columnId);
        const number = column ? column.number : "?";
        const name = columnLabel(column);
        const openKey = `${ci}:${columnId}`;
        const open = Boolean(ui.rankOpen[openKey]);
        const moreId = `rank-more-${ci}-${columnId}`;
        const excerpt = firstExcerpt(state, column);
        return h(
          "li",
          { class: ["rank-item", colourClass(number), open && "is-open"], dataset: { dragId: columnId, column: columnId, place: i + 1 } },
          h(
            "div",
            { class: "rank-row" },
            h("span", { class: "drag-handle", dataset: { dragHandle: "" }, attrs: { "aria-hidden": "true" } }, "⠿"),
            h(
              "select",
              {
                class: "rank-place-select",
                fkey: `place-${ci}-${columnId}`,
                dataset: { placeSelect: "" },
                attrs: { "aria-label": t("rank.placeOf", { name }) },
                on: { change: (event) => place(columnId, Number(event.target.value)) },
              },
              order.map((_, p) => h("option", { value: String(p + 1), selected: p === i, text: String(p + 1) })),
            ),
            h(
              "div",
              { class: "rank-body" },
              h("p", { class: "rank-name" }, columnBadge(number), h("span", { text: name })),
              excerpt ? h("p", { class: "rank-excerpt", text: excerpt }) : null,
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
                on: { click: () => place(columnId, i) },
              }),
              h("button", {
                type: "button",
                class: "btn btn-icon",
                text: "▼",
                disabled: i === n - 1,
                fkey: `down-${ci}-${columnId}`,
                attrs: { "aria-label": t("rank.down", { name }) },
                on: { click: () => place(columnId, i + 2) },
              }),
              h("button", {
                type: "button",
                class: "btn btn-icon rank-more-toggle",
                text: open ? "−" : "⋯",
                fkey: `more-${ci}-${columnId}`,
                dataset: { rankMore: "" },
                attrs: { "aria-label": t("rank.details", { name }), "aria-expanded": open ? "true" : "false", "aria-controls": moreId },
                on: { click: () => toggle(openKey) },
              }),
            ),
          ),
          open
            ? h(
                "div",
                { class: "rank-more", id: moreId },
                h(
                  "div",
                  { class: "rank-jump" },
                  h("button", {
                    type: "button",
                    class: "btn btn-small",
                    text: `⤒ ${t("rank.toTopShort")}`,
                    disabled: i === 0,
                    fkey: `top-${ci}-${columnId}`,
                    dataset: { moveTop: "" },
                    attrs: { "aria-label": t("rank.toTop", { name }) },
                    on: { click: () => place(columnId, 1) },
                  }),
                  h("button", {
                    type: "button",
                    class: "btn btn-small",
                    text: `⤓ ${t("rank.toBottomShort")}`,
                    disabled: i === n - 1,
                    fkey: `bottom-${ci}-${columnId}`,
                    dataset: { moveBottom: "" },
                    attrs: { "aria-label": t("rank.toBottom", { name }) },
                    on: { click: () => place(columnId, n) },
                  }),
                ),
                columnNotes(state, column),
              )
            : null,
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
