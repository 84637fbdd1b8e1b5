// The client's copy of the board (client/js/state.js): a welcome snapshot made ready for
// folding, every event kind folded in as games/state.py does, the counts and the outcome.
import assert from "node:assert/strict";
import { test } from "node:test";

import { apply, columnById, currentPhase, fromSnapshot, isClosed, listFor, nameKey, nextPhase, outcome, PARKING, score } from "../../client/js/state.js";

const PHASES = ["ignite", "generate", "affinity", "name", "rank", "close"].map((type) => ({
  type,
  commands: type === "generate" ? ["note.create", "note.edit", "note.delete"] : [],
}));

function snapshot(overrides = {}) {
  return {
    board: { id: "b1", title: "T", game: { phases: PHASES }, anonymous: false, criteria: ["Impact", "Effort"], top_n: 1 },
    prompt: "How might we …?",
    phase: "ignite",
    phase_index: 0,
    phase_log: [{ phase: "ignite", at: 1 }],
    participants: [
      { id: "f", name: "Fac", role: "facilitator" },
      { id: "me", name: "Me", role: "participant" },
    ],
    notes: [],
    columns: [],
    unsorted: [],
    parking: [],
    candidates: [],
    results: null,
    ...overrides,
  };
}

/** A board played from the snapshot to the close by events, as a welcome's client would. */
function played() {
  const state = fromSnapshot(snapshot());
  const fold = (event) => apply(state, event, "me");
  fold({ kind: "participant.joined", participant_id: "p2", name: "Two" });
  fold({ kind: "participant.joined", participant_id: "p2", name: "Two" }); // again: once
  fold({ kind: "prompt.set", text: "What slows us down?" });
  fold({ kind: "phase.changed", index: 1, phase: "generate", at: 2 });
  fold({ kind: "note.created", note_id: "n1", text: "mine", author: "me" });
  fold({ kind: "note.created", note_id: "n1", text: "mine", author: "me" }); // idempotent
  fold({ kind: "note.created", note_id: "n2", text: null, author: "p2" });
  fold({ kind: "note.created", note_id: "n3", text: null, author: "p2" });
  fold({ kind: "note.created", note_id: "n4", text: "gone soon", author: "me" });
  fold({ kind: "note.edited", note_id: "n1", text: "mine, edited" });
  fold({ kind: "note.deleted", note_id: "n4" });
  fold({ kind: "notes.revealed", notes: [{ note_id: "n2", text: "two", author: "p2" }, { note_id: "n3", text: "three", author: null }, { note_id: "nx", text: "?", author: null }] });
  fold({ kind: "phase.changed", index: 2, phase: "affinity", at: 3 });
  fold({ kind: "column.created", column_id: "k1", number: 1 });
  fold({ kind: "column.created", column_id: "k2", number: 2 });
  fold({ kind: "column.created", column_id: "k3", number: 3 });
  fold({ kind: "note.moved", note_id: "n1", column_id: "k1", index: 0 });
  fold({ kind: "note.moved", note_id: "n2", column_id: "k1", index: 0 });
  fold({ kind: "note.moved", note_id: "n3", column_id: "k2", index: 99 });
  fold({ kind: "note.moved", note_id: "n3", column_id: PARKING, index: 0 });
  fold({ kind: "note.moved", note_id: "n3", column_id: "k2", index: 0 });
  fold({ kind: "columns.dropped", column_ids: ["k3"] });
  fold({ kind: "phase.changed", index: 3, phase: "name", at: 4 });
  fold({ kind: "column.name_proposed", column_id: "k1", name: "Speed", by: "me" });
  fold({ kind: "column.name_proposed", column_id: "k1", name: "  speed ", by: "p2" });
  fold({ kind: "column.name_proposed", column_id: "k2", name: "Talk", by: "p2" });
  fold({ kind: "column.named", column_id: "k1", name: "Speed" });
  fold({ kind: "column.named", column_id: "k2", name: "Talk" });
  fold({ kind: "phase.changed", index: 4, phase: "rank", at: 5 });
  fold({ kind: "ranking.submitted", participant_id: "me", criterion: "Impact", order: ["k2", "k1"] });
  fold({ kind: "ranking.submitted", participant_id: "me", criterion: "Impact", order: ["k2", "k1"] });
  fold({ kind: "ranking.submitted", participant_id: "p2", criterion: "Impact", order: null });
  fold({ kind: "phase.changed", index: 5, phase: "close", at: 6 });
  fold({
    kind: "results.computed",
    results: {
      candidates: [
        { column_id: "k2", place: 1, total: 2, per_criterion: { Impact: 2 }, selected: true },
        { column_id: "k1", place: 2, total: 4, per_criterion: { Impact: 4 }, selected: false },
      ],
      rankers: 2,
      top_n: 1,
    },
  });
  return state;
}

test("fromSnapshot adds the indexes and defaults, and leaves the snapshot alone", () => {
  const raw = snapshot({ notes: [{ id: "n1", text: "x", author: null, column: null, mine: false }], unsorted: ["n1"], columns: [{ id: "k1", number: 1, notes: [] }] });
  const state = fromSnapshot(raw);
  assert.equal(state.noteIndex.get("n1").text, "x");
  assert.deepEqual(state.rankings, { submitted: {}, mine: {} });
  assert.deepEqual([state.followups, state.selected, state.swaps], [{}, [], []]);
  assert.equal(state.columns[0].name, null);
  assert.deepEqual(state.columns[0].proposals, []);
  assert.deepEqual(state.counts, { participants: 1, notes: 1, sorted: 0, rankers: 0, rankings: 0 });
  assert.equal(raw.columns[0].name, undefined, "the snapshot is copied, not changed");
  assert.equal(currentPhase(state).type, "ignite");
  assert.equal(nextPhase(state).type, "generate");
  assert.ok(!isClosed(state));
});

test("every event kind folds in", () => {
  const state = played();
  assert.equal(state.prompt, "What slows us down?");
  assert.deepEqual(state.participants.map((p) => p.id), ["f", "me", "p2"]);
  assert.deepEqual(state.notes.map((n) => n.id), ["n1", "n2", "n3"]);
  assert.equal(state.noteIndex.get("n1").text, "mine, edited");
  assert.equal(state.noteIndex.get("n1").mine, true);
  assert.equal(state.noteIndex.get("n2").mine, false);
  assert.equal(state.noteIndex.get("n2").text, "two");
  assert.equal(state.noteIndex.get("n3").author, "p2", "a null author in a reveal keeps the known one");
  assert.ok(!state.noteIndex.has("n4"));
  assert.deepEqual(state.columns.map((c) => c.id), ["k1", "k2"]);
  assert.deepEqual(columnById(state, "k1").notes, ["n2", "n1"]);
  assert.deepEqual(listFor(state, "k2"), ["n3"]);
  assert.deepEqual(listFor(state, PARKING), []);
  assert.deepEqual(listFor(state, null), []);
  assert.equal(listFor(state, "nope"), null);
  const speed = columnById(state, "k1").proposals;
  assert.equal(speed.length, 1, "the same name by nameKey is one proposal");
  assert.deepEqual([speed[0].count, speed[0].mine, speed[0].by], [2, true, ["me", "p2"]]);
  assert.equal(columnById(state, "k2").proposals[0].mine, false);
  assert.equal(columnById(state, "k1").name, "Speed");
  assert.deepEqual(state.candidates, ["k1", "k2"]);
  assert.deepEqual(state.rankings.submitted, { me: ["Impact"], p2: ["Impact"] });
  assert.deepEqual(state.rankings.mine, { Impact: ["k2", "k1"] });
  assert.deepEqual(state.phase_log.map((p) => p.phase), ["ignite", "generate", "affinity", "name", "rank", "close"]);
  assert.ok(isClosed(state));
  assert.equal(nextPhase(state), null);
  assert.deepEqual(state.selected, ["k2"]);
  assert.deepEqual(state.counts, { participants: 2, notes: 3, sorted: 3, rankers: 2, rankings: 2 });
});

test("a swap and a follow-up change the selection and the follow-ups", () => {
  const state = played();
  apply(state, { kind: "selection.swapped", selected: "k2", parked: "k1", reason: "cheaper", at: 7 }, "me");
  apply(state, { kind: "followup.set", column_id: "k1", owner: "Ann", next_step: "ask", decide_by: "2026-01-01", status: "open" }, "me");
  assert.deepEqual(state.selected, ["k1"]);
  assert.equal(state.swaps[0].reason, "cheaper");
  assert.equal(state.followups.k1.owner, "Ann");
  const result = outcome(state);
  assert.deepEqual(result.selected.map((c) => c.column_id), ["k1"]);
  assert.deepEqual(result.parked.map((c) => c.column_id), ["k2"]);
  assert.equal(result.selected[0].column.name, "Speed");
  assert.equal(result.byId.get("k2").place, 1);
});

test("an unknown event kind changes nothing; moves of unknown notes are ignored", () => {
  const state = played();
  const before = JSON.stringify({ ...state, noteIndex: null });
  apply(state, { kind: "from.the.future", x: 1 }, "me");
  apply(state, { kind: "note.moved", note_id: "nope", column_id: "k1", index: 0 }, "me");
  apply(state, { kind: "note.edited", note_id: "nope", text: "x" }, "me");
  apply(state, { kind: "note.deleted", note_id: "nope" }, "me");
  apply(state, { kind: "column.named", column_id: "nope", name: "x" }, "me");
  apply(state, { kind: "column.name_proposed", column_id: "nope", name: "x", by: "me" }, "me");
  assert.equal(JSON.stringify({ ...state, noteIndex: null }), before);
});

test("an anonymous board keeps no list of who proposed", () => {
  const state = fromSnapshot(snapshot({ board: { ...snapshot().board, anonymous: true }, columns: [{ id: "k1", number: 1, notes: [] }] }));
  apply(state, { kind: "column.name_proposed", column_id: "k1", name: "X", by: null }, "me");
  assert.equal(columnById(state, "k1").proposals[0].by, undefined);
  assert.equal(columnById(state, "k1").proposals[0].count, 1);
});

test("nameKey: case, runs of spaces and ß do not count (as games.commands.name_key)", () => {
  assert.equal(nameKey("  Kunden   Nähe "), "kunden nähe");
  assert.equal(nameKey("STRASSE"), nameKey("Straße"));
  assert.equal(nameKey("a\tb\nc"), "a b c");
  assert.notEqual(nameKey("ab"), nameKey("a b"));
});

test("score counts people, notes, sorted notes and rankings", () => {
  const state = played();
  assert.deepEqual(score(state), state.counts);
  assert.deepEqual(score({ participants: [], notes: [], unsorted: [] }), { participants: 0, notes: 0, sorted: 0, rankers: 0, rankings: 0 });
  assert.equal(outcome(fromSnapshot(snapshot())), null);
});
