// The client's copy of the board: the `state` snapshot of a `welcome`, kept current by
// folding live events into it. Mirrors games/state.py `apply`, on the snapshot's shape,
// including fields the server redacted for this viewer (text or author null).

export const PARKING = "parking";

/** Make the snapshot from a welcome ready for folding: add indexes, count. */
export function fromSnapshot(snapshot) {
  const state = structuredClone(snapshot);
  state.noteIndex = new Map(state.notes.map((note) => [note.id, note]));
  state.rankings ??= { submitted: {}, mine: {} };
  state.followups ??= {};
  state.selected ??= [];
  state.swaps ??= [];
  state.decision ??= null; // issue 12: the facilitator's decision of a tie at the cut
  for (const column of state.columns) {
    column.name ??= null;
    column.proposals ??= [];
  }
  state.counts = score(state);
  return state;
}

/** What makes two proposed names the same (mirrors games.commands.name_key). */
export function nameKey(name) {
  return name.split(/\s+/).filter(Boolean).join(" ").toLowerCase().replace(/ß/g, "ss");
}

export function currentPhase(state) {
  return state.board.game.phases[state.phase_index];
}

export function nextPhase(state) {
  return state.board.game.phases[state.phase_index + 1] || null;
}

export function isClosed(state) {
  return state.phase_index === state.board.game.phases.length - 1;
}

export function columnById(state, columnId) {
  return state.columns.find((column) => column.id === columnId) || null;
}

/** The ordered list of note ids in a place: a column id, "parking" or null (unsorted). */
export function listFor(state, place) {
  if (place === null || place === undefined) return state.unsorted;
  if (place === PARKING) return state.parking;
  const column = columnById(state, place);
  return column ? column.notes : null;
}

function remove(list, item) {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}

/** Change `state` by one event (the event object of an event frame). */
export function apply(state, event, meId) {
  switch (event.kind) {
    case "participant.joined":
      if (!state.participants.some((p) => p.id === event.participant_id)) {
        state.participants.push({ id: event.participant_id, name: event.name, role: "participant" });
      }
      break;
    case "prompt.set":
      state.prompt = event.text;
      break;
    case "phase.changed": {
      state.phase_index = event.index;
      state.phase = event.phase;
      state.phase_log.push({ phase: event.phase, at: event.at });
      if (currentPhase(state).type === "rank") {
        state.candidates = state.columns.map((column) => column.id);
      }
      break;
    }
    case "note.created": {
      if (state.noteIndex.has(event.note_id)) break;
      const note = {
        id: event.note_id,
        text: event.text,
        author: event.author,
        column: null,
        mine: event.author !== null && event.author === meId,
      };
      state.notes.push(note);
      state.noteIndex.set(note.id, note);
      state.unsorted.push(note.id);
      break;
    }
    case "note.edited": {
      const note = state.noteIndex.get(event.note_id);
      if (note) note.text = event.text;
      break;
    }
    case "note.deleted": {
      const note = state.noteIndex.get(event.note_id);
      if (!note) break;
      state.noteIndex.delete(note.id);
      remove(state.notes, note);
      const list = listFor(state, note.column);
      if (list) remove(list, note.id);
      break;
    }
    case "notes.revealed":
      for (const item of event.notes) {
        const note = state.noteIndex.get(item.note_id);
        if (!note) continue;
        if (item.text !== null && item.text !== undefined) note.text = item.text;
        if (item.author !== null && item.author !== undefined) note.author = item.author;
      }
      break;
    case "column.created":
      if (!columnById(state, event.column_id)) {
        state.columns.push({ id: event.column_id, number: event.number, notes: [], name: null, proposals: [] });
      }
      break;
    case "note.moved": {
      const note = state.noteIndex.get(event.note_id);
      if (!note) break;
      const from = listFor(state, note.column);
      if (from) remove(from, note.id);
      note.column = event.column_id;
      const to = listFor(state, event.column_id);
      if (to) to.splice(Math.min(event.index, to.length), 0, note.id);
      break;
    }
    case "columns.dropped": {
      const dropped = new Set(event.column_ids);
      state.columns = state.columns.filter((column) => !dropped.has(column.id));
      break;
    }
    case "column.name_proposed": {
      const column = columnById(state, event.column_id);
      if (!column) break;
      const key = nameKey(event.name);
      let proposal = column.proposals.find((p) => nameKey(p.name) === key);
      if (!proposal) {
        proposal = { name: event.name, count: 0, mine: false };
        if (!state.board.anonymous) proposal.by = [];
        column.proposals.push(proposal);
      }
      proposal.count += 1;
      if (event.by !== null && event.by === meId) proposal.mine = true;
      if (proposal.by && event.by !== null && event.by !== undefined) proposal.by.push(event.by);
      break;
    }
    case "column.named": {
      const column = columnById(state, event.column_id);
      if (column) column.name = event.name;
      break;
    }
    case "ranking.submitted": {
      const list = (state.rankings.submitted[event.participant_id] ??= []);
      if (!list.includes(event.criterion)) list.push(event.criterion);
      if (event.order && event.participant_id === meId) {
        state.rankings.mine[event.criterion] = event.order;
      }
      break;
    }
    case "results.computed":
      state.results = event.results;
      state.selected = event.results.candidates
        .filter((candidate) => candidate.selected)
        .map((candidate) => candidate.column_id);
      break;
    case "selection.swapped": {
      const at = state.selected.indexOf(event.selected);
      if (at >= 0) state.selected[at] = event.parked;
      state.swaps.push({
        selected: event.selected,
        parked: event.parked,
        reason: event.reason,
        at: event.at,
      });
      break;
    }
    // --- issue 12: the facilitator decided a statistical tie at the cut ---
    case "selection.decided":
      state.selected = [...event.selected];
      state.decision = { selected: [...event.selected], reason: event.reason, at: event.at };
      break;
    case "followup.set":
      state.followups[event.column_id] = {
        owner: event.owner,
        next_step: event.next_step,
        decide_by: event.decide_by,
        status: event.status,
      };
      break;
    default:
      // An event kind this client does not know yet changes nothing it shows.
      break;
  }
  state.counts = score(state);
}

/** What every player should know at all times (mirrors games.redaction.score). */
export function score(state) {
  const submitted = state.rankings?.submitted || {};
  let rankings = 0;
  for (const criteria of Object.values(submitted)) rankings += criteria.length;
  return {
    participants: state.participants.filter((p) => p.role !== "facilitator").length,
    notes: state.notes.length,
    sorted: state.notes.length - state.unsorted.length,
    rankers: Object.keys(submitted).length,
    rankings,
  };
}

/** Results of a closed board as lists of candidates with their place and selection. */
export function outcome(state) {
  if (!state.results) return null;
  const selected = new Set(state.selected);
  const byId = new Map(state.results.candidates.map((c) => [c.column_id, c]));
  const candidates = state.results.candidates.map((c) => ({
    ...c,
    selected: selected.has(c.column_id),
    column: columnById(state, c.column_id),
  }));
  const chosen = state.selected.map((id) => ({
    ...byId.get(id),
    selected: true,
    column: columnById(state, id),
  }));
  return {
    selected: chosen.filter((c) => c.column_id),
    parked: candidates.filter((c) => !c.selected),
    byId,
  };
}
