// Issue 12: the pure parts of the partial-ranking results view: percentages, the
// interval bar's geometry, and which decisions of a tie at the cut the rules accept.
import assert from "node:assert/strict";
import { test } from "node:test";

import { apply, fromSnapshot } from "../../client/js/state.js";
import {
  barGeometry,
  barScale,
  canDecide,
  decisionChoices,
  decisionSelection,
  isPartial,
  percent,
  strengthText,
} from "../../client/js/views/uncertainty.js";

const candidate = (id, strength, interval, selected, tied = false) => ({
  column_id: id,
  strength,
  interval,
  selected,
  statistically_tied: tied,
});

// Top 3: k1 sure; k2, k3 (inside) and k4 (outside) tied at the cut; k5 clearly out.
const results = {
  method: "plackett_luce",
  top_n: 3,
  tied_at_cut: ["k2", "k3", "k4"],
  candidates: [
    candidate("k1", 0.5, [0.4, 0.6], true),
    candidate("k2", 0.2, [0.15, 0.26], true, true),
    candidate("k3", 0.15, [0.1, 0.2], true, true),
    candidate("k4", 0.12, [0.08, 0.16], false, true),
    candidate("k5", 0.03, [0.01, 0.05], false),
  ],
};

test("strengths read as percentages, in English and German", () => {
  assert.equal(percent(0.123, "en"), "12.3%");
  assert.equal(percent(0.123, "de"), "12,3 %");
  assert.equal(percent(null, "en"), "");
  assert.equal(strengthText(results.candidates[1], "en"), "20.0% (15.0% – 26.0%)");
  assert.equal(strengthText(results.candidates[1], "de"), "20,0 % (15,0 % – 26,0 %)");
  assert.equal(strengthText({ column_id: "x", total: 3 }, "en"), "", "rank-sum candidates have no strength");
});

test("the bars share one scale: the largest upper bound fills the track", () => {
  const peak = barScale(results.candidates);
  assert.equal(peak, 0.6);
  const top = barGeometry(results.candidates[0], peak);
  assert.ok(Math.abs(top.left + top.width - 100) < 1e-9);
  assert.ok(Math.abs(top.tick - (0.5 / 0.6) * 100) < 1e-9);
  const low = barGeometry(results.candidates[4], peak);
  assert.ok(low.left < low.tick && low.tick < low.left + low.width);
  assert.deepEqual(barGeometry({ strength: 0.1 }, peak), { left: 0, width: 0, tick: 0 });
});

test("a decision keeps the sure ones and picks the rest from the tied ones", () => {
  assert.ok(isPartial(results) && canDecide(results));
  assert.deepEqual(decisionChoices(results), { sure: ["k1"], tied: ["k2", "k3", "k4"], free: 2 });
  assert.deepEqual(decisionSelection(results, ["k4", "k2"]), ["k1", "k2", "k4"]);
  assert.equal(decisionSelection(results, ["k4"]), null, "too few");
  assert.equal(decisionSelection(results, ["k2", "k3", "k4"]), null, "too many");
  assert.equal(decisionSelection(results, ["k5", "k2"]), null, "k5 is not tied");
});

test("nothing to decide without a tie, or on rank-sum results", () => {
  assert.equal(canDecide({ ...results, tied_at_cut: [] }), false);
  assert.equal(canDecide({ method: "rank_sum", tied_at_cut: [], candidates: [] }), false);
  assert.equal(canDecide({ candidates: [] }), false, "results from before issue 12");
});

test("selection.decided replaces the selection and records the decision", () => {
  const state = fromSnapshot({
    board: { game: { phases: [] } },
    notes: [],
    columns: [],
    participants: [],
    parking: [],
    unsorted: [],
    results,
    selected: ["k1", "k2", "k3"],
  });
  assert.equal(state.decision, null);
  apply(state, { kind: "selection.decided", selected: ["k1", "k2", "k4"], reason: "k4 is ready", at: 9 }, "me");
  assert.deepEqual(state.selected, ["k1", "k2", "k4"]);
  assert.deepEqual(state.decision, { selected: ["k1", "k2", "k4"], reason: "k4 is ready", at: 9 });
});
