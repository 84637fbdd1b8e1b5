// Issue 15: the follow-up loop on the client: folding its events (as games/followup_state.py
// does), what became of the viewer's own notes, and the frames the facilitator's forms send.
import assert from "node:assert/strict";
import { test } from "node:test";

import { columnHistory, fateOf, loopFrame, ownNoteFates, parseNumber, waitingIds } from "../../client/js/followup.js";
import { apply, fromSnapshot } from "../../client/js/state.js";

function closedSnapshot() {
  return {
    board: { id: "b", title: "T", anonymous: true, criteria: ["impact"], top_n: 1, sharing: null },
    phase: "close",
    phase_index: 5,
    game: { phases: [] },
    participants: [],
    notes: [
      { id: "a1", text: "zuhören", author: "me", column: "col-a", mine: true },
      { id: "b1", text: "nachfragen", author: null, column: "col-a", mine: false },
      { id: "c1", text: "schneller", author: null, column: "col-b", mine: false },
      { id: "a2", text: "Tempo!", author: "me", column: "col-b", mine: true },
      { id: "a3", text: "Kaffee", author: "me", column: "parking", mine: true },
    ],
    columns: [
      { id: "col-a", number: 1, notes: ["a1", "b1"], name: "Zuhören" },
      { id: "col-b", number: 2, notes: ["c1", "a2"], name: "Tempo" },
    ],
    unsorted: [],
    parking: ["a3"],
    candidates: ["col-a", "col-b"],
    results: { candidates: [{ column_id: "col-a", place: 1, selected: true }, { column_id: "col-b", place: 2, selected: false }], orders: [] },
    selected: ["col-a"],
    swaps: [],
    followups: {},
    counts: {},
    mine: {},
  };
}

const EVENTS = [
  { kind: "followup.planned", column_id: "col-a", place: "Werk", area: "", customer: "Müller", start: "2027-01-04", end: "2027-02-26", steering: "Ana", decide_on: "2027-03-01", at: 1 },
  { kind: "followup.measure_set", column_id: "col-a", measure_id: "m1", measure_kind: "time", label: "Antwortzeit", target: 24, unit: "h", at: 2 },
  { kind: "followup.value_recorded", column_id: "col-a", measure_id: "m1", value: 30, on: "2027-02-01", note: "", at: 3 },
  { kind: "followup.status_updated", column_id: "col-a", status: "running", note: "läuft", on: "2027-02-01", at: 4 },
  { kind: "followup.decided", column_id: "col-a", decision: "adapt", reason: "knapp verfehlt", on: "2027-03-01", at: 5 },
  { kind: "followup.declined", column_id: "col-b", reason: "zu teuer", at: 1_800_000_000 },
];

test("the loop's events fold into the client's copy", () => {
  const state = fromSnapshot(closedSnapshot());
  assert.deepEqual(state.followupLoop, { items: [], declined: {}, waiting_loops: [] });
  for (const event of EVENTS) apply(state, event, "me");
  const item = state.followupLoop.items[0];
  assert.equal(item.plan.customer, "Müller");
  assert.deepEqual(item.measures[0].values, [{ value: 30, on: "2027-02-01", note: "", at: 3 }]);
  assert.equal(item.measures[0].kind, "time");
  assert.equal(fateOf(state, "col-a"), "adapt");
  assert.equal(fateOf(state, "col-b"), "declined");
  assert.deepEqual(waitingIds(state), []);
  // a snapshot taken after the events says the same (the server's to_wire shape)
  const later = fromSnapshot({ ...closedSnapshot(), followup_loop: structuredClone(state.followupLoop) });
  assert.deepEqual(later.followupLoop, state.followupLoop);
});

test("taken up after a no, and carried to a new board", () => {
  const state = fromSnapshot(closedSnapshot());
  apply(state, EVENTS[5], "me");
  apply(state, { kind: "followup.taken_up", column_id: "col-b", reason: "", at: 9 }, "me");
  assert.equal(fateOf(state, "col-b"), "taken_up");
  assert.deepEqual(state.followupLoop.declined, {});
  const other = fromSnapshot(closedSnapshot());
  apply(other, { kind: "followup.waiting_loop", board_id: "b2", title: "T – waiting loop", column_ids: ["col-b"], at: 9 }, "me");
  assert.equal(fateOf(other, "col-b"), "waiting_loop");
  assert.deepEqual(waitingIds(other), []);
});

test("what happened to my notes: column, place, selected or parked, dated history", () => {
  const state = fromSnapshot(closedSnapshot());
  for (const event of EVENTS) apply(state, event, "me");
  const fates = ownNoteFates(state);
  assert.deepEqual(
    fates.map((f) => [f.note_id, f.column_id, f.place, f.selected, f.fate]),
    [
      ["a1", "col-a", 1, true, "adapt"],
      ["a2", "col-b", 2, false, "declined"],
      ["a3", null, null, false, null],
    ],
  );
  assert.deepEqual(
    fates[0].history.map((e) => [e.kind, e.on, e.word, e.text]),
    [
      ["status", "2027-02-01", "running", "läuft"],
      ["decision", "2027-03-01", "adapt", "knapp verfehlt"],
    ],
  );
  assert.deepEqual(columnHistory(state, "col-b").map((e) => [e.kind, e.on, e.text]), [["declined", "2027-01-15", "zu teuer"]]);
  // others' notes stay without an author: the loop adds none
  assert.ok(state.notes.filter((n) => !n.mine).every((n) => n.author === null));
});

test("numbers as typed, in either decimal mark", () => {
  assert.equal(parseNumber("12,5"), 12.5);
  assert.equal(parseNumber(" 1e3 "), 1000);
  assert.equal(parseNumber("-0.25"), -0.25);
  assert.equal(parseNumber(""), null);
  assert.equal(parseNumber("12 kg"), null);
  assert.equal(parseNumber("Infinity"), null);
  assert.equal(parseNumber("1e999"), null);
});

test("the forms' frames, and what they refuse before sending", () => {
  assert.deepEqual(loopFrame("followup.status", "col-a", { status: "running", on: "2027-02-01", note: " läuft " }), {
    frame: { column_id: "col-a", status: "running", note: "läuft", on: "2027-02-01" },
  });
  assert.deepEqual(loopFrame("followup.status", "col-a", { status: "running", on: "", note: "x" }), { error: "date", field: "on" });
  assert.deepEqual(loopFrame("followup.decide", "col-a", { decision: "adapt", on: "2027-03-01", reason: "" }), { error: "required", field: "reason" });
  assert.deepEqual(loopFrame("followup.plan", "col-a", { start: "2027-03-01", end: "2027-02-01" }), { error: "period", field: "end" });
  assert.equal(loopFrame("followup.plan", "col-a", { start: "", end: "", decide_on: "2027-04-01" }).frame.start, null);
  assert.deepEqual(loopFrame("followup.measure", "col-a", { measure_id: "m1", kind: "co2", label: "CO2", target: "12,5", unit: "kg" }).frame, {
    column_id: "col-a", measure_id: "m1", measure_kind: "co2", label: "CO2", target: 12.5, unit: "kg",
  });
  assert.deepEqual(loopFrame("followup.measure", "col-a", { label: "CO2", target: "viel" }), { error: "number", field: "target" });
  assert.deepEqual(loopFrame("followup.record", "col-a", { measure_id: "m1", value: "30", on: "2027-02-01" }).frame.value, 30);
  assert.deepEqual(loopFrame("followup.decline", "col-b", { reason: " " }), { error: "required", field: "reason" });
  assert.deepEqual(loopFrame("followup.take_up", "col-b", {}).frame, { column_id: "col-b", reason: "" });
});
