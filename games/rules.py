"""The rules: one function decides whether a command may happen and what events it makes.

``handle`` never changes the state; the caller commits the events and then applies them.
Checks run in one order for every command, so the same mistake always gets the same
code: an idempotent retry is recognised first (a client may resend a create after a
reconnect, even after the phase moved on), then the sender's role (``forbidden``), then
the phase (``phase_forbids``), then what the command names (``not_found``, ownership,
values).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import events as ev
from . import packets, subsets
from .commands import (
    PARKING,
    AdvancePhase,
    Command,
    ConfirmPacket,
    CreateColumn,
    CreateNote,
    DecideSelection,
    DeleteNote,
    EditNote,
    Join,
    MergeColumn,
    MoveNote,
    NameColumn,
    ProposeName,
    ReleasePackets,
    RequestPacket,
    RequestSubset,
    ReturnPacket,
    SetFollowup,
    SetPrompt,
    SetTimer,
    SubmitRanking,
    SwapSelection,
    SwitchPackets,
    clean_text,
    name_key,
)
from .errors import Rejection
from .followup_commands import FOLLOWUP_COMMANDS, FollowupCommand, LinkWaitingLoop  # issue-15
from .phases import COMMAND_KINDS
from .ranking import aggregate, ranking_counts
from .state import BoardState, Column, Note

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
#: The server itself (its packet tick): never a socket's role.
SYSTEM = "system"

#: Who may send each command. The author of a note is checked where the note is known.
ROLES: dict[str, frozenset[str]] = {
    "phase.advance": frozenset({FACILITATOR}),
    "prompt.set": frozenset({FACILITATOR}),
    "timer.set": frozenset({FACILITATOR}),
    "note.create": frozenset({PARTICIPANT}),
    "note.edit": frozenset({PARTICIPANT}),
    "note.delete": frozenset({PARTICIPANT}),
    "column.create": frozenset({FACILITATOR, PARTICIPANT}),
    "note.move": frozenset({FACILITATOR, PARTICIPANT}),
    "ranking.submit": frozenset({PARTICIPANT}),
    "followup.set": frozenset({FACILITATOR}),
    "selection.swap": frozenset({FACILITATOR}),
    "column.propose": frozenset({FACILITATOR, PARTICIPANT}),
    "column.name": frozenset({FACILITATOR}),
    "selection.decide": frozenset({FACILITATOR}),
    "packet.request": frozenset({PARTICIPANT}),
    "packet.confirm": frozenset({PARTICIPANT}),
    "packet.return": frozenset({PARTICIPANT}),
    "packets.switch": frozenset({FACILITATOR}),
    "column.merge": frozenset({FACILITATOR}),
    "subset.request": frozenset({PARTICIPANT}),
    # issue-15: the follow-up loop is the facilitator's
    "followup.plan": frozenset({FACILITATOR}),
    "followup.measure": frozenset({FACILITATOR}),
    "followup.record": frozenset({FACILITATOR}),
    "followup.status": frozenset({FACILITATOR}),
    "followup.decide": frozenset({FACILITATOR}),
    "followup.take_up": frozenset({FACILITATOR}),
    "followup.decline": frozenset({FACILITATOR}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    role: str  # "facilitator", "participant" or "projector" (read-only)


def handle(state: BoardState, command: Command, actor: Actor | None, now: float) -> list[ev.Event]:
    """The events ``command`` from ``actor`` makes, or raise a Rejection.

    An empty list is an accepted command that changes nothing: an idempotent retry.
    """
    if isinstance(command, Join):
        return _join(state, command, now)
    if actor is None:
        raise Rejection("unauthorized", "commands need a sender")
    if isinstance(command, ReleasePackets):
        if actor.role != SYSTEM:
            raise Rejection("forbidden", "packets.release is the server's own")
        return packets.release(state, command)
    if isinstance(command, CreateNote) and command.note_id in state.note_authors:
        return _retry(state.note_authors[command.note_id], actor, "note", command.note_id)
    if isinstance(command, CreateColumn) and command.column_id in state.column_creators:
        return _retry(state.column_creators[command.column_id], actor, "column", command.column_id)
    if isinstance(command, FOLLOWUP_COMMANDS):  # issue-15: the follow-up loop
        return _followup_loop(state, command, actor, now)
    _check_role(command.TYPE, actor)
    _check_phase(state, command.TYPE)
    match command:
        case AdvancePhase():
            return _advance(state, command, now)
        case SetPrompt():
            return [ev.PromptSet(text=command.text)]
        case SetTimer():
            return _set_timer(state, command, now)
        case CreateNote():
            return _create_note(state, command, actor, now)
        case EditNote():
            note = _own_note(state, command.note_id, actor)
            if note.text == command.text:
                return []
            return [ev.NoteEdited(note.id, note.author, command.text, note.private)]
        case DeleteNote():
            note = _own_note(state, command.note_id, actor)
            return [ev.NoteDeleted(note.id, note.author)]
        case CreateColumn():
            return _create_column(state, command, actor)
        case MoveNote():
            return _move_note(state, command, actor, now)
        case SubmitRanking():
            return _submit_ranking(state, command, actor)
        case SetFollowup():
            return _set_followup(state, command)
        case SwapSelection():
            return _swap_selection(state, command, now)
        case ProposeName():
            return _propose_name(state, command, actor, now)
        case NameColumn():
            return _name_column(state, command, actor)
        case DecideSelection():
            return _decide_selection(state, command, now)
        case RequestPacket():
            return packets.request(state, actor.id, now)
        case ConfirmPacket():
            return packets.confirm(state, command, actor.id, now)
        case ReturnPacket():
            return packets.give_back(state, command, actor.id, now)
        case SwitchPackets():
            return packets.switch(state, command, actor.id, now)
        case MergeColumn():
            return _merge_column(state, command, actor)
        case RequestSubset():
            return subsets.request(state, actor.id)
    raise Rejection("unknown_type", f"no rule for {command.TYPE}")  # pragma: no cover


def _retry(owner: str, actor: Actor, what: str, object_id: str) -> list[ev.Event]:
    if owner != actor.id:
        raise Rejection("forbidden", f"{what} id {object_id!r} belongs to someone else")
    return []


def _check_role(command_type: str, actor: Actor) -> None:
    if actor.role not in ROLES[command_type]:
        allowed = " or ".join(sorted(ROLES[command_type]))
        raise Rejection("forbidden", f"{command_type} is for the {allowed}, not a {actor.role}")


def _check_phase(state: BoardState, command_type: str) -> None:
    kind = COMMAND_KINDS[command_type]
    phase = state.phase
    if kind is None or command_type in phase.commands:
        return
    if kind is phase.kind:
        raise Rejection(
            "phase_forbids",
            f"{command_type} is not part of the '{phase.id}' phase",
        )
    raise Rejection(
        "phase_forbids",
        f"{command_type} is {_a(kind.value)} command; the board is in '{phase.id}', "
        f"{_a(phase.kind.value)} phase (never open and close at the same time)",
    )


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _join(state: BoardState, command: Join, now: float) -> list[ev.Event]:
    if state.closed:
        raise Rejection("phase_forbids", "the board is closed; joining has ended")
    if command.participant_id in state.participants:
        raise Rejection("forbidden", "that participant id is taken")
    if len(state.participants) > state.limits.max_participants:
        raise Rejection("forbidden", "this board is full")
    name = clean_text(command.name, "name", limit=60)
    return [ev.ParticipantJoined(command.participant_id, name, now)]


def _advance(state: BoardState, command: AdvancePhase, now: float) -> list[ev.Event]:
    current = state.phase
    if command.from_phase != current.id:
        raise Rejection(
            "stale_phase",
            f"the board is in '{current.id}', not '{command.from_phase}'",
            phase=current.id,
        )
    if state.is_last_phase:
        raise Rejection("phase_forbids", f"'{current.id}' is the last phase; the game is over")
    out: list[ev.Event] = []
    if current.type == "affinity":
        if state.unsorted:
            listed = ", ".join(repr(_excerpt(state.notes[n].text)) for n in state.unsorted[:5])
            more = f" and {len(state.unsorted) - 5} more" if len(state.unsorted) > 5 else ""
            raise Rejection(
                "unsorted_notes",
                f"{len(state.unsorted)} note(s) are in no column yet: {listed}{more}",
                note_ids=list(state.unsorted),
            )
        empty = [c.id for c in state.columns.values() if not c.notes]
        if empty:
            out.append(ev.ColumnsDropped(column_ids=empty))
    if current.type == "name":
        unnamed = [c for c in state.columns.values() if c.name is None]
        if unnamed:
            listed = ", ".join(c.label() for c in unnamed[:10])
            more = f" and {len(unnamed) - 10} more" if len(unnamed) > 10 else ""
            raise Rejection(
                "unnamed_columns",
                f"{len(unnamed)} column(s) have no name yet: {listed}{more}",
                column_ids=[c.id for c in unnamed],
            )
    if current.type == "rank":
        if state.candidates and not state.rankings:
            raise Rejection("no_rankings", "no one has submitted a ranking yet")
        results = aggregate(state.candidates, state.criteria, state.rankings, state.top_n)
        out.append(ev.ResultsComputed(results=results.to_dict()))
    private = [n for n in state.notes.values() if n.private]
    if private and not _next_phase_keeps_private(state):
        out.append(
            ev.NotesRevealed(
                notes=[{"note_id": n.id, "text": n.text, "author": n.author} for n in private]
            )
        )
    nxt = state.game.phases[state.phase_index + 1]
    out.append(
        ev.PhaseChanged(previous=current.id, phase=nxt.id, index=state.phase_index + 1, at=now)
    )
    return out


def _next_phase_keeps_private(state: BoardState) -> bool:
    return state.game.phases[state.phase_index + 1].private_notes


def _excerpt(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _create_note(
    state: BoardState, command: CreateNote, actor: Actor, now: float
) -> list[ev.Event]:
    if state.notes_by_author.get(actor.id, 0) >= state.limits.max_notes_per_participant:
        raise Rejection(
            "invalid", f"at most {state.limits.max_notes_per_participant} notes per participant"
        )
    return [ev.NoteCreated(command.note_id, actor.id, command.text, state.phase.private_notes, now)]


def _own_note(state: BoardState, note_id: str, actor: Actor) -> Note:
    note = state.notes.get(note_id)
    if note is None:
        raise Rejection("not_found", f"no note {note_id!r}")
    if note.author != actor.id:
        raise Rejection("forbidden", "only its author may change a note")
    return note


def _create_column(state: BoardState, command: CreateColumn, actor: Actor) -> list[ev.Event]:
    if len(state.columns) >= state.limits.max_columns:  # the server's own cap
        raise Rejection("invalid", f"at most {state.limits.max_columns} columns")
    cap = state.max_columns()
    if len(state.columns) >= cap:
        raise Rejection(
            "too_many_columns",
            f"this board takes at most {cap} columns; merge two (column.merge) or use one",
            max_columns=cap,
        )
    return [ev.ColumnCreated(command.column_id, state.next_column_number, actor.id)]


def _column(state: BoardState, column_id: str) -> Column:
    column = state.columns.get(column_id)
    if column is None:
        raise Rejection("not_found", f"no column {column_id!r}")
    return column


def _propose_name(
    state: BoardState, command: ProposeName, actor: Actor, now: float
) -> list[ev.Event]:
    column = _column(state, command.column_id)
    existing = column.proposals.get(name_key(command.name))
    if existing is not None and actor.id in existing.by:
        return []  # the same person proposing the same name again counts once
    cap = state.limits.max_proposals_per_participant
    if sum(actor.id in p.by for p in column.proposals.values()) >= cap:
        raise Rejection("invalid", f"at most {cap} proposed names per person for {column.label()}")
    if existing is None and len(column.proposals) >= state.limits.max_proposals_per_column:
        raise Rejection(
            "invalid",
            f"{column.label()} has {len(column.proposals)} proposed names, the most it takes; "
            "support one of them instead",
        )
    return [ev.ColumnNameProposed(column.id, command.name, actor.id, now)]


def _name_column(state: BoardState, command: NameColumn, actor: Actor) -> list[ev.Event]:
    column = _column(state, command.column_id)
    if column.name == command.name:
        return []
    return [ev.ColumnNamed(column.id, command.name, actor.id)]


def _merge_column(state: BoardState, command: MergeColumn, actor: Actor) -> list[ev.Event]:
    source = _column(state, command.source)
    target = _column(state, command.target)
    if source.id == target.id:
        raise Rejection("invalid", "a column cannot be merged into itself")
    return [ev.ColumnMerged(source.id, target.id, list(source.notes), actor.id)]


def _move_note(state: BoardState, command: MoveNote, actor: Actor, now: float) -> list[ev.Event]:
    note = state.notes.get(command.note_id)
    if note is None:
        raise Rejection("not_found", f"no note {command.note_id!r}")
    target = command.column_id
    if target is not None and target != PARKING and target not in state.columns:
        raise Rejection("not_found", f"no column {target!r}")
    length = len(state.note_list(target)) - (1 if note.column == target else 0)
    index = min(command.index, length)
    if note.column == target and state.note_list(target).index(note.id) == index:
        return []
    moved: list[ev.Event] = [ev.NoteMoved(note.id, target, index, actor.id, now)]
    return moved + packets.after_move(state, note.id, target, actor.id, now)


def _submit_ranking(state: BoardState, command: SubmitRanking, actor: Actor) -> list[ev.Event]:
    if command.criterion not in state.criteria:
        raise Rejection(
            "not_found",
            f"no criterion {command.criterion[:60]!r}; this board ranks by "
            + ", ".join(state.criteria),
        )
    order = command.order
    allowed = subsets.expected(state, actor.id, command.criterion)
    candidates = set(allowed)
    duplicates = sorted(c for c, n in Counter(order).items() if n > 1)
    unknown = sorted(set(order) - candidates)
    missing = sorted(candidates - set(order))
    if duplicates or unknown or missing:
        parts = []
        if duplicates:
            parts.append(f"ties (listed twice): {', '.join(duplicates[:10])}")
        if unknown:
            parts.append(f"not candidates: {', '.join(unknown[:10])}")
        if missing:
            parts.append(f"missing: {', '.join(missing[:10])}")
        raise Rejection(
            "not_a_permutation",
            (
                "rank every candidate of your subset exactly once; "
                if state.subsets_on()
                else "rank every candidate exactly once; "
            )
            + "; ".join(parts),
            candidates=list(allowed),
        )
    after = {*state.rankings, (actor.id, command.criterion)}
    counts = ranking_counts(after, state.criteria)
    return [ev.RankingSubmitted(actor.id, command.criterion, list(order), counts)]


def _set_followup(state: BoardState, command: SetFollowup) -> list[ev.Event]:
    if state.results is None or command.column_id not in state.candidates:
        raise Rejection("not_found", f"no ranked candidate {command.column_id!r}")
    return [
        ev.FollowupSet(
            command.column_id, command.owner, command.next_step, command.decide_by, command.status
        )
    ]


def _swap_selection(state: BoardState, command: SwapSelection, now: float) -> list[ev.Event]:
    if command.selected not in state.selected:
        raise Rejection("not_found", f"{command.selected!r} is not a selected candidate")
    if command.parked not in state.candidates or command.parked in state.selected:
        raise Rejection("not_found", f"{command.parked!r} is not a parked candidate")
    return [ev.SelectionSwapped(command.selected, command.parked, command.reason, now)]


# --- Issue 12, ranking helper: the facilitator decides a statistical tie ---


def _decide_selection(state: BoardState, command: DecideSelection, now: float) -> list[ev.Event]:
    """Allowed only where the results flag a tie at the cut (partial rankings): the new
    selection keeps every candidate that is in without doubt and fills the rest of the
    top N from the tied ones; it is stored in place order."""
    results = state.results
    tied = list(results.get("tied_at_cut") or []) if results else []
    if results is None or not tied:
        raise Rejection(
            "invalid",
            "the results flag no statistical tie at the selection cut; "
            "there is nothing to decide (selection.swap changes the selection with a reason)",
        )
    top_n = int(results["top_n"])
    chosen = list(command.selected)
    places = [c["column_id"] for c in results["candidates"]]
    unknown = [c for c in chosen if c not in places]
    if unknown:
        raise Rejection("not_found", f"not candidates: {', '.join(unknown[:10])}")
    if len(set(chosen)) != len(chosen):
        raise Rejection("invalid", "'selected' names a candidate twice")
    if len(chosen) != min(top_n, len(places)):
        raise Rejection(
            "invalid", f"select exactly {top_n} candidates (the board's top N), not {len(chosen)}"
        )
    sure = [
        c["column_id"]
        for c in results["candidates"]
        if c["selected"] and c["column_id"] not in tied
    ]
    left_out = [c for c in sure if c not in chosen]
    if left_out:
        raise Rejection(
            "invalid",
            "these are selected without doubt and stay: " + ", ".join(left_out[:10]),
            tied=tied,
        )
    strays = [c for c in chosen if c not in sure and c not in tied]
    if strays:
        raise Rejection(
            "invalid",
            "only statistically tied candidates can be chosen at the cut; not tied: "
            + ", ".join(strays[:10]),
            tied=tied,
        )
    ordered = [c for c in places if c in set(chosen)]
    if state.decision is not None and state.decision["selected"] == ordered:
        if state.decision["reason"] == command.reason:
            return []
    return [ev.SelectionDecided(selected=ordered, reason=command.reason, at=now)]


# --- issue-15: the follow-up loop (games/followup.py) ---


def _followup_loop(
    state: BoardState, command: FollowupCommand, actor: Actor, now: float
) -> list[ev.Event]:
    """The facilitator's only; after close only (see ``followup.check_open``)."""
    from . import followup

    if isinstance(command, LinkWaitingLoop):
        if actor.role != FACILITATOR:
            raise Rejection("forbidden", "followup.waiting_loop is the facilitator's")
    else:
        _check_role(command.TYPE, actor)
    followup.check_open(state, command.TYPE)
    return followup.handle(state, command, now)


# --- issue-13: the timer as an event ---


def _set_timer(state: BoardState, command: SetTimer, now: float) -> list[ev.Event]:
    """Set the phase timer to end ``seconds`` from ``now``; 0 clears it (nothing to clear:
    no event, so a repeated "stop" is an idempotent no-op)."""
    if command.seconds == 0:
        return [ev.TimerSet(ends_at=now, seconds=0)] if state.timer is not None else []
    return [ev.TimerSet(ends_at=now + command.seconds, seconds=command.seconds)]
