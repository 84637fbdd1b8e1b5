// The projector's compact views for a room of a thousand: columns as tiles sized by
// their note count (a few excerpts each and "+N more", never every note), the naming
// phase's leading proposals, and the rankings and results as bar charts. The DOM stays
// small whatever the board holds: a tile renders at most TILE_NOTES notes.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { columnById, rankingsPerCriterion } from "../state.js";
import { rankedProposals } from "./naming.js";
import { colourClass, columnBadge, columnLabel } from "./common.js";
import { formatCount, progressList } from "./progress.js";

export const TILE_NOTES = 3;
const TILE_CHIPS = 3;

/** Grid columns and spans for tiles of these weights: big columns take two cells. */
export function tileLayout(weights) {
  const mean = weights.reduce((a, b) => a + b, 0) / Math.max(1, weights.length);
  const spans = weights.map((w) => (weights.length > 2 && w >= 1.5 * mean && w > 0 ? 2 : 1));
  const cells = spans.reduce((a, b) => a + b, 0);
  const cols = Math.max(2, Math.min(6, Math.ceil(Math.sqrt(cells * 1.7))));
  const rows = Math.max(1, Math.ceil(cells / cols));
  return { spans, cols, rows };
}

function sized(el, vars) {
  // CSSOM, not a style attribute: the page's CSP forbids inline style attributes
  for (const [name, value] of Object.entries(vars)) el.style.setProperty(name, String(value));
  return el;
}

function excerpts(state, ids, limit = TILE_NOTES) {
  const shown = [];
  for (const id of ids) {
    if (shown.length >= limit) break;
    const text = state.noteIndex.get(id)?.text;
    if (text) shown.push(text);
  }
  return h(
    "ul",
    { class: "tile-notes" },
    shown.map((text) => h("li", { text })),
    ids.length > shown.length ? h("li", { class: "more", text: t("projector.more", { n: ids.length - shown.length }) }) : null,
  );
}

function grid(tiles, weights, extraClass) {
  const { spans, cols, rows } = tileLayout(weights);
  tiles.forEach((tile, i) => {
    if (spans[i] === 2) tile.classList.add("tile-wide");
  });
  return sized(h("ol", { class: ["tiles", extraClass], dataset: { tiles: "" } }, tiles), { "--cols": cols, "--rows": rows });
}

function columnTile(state, column, extra = null, limit = TILE_NOTES) {
  return h(
    "li",
    { class: ["tile", colourClass(column.number)], dataset: { tile: column.id, notes: column.notes.length } },
    h(
      "div",
      { class: "tile-head" },
      columnBadge(column.number, { large: true }),
      h("h3", { class: "tile-name", text: columnLabel(column) }),
      h("span", { class: "tile-count", text: t("board.notesCount", { n: column.notes.length }) }),
    ),
    extra,
    excerpts(state, column.notes, limit),
  );
}

function placeTile(state, label, ids, cls) {
  return h(
    "li",
    { class: ["tile", "tile-place", cls], dataset: { tile: cls, notes: ids.length } },
    h("div", { class: "tile-head" }, h("h3", { class: "tile-name", text: label }), h("span", { class: "tile-count", text: t("board.notesCount", { n: ids.length }) })),
    excerpts(state, ids),
  );
}

/** Affinity: a progress bar of sorted notes, the columns, the unsorted notes and the parking lot. */
export function affinityTiles(state) {
  const counts = state.counts;
  const tiles = state.columns.map((column) => columnTile(state, column));
  const weights = state.columns.map((column) => column.notes.length);
  if (state.unsorted.length) {
    tiles.unshift(placeTile(state, t("projector.unsorted"), state.unsorted, "tile-unsorted"));
    weights.unshift(state.unsorted.length);
  }
  if (state.parking.length) {
    tiles.push(placeTile(state, t("projector.parking"), state.parking, "tile-parking"));
    weights.push(state.parking.length);
  }
  // a board with sharing (issue 12): "4,210 of 5,000 notes placed", packets, second look
  const shared = Boolean(state.board.sharing);
  return [
    shared
      ? progressBar(counts.placed, counts.notes, t("progress.placed", { n: counts.notes, placed: formatCount(counts.placed), total: formatCount(counts.notes) }))
      : progressBar(counts.sorted, counts.notes, t("projector.sorted", { sorted: counts.sorted, n: counts.notes })),
    shared ? progressList(state, { large: true, skip: ["placed"] }) : null,
    tiles.length ? grid(tiles, weights) : h("p", { class: "projector-waiting", text: t("projector.noColumns") }),
  ];
}

/** Name: each column with its name or its leading proposals (three at most, with counts). */
export function namingTiles(state) {
  const tiles = state.columns.map((column) => {
    const proposals = rankedProposals(column).slice(0, TILE_CHIPS);
    const chips = column.name
      ? h("p", { class: "tile-named", text: `✓ ${t("naming.named")}` })
      : proposals.length
        ? h(
            "ul",
            { class: "tile-chips", attrs: { "aria-label": t("naming.proposals") } },
            proposals.map((p) => h("li", {}, h("span", { class: "naming-chip" }, h("span", { class: "naming-chip-name", text: p.name }), h("span", { class: "naming-chip-count", text: String(p.count) })))),
          )
        : h("p", { class: "tile-none", text: t("naming.noProposals") });
    // the proposals matter most here and take room: one excerpt, so "+N more" stays in view
    const tile = columnTile(state, column, chips, 1);
    tile.dataset.namingColumn = column.id;
    return tile;
  });
  const named = state.columns.filter((column) => column.name).length;
  return [
    progressBar(named, state.columns.length, t("projector.named", { named, n: state.columns.length })),
    grid(tiles, state.columns.map((column) => column.notes.length)),
  ];
}

/** Rank: who has ranked, submissions per criterion as bars, and the candidates as tiles. */
export function rankingTiles(state) {
  const counts = state.counts;
  const perCriterion = rankingsPerCriterion(state);
  const people = Math.max(counts.participants, counts.rankers, 1);
  const candidates = state.candidates.map((id) => columnById(state, id)).filter(Boolean);
  const tiles = candidates.map((column) => {
    const tile = columnTile(state, column);
    tile.classList.add("card");
    return tile;
  });
  return [
    h(
      "div",
      { class: "rank-bars" },
      state.board.sharing
        ? progressBar(counts.ranked_complete, people, t("progress.ranked", { done: formatCount(counts.ranked_complete), total: formatCount(counts.participants) }))
        : progressBar(counts.rankers, people, t("projector.rankers", { rankers: counts.rankers, n: counts.participants })),
      state.board.criteria.length > 1
        ? state.board.criteria.map((criterion) =>
            progressBar(perCriterion[criterion] || 0, people, t("rank.byCriterion", { criterion, count: perCriterion[criterion] || 0 }), "bar-small"),
          )
        : null,
    ),
    grid(tiles, candidates.map((column) => column.notes.length), "cards"),
  ];
}

function progressBar(value, total, label, cls = null) {
  const share = total > 0 ? Math.min(1, value / total) : 0;
  return h(
    "div",
    { class: ["progress", cls], dataset: { progress: `${value}/${total}` } },
    h("p", { class: "progress-label", text: label }),
    sized(h("div", { class: "progress-track", attrs: { role: "presentation" } }, h("div", { class: "progress-fill" })), { "--share": `${(share * 100).toFixed(1)}%` }),
  );
}

/** Close: every candidate as a bar, best first; the bar's length is its share of the best
 * possible score (lower totals are better: a total is a sum of places). */
export function resultsChart(state) {
  const results = state.results;
  if (!results) return h("p", { class: "projector-waiting", text: t("projector.noResults") });
  const selected = new Set(state.selected);
  const candidates = [...results.candidates].sort((a, b) => a.place - b.place);
  const n = Math.max(1, candidates.length);
  const lists = Math.max(1, (results.orders || []).length || results.rankers * state.board.criteria.length || 1);
  const best = lists;
  const worst = lists * n;
  return h(
    "ol",
    { class: "result-bars", dataset: { resultBars: "" } },
    candidates.map((candidate) => {
      const column = columnById(state, candidate.column_id);
      const number = column?.number ?? 1;
      const strength = worst > best ? (worst - candidate.total) / (worst - best) : 1;
      const isSelected = selected.has(candidate.column_id);
      return h(
        "li",
        { class: ["result-bar", colourClass(number), isSelected ? "is-selected" : "is-parked"], dataset: { candidate: candidate.column_id, place: candidate.place } },
        h("span", { class: "result-place", text: String(candidate.place) }),
        columnBadge(number),
        h("span", { class: "result-name", text: columnLabel(column) }),
        sized(h("span", { class: "result-track" }, h("span", { class: "result-fill" })), { "--share": `${(6 + 94 * Math.max(0, strength)).toFixed(1)}%` }),
        h("span", { class: "result-total", text: t("results.total", { total: candidate.total }) }),
        h("span", { class: "result-mark", text: isSelected ? `✓ ${t("projector.selected")}` : t("projector.parked") }),
      );
    }),
  );
}
