// The client's copy of the board: the `state` snapshot of a `welcome`, kept current by
// folding live events into it. Mirrors games/state.py `apply`, on the snapshot's shape,
// including fields the server redacted for this viewer (text or author null).

import { applyLoopEvent, loopFromSnapshot } from "./followup.js"; // issue-15

export const PARKING = "parking";

/** Make the snapshot from a welcome ready for folding: add indexes, count. */
export function fromSnapshot(snapshot) {
  const state = structuredClone(snapshot);
  state.noteIndex = new Map(state.notes.map((note) => [note.id, note]));
  state.rankings ??= { submitted: {}, mine: {} };
  // the server's ranking counts (anonymous boards name no one who ranked): null if unknown
  state.rankingCounts = snapshot.rankings?.per_criterion && snapshot.counts
    ? { rankers: snapshot.counts.rankers, rankings: snapshot.counts.rankings, ranked_complete: snapshot.counts.ranked_complete, per_criterion: { ...snapshot.rankings.per_criterion } }
    : null;
  state.followups ??= {};
  state.selected ??= [];
  state.swaps ??= [];
  state.decision ??= null; // issue 12: the facilitator's decision of a tie at the cut
  state.followupLoop = loopFromSnapshot(snapshot); // issue-15: the follow-up loop
  for (const column of state.columns) {
    column.name ??= null;
    column.proposals ??= [];
  }
  state.board.sharing ??= null;
  state.timer ??= null; // issue 13: the phase timer is part of the state (older servers: none)
  state.mine = ownShare(snapshot.mine);
  state.share = roomShare(snapshot.counts);
  state.counts = score(state);
  return state;
}

// ---- work sharing (issue 12): packets, subsets, the room's progress ----------------

/** The viewer's own part (snapshot `mine`), with defaults for a server before issue 12. */
function ownShare(mine) {
  const packet = mine?.packet;
  return {
    packet: packet ? { packet_id: packet.packet_id, note_ids: [...(packet.note_ids || [])], pass: packet.pass || "sort" } : null,
    packets_done: mine?.packets_done ?? 0,
    notes_placed: mine?.notes_placed ?? 0,
    waiting: Boolean(mine?.waiting),
    subsets: structuredClone(mine?.subsets || {}),
  };
}

/**
 * The room's work-sharing numbers that events only partly show (others' packets come
 * redacted): taken from the snapshot and every presence frame's `counts`, kept roughly
 * current between them by the public events. `enabled` is the facilitator's switch when
 * known (true, false, null = automatic; undefined = not seen: the snapshot lacks it).
 */
function roomShare(counts) {
  return {
    enabled: counts && "packets_enabled" in counts ? counts.packets_enabled : undefined,
    packets_on: counts?.packets_on,
    packets_open: counts?.packets_open ?? 0,
    packets_done: counts?.packets_done ?? 0,
    waiting: counts?.waiting ?? 0,
    second_look: counts?.second_look ?? null,
  };
}

/** A presence frame's `counts` (the server's word on the room's progress) take over. */
export function absorbCounts(state, counts) {
  if (!state || !counts || typeof counts !== "object") return;
  const share = state.share;
  for (const key of ["packets_on", "packets_open", "packets_done", "waiting", "second_look"]) {
    if (key in counts) share[key] = counts[key];
  }
  if ("packets_enabled" in counts) share.enabled = counts.packets_enabled;
  state.counts = score(state);
}

function inAffinity(state) {
  return Boolean(state.board?.game) && currentPhase(state)?.type === "affinity";
}

/** Are packets handed out (mirrors games.state.BoardState.packets_on)? */
export function packetsOn(state) {
  const sharing = state.board?.sharing;
  if (!sharing || !inAffinity(state)) return false;
  const enabled = state.share?.enabled;
  if (enabled === true || enabled === false) return enabled;
  if (enabled === null) return state.notes.length >= sharing.packets_from;
  // the switch is unknown: the server's last word, else automatic
  if (typeof state.share?.packets_on === "boolean") return state.share.packets_on;
  return state.notes.length >= sharing.packets_from;
}

/** The facilitator's switch as far as this client can tell: true, false or null (automatic). */
export function packetSwitch(state) {
  const enabled = state.share?.enabled;
  if (enabled !== undefined) return enabled;
  const sharing = state.board?.sharing;
  if (!sharing || !inAffinity(state) || typeof state.share?.packets_on !== "boolean") return null;
  const automatic = state.notes.length >= sharing.packets_from;
  return state.share.packets_on === automatic ? null : state.share.packets_on;
}

/** Does each participant rank a subset (mirrors games.state.BoardState.subsets_on)? */
export function subsetsOn(state) {
  const sharing = state.board?.sharing;
  return Boolean(sharing) && (state.candidates?.length ?? 0) > sharing.subsets_from;
}

/** The candidates this viewer ranks for `criterion`: their subset, every candidate when
 * subsets are off, or null while the subset has not come yet. */
export function rankCandidates(state, criterion) {
  if (!subsetsOn(state)) return state.candidates;
  return state.mine?.subsets?.[criterion] ?? null;
}

/** k: how many candidates each subset holds. */
export function subsetSize(state) {
  const sharing = state.board?.sharing;
  if (!sharing) return state.candidates.length;
  return Math.min(sharing.subset_size, state.candidates.length);
}

/** The viewer waits for notes: in line, and some packet is open that may come back. */
export function isWaiting(state) {
  return Boolean(state.mine?.waiting) && !state.mine.packet && (state.share?.packets_open ?? 0) > 0;
}

function applyShare(state, event, meId) {
  const mine = state.mine;
  const share = state.share;
  const own = (id) => id !== null && id !== undefined && id === meId;
  switch (event.kind) {
    case "packets.switched":
      share.enabled = event.enabled ?? null;
      share.packets_on = undefined;
      if (!packetsOn(state)) {
        share.waiting = 0;
        mine.waiting = false;
      }
      break;
    case "packet.assigned":
      share.packets_open += 1;
      if (own(event.holder)) {
        if (mine.waiting) share.waiting = Math.max(0, share.waiting - 1);
        mine.packet = { packet_id: event.packet_id, note_ids: [...(event.note_ids || [])], pass: event.pass || "sort" };
        mine.waiting = false;
      }
      break;
    case "packet.returned":
      share.packets_open = Math.max(0, share.packets_open - 1);
      if (event.reason === "done") share.packets_done += 1;
      if (own(event.holder)) {
        if (mine.packet?.packet_id === event.packet_id) mine.packet = null;
        if (event.reason === "done") mine.packets_done += 1;
        mine.lastReturned = { packet_id: event.packet_id, reason: event.reason, placed: event.placed ?? 0 };
      }
      break;
    case "packet.requested":
      share.waiting += 1;
      if (own(event.participant_id)) mine.waiting = true;
      break;
    case "subset.assigned":
      if (own(event.participant_id) && Array.isArray(event.candidates)) {
        mine.subsets[event.criterion] = [...event.candidates];
      }
      break;
    default:
      break;
  }
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
      state.timer = null; // issue 13: a timer belongs to its phase
      state.phase_index = event.index;
      state.phase = event.phase;
      state.phase_log.push({ phase: event.phase, at: event.at });
      if (currentPhase(state).type === "rank") {
        state.candidates = state.columns.map((column) => column.id);
      }
      if (currentPhase(state).type !== "affinity" && state.mine) {
        // packets belong to mapping: leaving it drops them (the server does so too)
        state.mine.packet = null;
        state.mine.waiting = false;
        state.share.packets_open = 0;
        state.share.waiting = 0;
      }
      if (state.share) state.share.packets_on = undefined;
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
      // my own move out of the unsorted pool counts as placed (games.state placed_by)
      if (state.mine && note.column === null && event.column_id !== null && event.by !== null && event.by !== undefined && event.by === meId) {
        state.mine.notes_placed += 1;
      }
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
    case "column.merged": {
      const target = columnById(state, event.target);
      const source = columnById(state, event.source);
      if (!target || !source) break;
      for (const id of event.note_ids || []) {
        const note = state.noteIndex.get(id);
        if (!note) continue;
        const list = listFor(state, note.column);
        if (list) remove(list, id);
        note.column = target.id;
        target.notes.push(id);
      }
      state.columns = state.columns.filter((column) => column.id !== source.id);
      break;
    }
    case "packets.switched":
    case "packet.assigned":
    case "packet.returned":
    case "packet.requested":
    case "subset.assigned":
      if (state.mine) applyShare(state, event, meId);
      break;
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
      // on anonymous boards only the sender's own copy names the sender
      if (event.participant_id !== null && event.participant_id !== undefined) {
        const list = (state.rankings.submitted[event.participant_id] ??= []);
        if (!list.includes(event.criterion)) list.push(event.criterion);
      }
      state.rankingCounts = event.counts ? { ...event.counts, per_criterion: { ...event.counts.per_criterion } } : null;
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
    // --- issue 13: the phase timer as an event (seconds 0 clears it) ---
    case "timer.set":
      state.timer = event.seconds ? { ends_at: event.ends_at, seconds: event.seconds } : null;
      break;
    default:
      // issue-15: the follow-up loop's events; any other kind this client does not know
      // yet changes nothing it shows.
      if (state.followupLoop) applyLoopEvent(state.followupLoop, event);
      break;
  }
  state.counts = score(state);
}

/**
 * What every player should know at all times (mirrors games.redaction.score): the
 * first five from this client's own copy; the work-sharing ones (issue 12) from it where
 * the events tell, else from the server's last `counts`.
 */
export function score(state) {
  const submitted = state.rankings?.submitted || {};
  let rankings = 0;
  const criteria = state.board?.criteria?.length ?? 1;
  let complete = 0;
  for (const done of Object.values(submitted)) {
    rankings += done.length;
    if (done.length >= criteria) complete += 1;
  }
  const sorted = state.notes.length - state.unsorted.length;
  const known = state.rankingCounts;
  const counts = {
    participants: state.participants.filter((p) => p.role !== "facilitator").length,
    notes: state.notes.length,
    sorted,
    rankers: known ? known.rankers : Object.keys(submitted).length,
    rankings: known ? known.rankings : rankings,
  };
  const share = state.share;
  if (!share) return counts;
  const on = packetsOn(state);
  const lookOn = on && state.board.sharing.second_look !== false;
  const secondLook = lookOn ? { seen_twice: share.second_look?.seen_twice ?? 0, total: state.notes.length } : null;
  return {
    ...counts,
    placed: sorted,
    packets_on: on,
    packets_open: share.packets_open,
    packets_done: share.packets_done,
    waiting: share.packets_open > 0 ? share.waiting : 0,
    second_look: secondLook,
    subsets_on: subsetsOn(state),
    ranked_complete: known?.ranked_complete ?? complete,
  };
}

/** Orders submitted per criterion: the server's counts, else counted from who ranked. */
export function rankingsPerCriterion(state) {
  if (state.rankingCounts) return { ...state.rankingCounts.per_criterion };
  const per = {};
  for (const criteria of Object.values(state.rankings?.submitted || {})) {
    for (const c of criteria) per[c] = (per[c] || 0) + 1;
  }
  return per;
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
