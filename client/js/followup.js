// Issue 15, the follow-up loop on the client: the snapshot's `followup_loop` kept current
// by folding its events (mirrors games/followup_state.py), what became of each of the
// viewer's own notes, and the frames the facilitator's forms send (checked before sending).

export const MEASURE_KINDS = ["time", "quality", "revenue", "co2", "tco", "other"];
export const POV_STATUSES = ["planned", "running", "paused", "done"];
export const DECISIONS = ["scale", "adapt", "stop"];
export const LOOP_KINDS = [
  "followup.planned",
  "followup.measure_set",
  "followup.value_recorded",
  "followup.status_updated",
  "followup.decided",
  "followup.taken_up",
  "followup.declined",
  "followup.waiting_loop",
];

export function emptyLoop() {
  return { items: [], declined: {}, waiting_loops: [] };
}

/** The snapshot's loop (a server before issue 15 has none: empty). */
export function loopFromSnapshot(snapshot) {
  const loop = snapshot?.followup_loop;
  return loop ? structuredClone(loop) : emptyLoop();
}

function item(loop, columnId, origin = "selected") {
  let found = loop.items.find((i) => i.column_id === columnId);
  if (!found) {
    found = { column_id: columnId, origin, taken_up: null, plan: null, plans: 0, measures: [], statuses: [], decisions: [] };
    loop.items.push(found);
  }
  return found;
}

function measureOf(loop, columnId, measureId) {
  return loop.items.find((i) => i.column_id === columnId)?.measures.find((m) => m.measure_id === measureId) ?? null;
}

/** Fold one follow-up event into the loop; false for an event that is not the loop's. */
export function applyLoopEvent(loop, event) {
  switch (event.kind) {
    case "followup.planned": {
      const it = item(loop, event.column_id);
      const { place, area, customer, start, end, steering, decide_on, at } = event;
      it.plan = { place, area, customer, start, end, steering, decide_on, at };
      it.plans += 1;
      return true;
    }
    case "followup.measure_set": {
      const it = item(loop, event.column_id);
      let m = measureOf(loop, event.column_id, event.measure_id);
      if (!m) {
        m = { measure_id: event.measure_id, values: [] };
        it.measures.push(m);
      }
      Object.assign(m, { kind: event.measure_kind, label: event.label, target: event.target, unit: event.unit, at: event.at });
      return true;
    }
    case "followup.value_recorded": {
      const m = measureOf(loop, event.column_id, event.measure_id);
      if (m) m.values.push({ value: event.value, on: event.on, note: event.note, at: event.at });
      return true;
    }
    case "followup.status_updated":
      item(loop, event.column_id).statuses.push({ status: event.status, note: event.note, on: event.on, at: event.at });
      return true;
    case "followup.decided":
      item(loop, event.column_id).decisions.push({ decision: event.decision, reason: event.reason, on: event.on, at: event.at });
      return true;
    case "followup.taken_up": {
      delete loop.declined[event.column_id];
      const it = item(loop, event.column_id, "taken_up");
      it.origin = "taken_up";
      it.taken_up = { reason: event.reason, at: event.at };
      return true;
    }
    case "followup.declined":
      loop.declined[event.column_id] = { reason: event.reason, at: event.at };
      return true;
    case "followup.waiting_loop":
      loop.waiting_loops.push({ board_id: event.board_id, title: event.title, column_ids: [...event.column_ids], at: event.at });
      return true;
    default:
      return false;
  }
}

export function loopItem(state, columnId) {
  return state.followupLoop?.items.find((i) => i.column_id === columnId) ?? null;
}

/** Parked column id -> the new board a waiting loop carried it to. */
export function carried(state) {
  const out = {};
  for (const w of state.followupLoop?.waiting_loops ?? []) for (const c of w.column_ids) out[c] = w.board_id;
  return out;
}

/** Where an item stands now, one word (mirrors games.followup.fate). */
export function fateOf(state, columnId) {
  const it = loopItem(state, columnId);
  if (it) {
    if (it.decisions.length) return it.decisions.at(-1).decision;
    if (it.statuses.length) return it.statuses.at(-1).status;
    return it.origin === "taken_up" ? "taken_up" : "selected";
  }
  if (state.followupLoop?.declined[columnId]) return "declined";
  if (carried(state)[columnId]) return "waiting_loop";
  return state.selected.includes(columnId) ? "selected" : "parked";
}

/** Items under follow-up: selected now or in the loop, in place order. */
export function followedIds(state) {
  const places = new Map((state.results?.candidates ?? []).map((c) => [c.column_id, c.place]));
  const ids = new Set([...state.selected, ...(state.followupLoop?.items ?? []).map((i) => i.column_id)]);
  return [...ids].filter((id) => places.has(id)).sort((a, b) => places.get(a) - places.get(b));
}

/** Ranked candidates not selected (in place order), not taken up. */
export function parkedIds(state) {
  const taken = new Set((state.followupLoop?.items ?? []).map((i) => i.column_id));
  return (state.results?.candidates ?? []).map((c) => c.column_id).filter((id) => !state.selected.includes(id) && !taken.has(id));
}

/** Parked items still waiting: not declined, not carried to a new board. */
export function waitingIds(state) {
  const moved = carried(state);
  return parkedIds(state).filter((id) => !state.followupLoop?.declined[id] && !moved[id]);
}

/**
 * The later history of one column as dated entries, oldest first: taken up, statuses,
 * decisions, declined, carried to a new board. Entries: {kind, on, word, text}.
 */
export function columnHistory(state, columnId) {
  const out = [];
  const it = loopItem(state, columnId);
  const day = (at) => (typeof at === "number" ? new Date(at * 1000).toISOString().slice(0, 10) : "");
  if (it?.taken_up) out.push({ kind: "taken_up", on: day(it.taken_up.at), word: "taken_up", text: it.taken_up.reason });
  for (const s of it?.statuses ?? []) out.push({ kind: "status", on: s.on, word: s.status, text: s.note });
  for (const d of it?.decisions ?? []) out.push({ kind: "decision", on: d.on, word: d.decision, text: d.reason });
  const declined = state.followupLoop?.declined[columnId];
  if (declined) out.push({ kind: "declined", on: day(declined.at), word: "declined", text: declined.reason });
  for (const w of state.followupLoop?.waiting_loops ?? []) {
    if (w.column_ids.includes(columnId)) out.push({ kind: "waiting_loop", on: day(w.at), word: "waiting_loop", text: w.title });
  }
  return out.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}

/** What the results page shows of the viewer's own notes: place, selected or parked, history. */
export function ownNoteFates(state) {
  const places = new Map((state.results?.candidates ?? []).map((c) => [c.column_id, c.place]));
  return state.notes
    .filter((n) => n.mine)
    .map((note) => {
      const columnId = note.column && note.column !== "parking" ? note.column : null;
      const ranked = columnId !== null && places.has(columnId);
      return {
        note_id: note.id,
        column_id: columnId,
        place: ranked ? places.get(columnId) : null,
        selected: ranked && state.selected.includes(columnId),
        fate: ranked ? fateOf(state, columnId) : null,
        history: ranked ? columnHistory(state, columnId) : [],
      };
    });
}

// ---- the facilitator's forms: drafts to frames ----------------------------------------

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A typed number ("12,5" or "12.5") as a finite number, or null. */
export function parseNumber(text) {
  const clean = String(text ?? "").trim().replace(/\s/g, "").replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(clean)) return null;
  const value = Number(clean);
  return Number.isFinite(value) ? value : null;
}

function needDate(value, field, { optional = false } = {}) {
  if (!value) return optional ? null : { error: "date", field };
  return DATE.test(value) ? null : { error: "date", field };
}

/**
 * The frame a form sends, or {error, field} to show beside the field before sending
 * (the server checks again). `type` is the command, `draft` the form's strings.
 */
export function loopFrame(type, columnId, draft) {
  const d = draft || {};
  const text = (k) => String(d[k] ?? "").trim();
  switch (type) {
    case "followup.plan": {
      for (const f of ["start", "end", "decide_on"]) {
        const bad = needDate(d[f], f, { optional: true });
        if (bad) return bad;
      }
      if (d.start && d.end && d.end < d.start) return { error: "period", field: "end" };
      return { frame: { column_id: columnId, place: text("place"), area: text("area"), customer: text("customer"), start: d.start || null, end: d.end || null, steering: text("steering"), decide_on: d.decide_on || null } };
    }
    case "followup.measure": {
      if (!text("label")) return { error: "required", field: "label" };
      const target = parseNumber(d.target);
      if (target === null) return { error: "number", field: "target" };
      const kind = MEASURE_KINDS.includes(d.kind) ? d.kind : "other";
      return { frame: { column_id: columnId, measure_id: d.measure_id, measure_kind: kind, label: text("label"), target, unit: text("unit") } };
    }
    case "followup.record": {
      if (!d.measure_id) return { error: "required", field: "measure_id" };
      const value = parseNumber(d.value);
      if (value === null) return { error: "number", field: "value" };
      const bad = needDate(d.on, "on");
      if (bad) return bad;
      return { frame: { column_id: columnId, measure_id: d.measure_id, value, on: d.on, note: text("note") } };
    }
    case "followup.status": {
      if (!POV_STATUSES.includes(d.status)) return { error: "required", field: "status" };
      const bad = needDate(d.on, "on");
      if (bad) return bad;
      if (!text("note")) return { error: "required", field: "note" };
      return { frame: { column_id: columnId, status: d.status, note: text("note"), on: d.on } };
    }
    case "followup.decide": {
      if (!DECISIONS.includes(d.decision)) return { error: "required", field: "decision" };
      const bad = needDate(d.on, "on");
      if (bad) return bad;
      if (!text("reason")) return { error: "required", field: "reason" };
      return { frame: { column_id: columnId, decision: d.decision, reason: text("reason"), on: d.on } };
    }
    case "followup.take_up":
      return { frame: { column_id: columnId, reason: text("reason") } };
    case "followup.decline":
      if (!text("reason")) return { error: "required", field: "reason" };
      return { frame: { column_id: columnId, reason: text("reason") } };
    default:
      return { error: "unknown", field: null };
  }
}
