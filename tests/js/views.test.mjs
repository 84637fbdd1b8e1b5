// The pure parts of the ranking view and the projector's tiles: which order a person
// sees, whether it is submitted, and how the tiles share the screen.
import assert from "node:assert/strict";
import { test } from "node:test";

import { rankStatus, workingOrder } from "../../client/js/views/ranking.js";
import { tileLayout } from "../../client/js/views/tiles.js";

const candidates = ["k1", "k2", "k3"];
const state = (mine = {}) => ({ candidates, rankings: { submitted: {}, mine } });

test("the working order: the person's draft, else what they sent, else a stable shuffle", () => {
  const shuffled = workingOrder(state(), { rankOrders: {} }, "me", "Impact");
  assert.deepEqual([...shuffled].sort(), candidates);
  assert.deepEqual(workingOrder(state(), { rankOrders: {} }, "me", "Impact"), shuffled);
  assert.deepEqual(workingOrder(state({ Impact: ["k3", "k1", "k2"] }), { rankOrders: {} }, "me", "Impact"), ["k3", "k1", "k2"]);
  const draft = { rankOrders: { Impact: ["k2", "k3", "k1"] } };
  assert.deepEqual(workingOrder(state({ Impact: ["k3", "k1", "k2"] }), draft, "me", "Impact"), ["k2", "k3", "k1"]);
  // a draft from before a column was dropped is not a strict order any more: ignored
  assert.deepEqual(workingOrder(state({ Impact: ["k3", "k1", "k2"] }), { rankOrders: { Impact: ["k2", "k9", "k1"] } }, "me", "Impact"), ["k3", "k1", "k2"]);
});

test("the status: not sent, submitted, changed since", () => {
  assert.equal(rankStatus(state(), { rankOrders: {} }, "me", "Impact"), "none");
  assert.equal(rankStatus(state({ Impact: ["k3", "k1", "k2"] }), { rankOrders: {} }, "me", "Impact"), "submitted");
  assert.equal(rankStatus(state({ Impact: ["k3", "k1", "k2"] }), { rankOrders: { Impact: ["k1", "k3", "k2"] } }, "me", "Impact"), "changed");
});

test("tiles: fifteen columns fill a grid; the biggest take two cells, all within it", () => {
  const weights = [250, 200, 160, 130, 110, 100, 90, 80, 70, 60, 60, 50, 50, 50, 40];
  const { spans, cols, rows } = tileLayout(weights);
  assert.deepEqual(spans.slice(0, 3), [2, 2, 2]);
  assert.ok(spans.slice(3).every((s) => s === 1));
  assert.ok(cols * rows >= spans.reduce((a, b) => a + b, 0));
  assert.ok(cols <= 6 && rows <= 4, `${cols}x${rows}`);
});

test("tiles: equal columns take one cell each; one or two columns make a small grid", () => {
  assert.deepEqual(tileLayout([5, 5, 5, 5]).spans, [1, 1, 1, 1]);
  assert.deepEqual(tileLayout([9, 1]).spans, [1, 1]);
  const empty = tileLayout([]);
  assert.deepEqual([empty.spans, empty.rows], [[], 1]);
});
