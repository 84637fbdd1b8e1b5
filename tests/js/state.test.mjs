// The client's copy of the board (client/js/state.js): a welcome snapshot made ready for
// folding, every event kind folded in as games/state.py does, the counts and the outcome.
import assert from "node:assert/strict";
import { test } from "node:test";

import { absorbCounts, apply, columnById, currentPhase, fromSnapshot, isClosed, isWaiting, listFor, nameKey, nextPhase, outcome, packetsOn, packetSwitch, PARKING, rankCandidates, rankingsPerCriterion, score, subsetsOn, subsetSize } from "../../client/js/state.js";

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

/** The five counts every board has had since issue 2. */
function basic(counts) {
  const { participants, notes, sorted, rankers, rankings } = counts;
  return { participants, notes, sorted, rankers, rankings };
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
  assert.deepEqual(basic(state.counts), { participants: 1, notes: 1, sorted: 0, rankers: 0, rankings: 0 });
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
  assert.deepEqual(basic(state.counts), { participants: 2, notes: 3, sorted: 3, rankers: 2, rankings: 2 });
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

// ---- work sharing (issue 12) ----------------------------------------------------------

const SHARING = { packet_size: 2, packet_idle_seconds: 90, packets_from: 3, second_look: null, max_columns: 40, subsets_from: 2, subset_size: 2 };

/** A board in affinity with four unsorted notes and two columns, sharing on. */
function sharingBoard(overrides = {}) {
  const notes = ["n1", "n2", "n3", "n4"].map((id) => ({ id, text: id, author: null, column: null, mine: false }));
  return fromSnapshot(
    snapshot({
      board: { ...snapshot().board, sharing: SHARING },
      phase: "affinity",
      phase_index: 2,
      notes,
      unsorted: notes.map((n) => n.id),
      columns: [{ id: "k1", number: 1, notes: [] }, { id: "k2", number: 2, notes: [] }],
      counts: { participants: 1, notes: 4, sorted: 0, rankers: 0, rankings: 0, placed: 0, packets_on: true, packets_open: 1, packets_done: 0, waiting: 0, second_look: { seen_twice: 0, total: 4 }, subsets_on: false, ranked_complete: 0 },
      ...overrides,
    }),
  );
}

test("an old snapshot (no sharing, no mine) reads as sharing off with an empty own part", () => {
  const state = fromSnapshot(snapshot());
  assert.equal(state.board.sharing, null);
  assert.deepEqual(state.mine, { packet: null, packets_done: 0, notes_placed: 0, waiting: false, subsets: {} });
  assert.equal(packetsOn(state), false);
  assert.equal(subsetsOn(state), false);
  assert.equal(state.counts.packets_on, false);
  assert.equal(state.counts.second_look, null);
});

test("the snapshot's mine and counts are taken in (my packet, done, placed, subsets)", () => {
  const state = sharingBoard({ mine: { packet: { packet_id: "pk-1", note_ids: ["n1", "n2"], pass: "sort" }, packets_done: 2, notes_placed: 9, waiting: false, subsets: { Impact: ["k1", "k2"] } } });
  assert.deepEqual(state.mine.packet, { packet_id: "pk-1", note_ids: ["n1", "n2"], pass: "sort" });
  assert.deepEqual([state.mine.packets_done, state.mine.notes_placed], [2, 9]);
  assert.deepEqual(state.mine.subsets, { Impact: ["k1", "k2"] });
  assert.equal(packetsOn(state), true);
  assert.deepEqual([state.counts.packets_open, state.counts.packets_done, state.counts.placed], [1, 0, 0]);
  assert.deepEqual(state.counts.second_look, { seen_twice: 0, total: 4 });
});

test("my packet.assigned, my moves, my packet.returned(done): packet, placed, done", () => {
  const state = sharingBoard({ mine: { packet: null, packets_done: 0, notes_placed: 0, waiting: true, subsets: {} }, counts: { ...sharingBoard().share, packets_on: true, packets_open: 1, waiting: 1 } });
  assert.equal(isWaiting(state), true);
  apply(state, { kind: "packet.assigned", packet_id: "pk-2", holder: "me", note_ids: ["n3", "n4"], pass: "sort", size: 2, at: 1 }, "me");
  assert.deepEqual(state.mine.packet, { packet_id: "pk-2", note_ids: ["n3", "n4"], pass: "sort" });
  assert.equal(state.mine.waiting, false);
  assert.equal(isWaiting(state), false);
  assert.equal(state.counts.packets_open, 2);
  apply(state, { kind: "note.moved", note_id: "n3", column_id: "k1", index: 0, by: "me", at: 2 }, "me");
  apply(state, { kind: "note.moved", note_id: "n3", column_id: "k2", index: 0, by: "me", at: 3 }, "me"); // not from unsorted
  apply(state, { kind: "note.moved", note_id: "n4", column_id: "k1", index: 0, by: "p2", at: 3 }, "me"); // someone else's
  assert.equal(state.mine.notes_placed, 1);
  apply(state, { kind: "packet.returned", packet_id: "pk-2", holder: "me", reason: "done", placed: 1, at: 4 }, "me");
  assert.equal(state.mine.packet, null);
  assert.equal(state.mine.packets_done, 1);
  assert.deepEqual(state.mine.lastReturned, { packet_id: "pk-2", reason: "done", placed: 1 });
  assert.deepEqual([state.counts.packets_open, state.counts.packets_done], [1, 1]);
});

test("redacted packet events (holder null) count for the room and leave my part alone", () => {
  const state = sharingBoard();
  apply(state, { kind: "packet.assigned", packet_id: "pk-7", holder: null, note_ids: null, pass: "sort", size: 2, at: 1 }, "me");
  assert.equal(state.mine.packet, null);
  assert.equal(state.counts.packets_open, 2);
  apply(state, { kind: "packet.requested", participant_id: null, at: 1 }, "me");
  assert.equal(state.mine.waiting, false);
  assert.equal(state.counts.waiting, 1);
  apply(state, { kind: "packet.returned", packet_id: "pk-7", holder: null, reason: "done", placed: 2, at: 2 }, "me");
  apply(state, { kind: "packet.returned", packet_id: "pk-1", holder: null, reason: "idle", placed: 0, at: 2 }, "me");
  assert.equal(state.mine.packets_done, 0);
  assert.deepEqual([state.counts.packets_open, state.counts.packets_done, state.counts.waiting], [0, 1, 0], "nobody waits once no packet is open");
  apply(state, { kind: "note.moved", note_id: "n1", column_id: "k1", index: 0, by: null, at: 3 }, "me");
  assert.equal(state.mine.notes_placed, 0, "a redacted move is nobody's here");
  apply(state, { kind: "subset.assigned", participant_id: null, criterion: "Impact", candidates: null }, "me");
  assert.deepEqual(state.mine.subsets, {});
});

test("my packet.requested: I wait while a packet is open; a given-back packet of mine is gone", () => {
  const state = sharingBoard({ mine: { packet: { packet_id: "pk-1", note_ids: ["n1"], pass: "review" } } });
  apply(state, { kind: "packet.returned", packet_id: "pk-1", holder: "me", reason: "given_back", placed: 0, at: 1 }, "me");
  assert.equal(state.mine.packet, null);
  assert.equal(state.mine.packets_done, 0);
  apply(state, { kind: "packet.assigned", packet_id: "pk-3", holder: null, note_ids: null, pass: "sort", size: 1, at: 1 }, "me");
  apply(state, { kind: "packet.requested", participant_id: "me", at: 2 }, "me");
  assert.equal(state.mine.waiting, true);
  assert.equal(isWaiting(state), true);
});

test("packets.switched: off stops packets and waiting, null goes back to automatic by notes", () => {
  const state = sharingBoard({ mine: { waiting: true } });
  apply(state, { kind: "packets.switched", enabled: false, by: null }, "me");
  assert.equal(packetsOn(state), false);
  assert.equal(packetSwitch(state), false);
  assert.equal(state.mine.waiting, false);
  assert.equal(state.counts.packets_on, false);
  assert.equal(state.counts.second_look, null);
  apply(state, { kind: "packets.switched", enabled: null, by: "f" }, "me");
  assert.equal(packetSwitch(state), null);
  assert.equal(packetsOn(state), true, "4 notes >= packets_from 3");
  apply(state, { kind: "packets.switched", enabled: true, by: "f" }, "me");
  assert.equal(packetSwitch(state), true);
});

test("the switch is read from the snapshot's packets_on where the notes tell it apart", () => {
  const few = sharingBoard({ board: { ...snapshot().board, sharing: { ...SHARING, packets_from: 100 } } });
  assert.equal(packetSwitch(few), true, "on with fewer notes than packets_from: switched on");
  const off = sharingBoard({ counts: { packets_on: false } });
  assert.equal(packetSwitch(off), false);
  assert.equal(packetSwitch(sharingBoard()), null);
});

test("the snapshot's and presence's packets_enabled say the switch exactly, even where the notes cannot", () => {
  const state = sharingBoard({ counts: { packets_on: true, packets_enabled: true } });
  assert.equal(packetSwitch(state), true, "switched on although 4 notes would switch it on anyway");
  absorbCounts(state, { packets_on: true, packets_enabled: null });
  assert.equal(packetSwitch(state), null);
  absorbCounts(state, { packets_on: false, packets_enabled: false });
  assert.equal(packetSwitch(state), false);
});

test("presence counts take over: open packets, done, waiting, second look", () => {
  const state = sharingBoard();
  absorbCounts(state, { packets_on: true, packets_open: 5, packets_done: 12, waiting: 2, second_look: { seen_twice: 3, total: 4 } });
  assert.deepEqual([state.counts.packets_open, state.counts.packets_done, state.counts.waiting], [5, 12, 2]);
  assert.deepEqual(state.counts.second_look, { seen_twice: 3, total: 4 });
  absorbCounts(state, null); // nothing to take: unchanged
  assert.equal(state.counts.packets_open, 5);
});

test("column.merged moves the source's notes, in order, to the target's end", () => {
  const state = sharingBoard();
  apply(state, { kind: "note.moved", note_id: "n1", column_id: "k1", index: 0, by: "me", at: 1 }, "me");
  apply(state, { kind: "note.moved", note_id: "n2", column_id: "k2", index: 0, by: "me", at: 1 }, "me");
  apply(state, { kind: "note.moved", note_id: "n3", column_id: "k2", index: 1, by: "me", at: 1 }, "me");
  apply(state, { kind: "column.merged", source: "k2", target: "k1", note_ids: ["n2", "n3"], by: null }, "me");
  assert.deepEqual(state.columns.map((c) => c.id), ["k1"]);
  assert.deepEqual(columnById(state, "k1").notes, ["n1", "n2", "n3"]);
  assert.equal(state.noteIndex.get("n3").column, "k1");
  assert.equal(state.mine.notes_placed, 3);
  apply(state, { kind: "column.merged", source: "gone", target: "k1", note_ids: [], by: null }, "me"); // unknown: nothing
  assert.deepEqual(state.columns.map((c) => c.id), ["k1"]);
});

test("leaving affinity drops my packet and the room's open packets", () => {
  const state = sharingBoard({ mine: { packet: { packet_id: "pk-1", note_ids: ["n1"], pass: "sort" }, waiting: false } });
  apply(state, { kind: "phase.changed", index: 3, phase: "name", at: 9 }, "me");
  assert.equal(state.mine.packet, null);
  assert.equal(state.counts.packets_open, 0);
  assert.equal(state.counts.packets_on, false);
});

test("subsets: on with more candidates than subsets_from; my subset.assigned per criterion", () => {
  const state = sharingBoard({ phase: "rank", phase_index: 4, candidates: ["k1", "k2", "k3"], columns: ["k1", "k2", "k3"].map((id, i) => ({ id, number: i + 1, notes: [] })) });
  assert.equal(subsetsOn(state), true);
  assert.equal(subsetSize(state), 2);
  assert.equal(rankCandidates(state, "Impact"), null, "no subset yet");
  apply(state, { kind: "subset.assigned", participant_id: "me", criterion: "Impact", candidates: ["k3", "k1"] }, "me");
  assert.deepEqual(rankCandidates(state, "Impact"), ["k3", "k1"]);
  assert.equal(state.counts.subsets_on, true);
  apply(state, { kind: "ranking.submitted", participant_id: "me", criterion: "Impact", order: ["k1", "k3"] }, "me");
  assert.equal(state.counts.ranked_complete, 0, "one of two criteria");
  apply(state, { kind: "ranking.submitted", participant_id: "me", criterion: "Effort", order: null }, "me");
  assert.equal(state.counts.ranked_complete, 1);
  const small = sharingBoard({ phase: "rank", phase_index: 4, candidates: ["k1", "k2"] });
  assert.equal(subsetsOn(small), false);
  assert.deepEqual(rankCandidates(small, "Impact"), ["k1", "k2"]);
});

test("an anonymous board's rankings: counts from the server, no one named but me", () => {
  const state = fromSnapshot(
    snapshot({
      board: { id: "b1", title: "T", game: { phases: PHASES }, anonymous: true, criteria: ["Impact", "Effort"], top_n: 1 },
      phase: "rank",
      phase_index: 4,
      rankings: { submitted: {}, mine: {}, per_criterion: { Impact: 1, Effort: 0 } },
      counts: { participants: 1, notes: 0, sorted: 0, rankers: 1, rankings: 1 },
    }),
  );
  assert.deepEqual([state.counts.rankers, state.counts.rankings], [1, 1]);
  const counts = (rankers, impact, effort) => ({ rankers, rankings: impact + effort, ranked_complete: 0, per_criterion: { Impact: impact, Effort: effort } });
  apply(state, { kind: "ranking.submitted", participant_id: null, criterion: "Effort", order: null, counts: counts(2, 1, 1) }, "me");
  apply(state, { kind: "ranking.submitted", participant_id: null, criterion: "Impact", order: null, counts: counts(2, 2, 1) }, "me");
  apply(state, { kind: "ranking.submitted", participant_id: "me", criterion: "Impact", order: ["k1"], counts: counts(3, 3, 1) }, "me");
  assert.deepEqual(state.rankings.submitted, { me: ["Impact"] });
  assert.deepEqual(state.rankings.mine, { Impact: ["k1"] });
  assert.deepEqual([state.counts.rankers, state.counts.rankings], [3, 4]);
  assert.deepEqual(rankingsPerCriterion(state), { Impact: 3, Effort: 1 });
  // an event from an older log has no counts: counted from who ranked, as before
  apply(state, { kind: "ranking.submitted", participant_id: "me", criterion: "Effort", order: ["k1"] }, "me");
  assert.deepEqual([state.counts.rankers, state.counts.rankings], [1, 2]);
  assert.deepEqual(rankingsPerCriterion(state), { Impact: 1, Effort: 1 });
});

// --- issue 13: the phase timer as an event ---
test("timer.set sets and clears the timer; a phase change drops it; old snapshots have none", () => {
  const state = fromSnapshot(snapshot());
  assert.equal(state.timer, null);
  apply(state, { kind: "timer.set", ends_at: 1060, seconds: 60 }, "me");
  assert.deepEqual(state.timer, { ends_at: 1060, seconds: 60 });
  apply(state, { kind: "timer.set", ends_at: 1010, seconds: 0 }, "me");
  assert.equal(state.timer, null);
  apply(state, { kind: "timer.set", ends_at: 2000, seconds: 300 }, "me");
  apply(state, { kind: "phase.changed", previous: "ignite", phase: "generate", index: 1, at: 1100 }, "me");
  assert.equal(state.timer, null);
  const withTimer = fromSnapshot(snapshot({ timer: { ends_at: 5, seconds: 5 } }));
  assert.deepEqual(withTimer.timer, { ends_at: 5, seconds: 5 });
  apply(withTimer, { kind: "some.future_kind", x: 1 }, "me"); // unknown kinds change nothing
  assert.deepEqual(withTimer.timer, { ends_at: 5, seconds: 5 });
});
