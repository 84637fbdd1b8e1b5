// The pure parts of the ranking view and the projector's tiles: which order a person
// sees, whether it is submitted, and how the tiles share the screen.
import assert from "node:assert/strict";
import { test } from "node:test";

import { absorbCounts, fromSnapshot } from "../../client/js/state.js";
import { progressLines } from "../../client/js/views/progress.js";
import { rankErrorText, rankStatus, workingOrder } from "../../client/js/views/ranking.js";
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

// ---- work sharing (issue 12): the room's progress as counts, and the subset to rank ----

function bigBoard(phase, phaseIndex, extra = {}) {
  const phases = ["ignite", "generate", "affinity", "name", "rank", "close"].map((type) => ({ type, commands: [] }));
  const notes = Array.from({ length: 5000 }, (_, i) => ({ id: `n${i}`, text: "x", author: null, column: i < 4210 ? "k1" : null, mine: false }));
  return fromSnapshot({
    board: { id: "b", title: "T", game: { phases }, anonymous: true, criteria: ["Impact"], top_n: 3, sharing: { packet_size: 8, packet_idle_seconds: 90, packets_from: 150, second_look: null, max_columns: 40, subsets_from: 7, subset_size: 5 } },
    prompt: "",
    phase,
    phase_index: phaseIndex,
    phase_log: [],
    participants: [{ id: "f", name: "F", role: "facilitator" }, ...Array.from({ length: 1000 }, (_, i) => ({ id: `p${i}`, name: `P${i}`, role: "participant" }))],
    notes,
    columns: [{ id: "k1", number: 1, notes: notes.filter((n) => n.column).map((n) => n.id) }],
    unsorted: notes.filter((n) => !n.column).map((n) => n.id),
    parking: [],
    candidates: [],
    results: null,
    ...extra,
  });
}

test("progress: notes placed, packets open and done, second look, in counts only", () => {
  const state = bigBoard("affinity", 2);
  absorbCounts(state, { packets_on: true, packets_open: 38, packets_done: 1, waiting: 0, second_look: { seen_twice: 1200, total: 5000 } });
  const lines = Object.fromEntries(progressLines(state).map((l) => [l.key, l.text]));
  assert.deepEqual(lines, {
    "placed": "4,210 of 5,000 notes placed",
    "packets-open": "38 packets open",
    "packets-done": "1 packet done",
    "second-look": "second look: 1,200 of 5,000 seen twice",
  });
});

test("progress in rank: who has ranked every criterion, of everyone; none on an old board", () => {
  const submitted = Object.fromEntries(Array.from({ length: 612 }, (_, i) => [`p${i}`, ["Impact"]]));
  const state = bigBoard("rank", 4, { rankings: { submitted, mine: {} } });
  assert.deepEqual(progressLines(state), [{ key: "ranked", text: "612 of 1,000 have ranked" }]);
  state.board.sharing = null;
  assert.deepEqual(progressLines(state), []);
});

test("the working order with subsets: my subset only, nothing before it comes", () => {
  const state = bigBoard("rank", 4, { candidates: ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"], mine: { subsets: { Impact: ["k8", "k2", "k5", "k1", "k3"] } } });
  const order = workingOrder(state, { rankOrders: {} }, "me", "Impact");
  assert.deepEqual([...order].sort(), ["k1", "k2", "k3", "k5", "k8"]);
  assert.deepEqual(workingOrder(state, { rankOrders: {} }, "me", "Effort"), []);
  // a draft of every candidate is not an order of the subset: ignored
  const all = { rankOrders: { Impact: state.candidates } };
  assert.deepEqual([...workingOrder(state, all, "me", "Impact")].sort(), ["k1", "k2", "k3", "k5", "k8"]);
});

test("a refused ranking with subsets names my k columns, not every column", () => {
  const eight = ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"];
  const refused = { code: "not_a_permutation", message: "rank every candidate of your subset exactly once", details: { candidates: ["k8", "k2", "k5", "k1", "k3"] } };
  const subsets = bigBoard("rank", 4, { candidates: eight });
  assert.equal(rankErrorText(subsets, refused), "The columns you rank are these 5; your order was set back.");
  // subsets off (few candidates): the sentence for a whole order
  const few = bigBoard("rank", 4, { candidates: ["k1", "k2", "k3"] });
  assert.equal(rankErrorText(few, { ...refused, details: { candidates: ["k1", "k2", "k3"] } }), "Rank every column exactly once.");
  // other codes keep their own sentence
  assert.equal(rankErrorText(subsets, { code: "no_subset", details: {} }), "Your columns to rank have not come yet. They are on their way; try again in a moment.");
});
