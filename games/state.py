"""The board state and how events change it. State is the fold of a board's events.

``apply`` mutates the state in place: the server keeps one live state per board and
applies each committed event to it, so copying a board of thousands of notes per move
would be waste. ``fold`` builds a fresh state from a log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import events as ev
from .commands import PARKING, name_key
from .definitions import Game, Phase, parse_game
from .followup_state import FollowupLoop, apply_followup  # issue-15


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-board caps that keep one board from eating the server; the server sets them."""

    max_notes_per_participant: int = 200
    max_participants: int = 2000
    max_columns: int = 500
    #: Names one person may propose for one column, and distinct names a column may collect.
    max_proposals_per_participant: int = 3
    max_proposals_per_column: int = 50


@dataclass(slots=True)
class Participant:
    id: str
    name: str
    role: str  # "facilitator" or "participant"
    joined_at: float


@dataclass(slots=True)
class Note:
    id: str
    author: str
    text: str
    #: Written in a private phase and not yet revealed.
    private: bool
    #: ``None`` (unsorted), ``"parking"`` or a column id.
    column: str | None
    created_at: float


@dataclass(slots=True)
class Proposal:
    """One proposed name of a column and who proposed it (each person counts once)."""

    #: As first proposed; later spellings that differ by case or spaces join this one.
    name: str
    #: Proposer ids in order; ``None`` for a proposer this viewer may not see.
    by: list[str | None] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.by)


@dataclass(slots=True)
class Column:
    id: str
    number: int
    created_by: str
    notes: list[str] = field(default_factory=list)
    #: Decided by the facilitator in a ``name`` phase; ``None``: shown as "Column N".
    name: str | None = None
    #: ``name_key(name)`` -> the proposal, in the order first proposed.
    proposals: dict[str, Proposal] = field(default_factory=dict)

    def label(self) -> str:
        return self.name if self.name is not None else f"Column {self.number}"


@dataclass(slots=True)
class Followup:
    owner: str
    next_step: str
    decide_by: str | None
    status: str


@dataclass(slots=True)
class Packet:
    """An open packet: notes handed to one participant (games/packets.py)."""

    id: str
    #: ``None`` only in a viewer's fold of redacted events.
    holder: str | None
    note_ids: list[str]
    #: ``"sort"`` (place unsorted notes) or ``"review"`` (the second look).
    pass_: str
    assigned_at: float
    #: When the holder last moved one of its notes (else ``assigned_at``): idle since.
    touched_at: float
    #: How many of its notes the holder moved while holding it.
    placed: int = 0


@dataclass(slots=True)
class BoardState:
    board_id: str
    title: str
    game: Game
    anonymous: bool
    criteria: tuple[str, ...]
    top_n: int
    facilitator_id: str
    created_at: float
    prompt: str | None = None
    #: Language ("en", "de") and IANA time zone of the exports, chosen at creation.
    language: str = "en"
    timezone: str = "UTC"
    limits: Limits = field(default_factory=Limits)
    seq: int = 0
    phase_index: int = 0
    participants: dict[str, Participant] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    #: Every note id ever made and its author, deleted ones included (idempotent retries).
    note_authors: dict[str, str] = field(default_factory=dict)
    notes_by_author: dict[str, int] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)
    #: Every column id ever made and its creator, dropped ones included.
    column_creators: dict[str, str] = field(default_factory=dict)
    next_column_number: int = 1
    unsorted: list[str] = field(default_factory=list)
    parking: list[str] = field(default_factory=list)
    #: The columns to rank, fixed when ``rank`` begins.
    candidates: tuple[str, ...] = ()
    rankings: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    results: dict[str, Any] | None = None
    #: Selected candidates in place order (the top N, then any swaps).
    selected: list[str] = field(default_factory=list)
    #: ``{"selected", "parked", "reason", "at"}`` for every swap, in order.
    swaps: list[dict[str, Any]] = field(default_factory=list)
    followups: dict[str, Followup] = field(default_factory=dict)
    #: Issue 12: the facilitator's last ``selection.decided`` ({"selected", "reason", "at"}).
    decision: dict[str, Any] | None = None
    #: ``(phase id, time entered)`` for the timeline in exports.
    phase_log: list[tuple[str, float]] = field(default_factory=list)
    # -- work sharing (issue 12; games/packets.py, games/subsets.py) ----------------------
    #: ``board.created.sharing``; ``None``: an old board, no packets or subsets.
    sharing: dict[str, Any] | None = None
    #: The facilitator's switch: True, False, or None (automatic by ``packets_from``).
    packets_enabled: bool | None = None
    #: Open packets by id, and which open packet holds a note / a participant holds.
    packets: dict[str, Packet] = field(default_factory=dict)
    packet_of_note: dict[str, str] = field(default_factory=dict)
    packet_of_holder: dict[str, str] = field(default_factory=dict)
    packets_made: int = 0
    #: Packets done: in all, and per holder.
    packets_done: int = 0
    packets_done_by: dict[str, int] = field(default_factory=dict)
    #: How often each note was handed out, and to whom.
    handed_out: dict[str, int] = field(default_factory=dict)
    held_by: dict[str, set[str]] = field(default_factory=dict)
    #: Who has seen each note: moved it, or held it in a packet that was done.
    seen_by: dict[str, set[str]] = field(default_factory=dict)
    #: Notes each person moved out of the unsorted pool.
    placed_by: dict[str, int] = field(default_factory=dict)
    #: Participants who asked for a packet when none was free, first come first.
    waiting: list[str] = field(default_factory=list)
    #: ``(participant, criterion)`` -> the candidates they rank, when subsets are on.
    subsets: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    #: Per criterion: how often each candidate was handed out, and each pair together.
    subset_shown: dict[str, dict[str, int]] = field(default_factory=dict)
    subset_pairs: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)
    # -- issue-15: the follow-up loop after close (games/followup.py) ----------------------
    loop: FollowupLoop = field(default_factory=FollowupLoop)
    # issue-13: the phase timer (``timer.set``), ``{"ends_at", "seconds"}``, or None:
    # none set, cleared, or its phase ended. Old logs have no timer events: None.
    timer: dict[str, Any] | None = None

    @property
    def phase(self) -> Phase:
        return self.game.phases[self.phase_index]

    @property
    def is_last_phase(self) -> bool:
        return self.phase_index == len(self.game.phases) - 1

    @property
    def closed(self) -> bool:
        """Results are frozen: the board is in its last (closing) phase."""
        return self.is_last_phase

    def note_list(self, note_id: str | None) -> list[str]:
        """The ordered list a note in this place lives in."""
        if note_id is None:
            return self.unsorted
        if note_id == PARKING:
            return self.parking
        return self.columns[note_id].notes

    def sorted_count(self) -> int:
        return len(self.notes) - len(self.unsorted)

    def max_columns(self) -> int:
        """The column cap: the board's option (new boards), within the server's limit."""
        if self.sharing is None:
            return self.limits.max_columns
        return min(int(self.sharing["max_columns"]), self.limits.max_columns)

    def packets_on(self) -> bool:
        """Packets are handed out: in affinity, switched on, or automatic and big enough."""
        if self.sharing is None or self.phase.type != "affinity":
            return False
        if self.packets_enabled is not None:
            return self.packets_enabled
        return len(self.notes) >= int(self.sharing["packets_from"])

    def second_look_on(self) -> bool:
        return (
            self.packets_on()
            and self.sharing is not None
            and (self.sharing["second_look"] is not False)
        )

    def subsets_on(self) -> bool:
        """Each participant ranks a subset: there are more candidates than ``subsets_from``."""
        return self.sharing is not None and len(self.candidates) > int(self.sharing["subsets_from"])

    def waiting_now(self) -> list[str]:
        """Those in line for notes that may come back: nobody waits once no packet is open
        (asking again then hands out whatever is free, or nothing: all done)."""
        return self.waiting if self.packets else []

    def subset_size(self) -> int:
        assert self.sharing is not None
        return min(int(self.sharing["subset_size"]), len(self.candidates))


def new_state(created: ev.BoardCreated, limits: Limits | None = None) -> BoardState:
    state = BoardState(
        board_id=created.board_id,
        title=created.title,
        game=parse_game(created.game, f"board {created.board_id}"),
        anonymous=created.anonymous,
        criteria=tuple(created.criteria),
        top_n=created.top_n,
        facilitator_id=created.facilitator_id,
        created_at=created.at,
        prompt=created.prompt,
        language=created.language,
        timezone=created.timezone,
        sharing=dict(created.sharing) if created.sharing is not None else None,
        limits=limits or Limits(),
        seq=1,
    )
    state.participants[created.facilitator_id] = Participant(
        created.facilitator_id, created.facilitator_name, "facilitator", created.at
    )
    state.phase_log.append((state.phase.id, created.at))
    return state


def fold(log: Iterable[ev.Event], limits: Limits | None = None) -> BoardState:
    """The state a log of events leads to; the first event must be ``board.created``."""
    it = iter(log)
    first = next(it)
    if not isinstance(first, ev.BoardCreated):
        raise ValueError("a board's log starts with board.created")
    state = new_state(first, limits)
    for event in it:
        apply(state, event)
    return state


def apply(state: BoardState, event: ev.Event) -> None:
    """Change the state by one event and count it in ``seq``."""
    state.seq += 1
    if isinstance(event, ev.FOLLOWUP_EVENTS):  # issue-15
        apply_followup(state.loop, event)
        return
    match event:
        case ev.ParticipantJoined():
            state.participants[event.participant_id] = Participant(
                event.participant_id, event.name, "participant", event.at
            )
        case ev.PromptSet():
            state.prompt = event.text
        case ev.PhaseChanged():
            state.timer = None  # a timer belongs to its phase (issue 13)
            state.phase_index = event.index
            state.phase_log.append((event.phase, event.at))
            if state.phase.type == "rank":
                state.candidates = tuple(state.columns)
            if state.phase.type != "affinity":
                # Packets belong to mapping: leaving it drops them (no event needed).
                state.packets.clear()
                state.packet_of_note.clear()
                state.packet_of_holder.clear()
                state.waiting.clear()
        case ev.NoteCreated():
            state.notes[event.note_id] = Note(
                event.note_id, event.author, event.text, event.private, None, event.at
            )
            state.note_authors[event.note_id] = event.author
            state.notes_by_author[event.author] = state.notes_by_author.get(event.author, 0) + 1
            state.unsorted.append(event.note_id)
        case ev.NoteEdited():
            state.notes[event.note_id].text = event.text
        case ev.NoteDeleted():
            note = state.notes.pop(event.note_id)
            state.note_list(note.column).remove(event.note_id)
            state.notes_by_author[note.author] -= 1
        case ev.NotesRevealed():
            for item in event.notes:
                note = state.notes[item["note_id"]]
                note.private = False
                note.text = item["text"]
        case ev.ColumnCreated():
            state.columns[event.column_id] = Column(event.column_id, event.number, event.by)
            state.column_creators[event.column_id] = event.by
            state.next_column_number = event.number + 1
        case ev.NoteMoved():
            note = state.notes[event.note_id]
            placed = note.column is None and event.column_id is not None
            state.note_list(note.column).remove(event.note_id)
            note.column = event.column_id
            state.note_list(event.column_id).insert(event.index, event.note_id)
            _moved(state, event, placed)
        case ev.ColumnsDropped():
            for column_id in event.column_ids:
                del state.columns[column_id]
        case ev.RankingSubmitted():
            # A viewer's redacted copy has no order: recorded as submitted, order unknown.
            order = tuple(event.order) if event.order is not None else ()
            state.rankings[(event.participant_id, event.criterion)] = order
        case ev.ResultsComputed():
            state.results = event.results
            state.selected = [c["column_id"] for c in event.results["candidates"] if c["selected"]]
        case ev.SelectionSwapped():
            state.selected[state.selected.index(event.selected)] = event.parked
            state.swaps.append(
                {
                    "selected": event.selected,
                    "parked": event.parked,
                    "reason": event.reason,
                    "at": event.at,
                }
            )
        case ev.FollowupSet():
            state.followups[event.column_id] = Followup(
                event.owner, event.next_step, event.decide_by, event.status
            )
        case ev.ColumnNameProposed():
            proposals = state.columns[event.column_id].proposals
            key = name_key(event.name)
            if key not in proposals:
                proposals[key] = Proposal(event.name)
            proposals[key].by.append(event.by)
        case ev.ColumnNamed():
            state.columns[event.column_id].name = event.name
        case ev.SelectionDecided():
            _apply_selection_decided(state, event)
        case ev.PacketsSwitched():
            state.packets_enabled = event.enabled
            if not state.packets_on():
                state.waiting.clear()
        case ev.PacketAssigned():
            _packet_assigned(state, event)
        case ev.PacketReturned():
            _packet_returned(state, event)
        case ev.PacketRequested():
            if event.participant_id is not None and event.participant_id not in state.waiting:
                state.waiting.append(event.participant_id)
        case ev.ColumnMerged():
            target = state.columns[event.target]
            for note_id in event.note_ids:
                state.notes[note_id].column = event.target
            target.notes.extend(event.note_ids)
            del state.columns[event.source]
        case ev.SubsetAssigned():
            _subset_assigned(state, event)
        case ev.TimerSet():  # issue-13
            state.timer = (
                {"ends_at": event.ends_at, "seconds": event.seconds} if event.seconds else None
            )
        case ev.BoardCreated():
            raise ValueError("board.created can only start a log")


# --- Issue 12, ranking helper ---


def _apply_selection_decided(state: BoardState, event: ev.SelectionDecided) -> None:
    """The decision replaces the selection (swaps before it are superseded; later swaps
    change it again)."""
    state.selected = list(event.selected)
    state.decision = {"selected": list(event.selected), "reason": event.reason, "at": event.at}


def _moved(state: BoardState, event: ev.NoteMoved, placed: bool) -> None:
    """Bookkeeping of work sharing for one move: who has seen it, placed it, touched a packet."""
    by = event.by
    if by is None:  # a viewer's fold of a redacted move
        return
    state.seen_by.setdefault(event.note_id, set()).add(by)
    if placed:
        state.placed_by[by] = state.placed_by.get(by, 0) + 1
    packet_id = state.packet_of_note.get(event.note_id)
    if packet_id is not None:
        packet = state.packets[packet_id]
        if packet.holder == by:
            packet.placed += 1
            if event.at is not None:
                packet.touched_at = event.at


def _packet_assigned(state: BoardState, event: ev.PacketAssigned) -> None:
    state.packets_made += 1
    note_ids = list(event.note_ids or ())
    state.packets[event.packet_id] = Packet(
        event.packet_id, event.holder, note_ids, event.pass_, event.at, event.at
    )
    holder = event.holder
    if holder is None:
        return
    state.packet_of_holder[holder] = event.packet_id
    if holder in state.waiting:
        state.waiting.remove(holder)
    for note_id in note_ids:
        state.packet_of_note[note_id] = event.packet_id
        state.handed_out[note_id] = state.handed_out.get(note_id, 0) + 1
        state.held_by.setdefault(note_id, set()).add(holder)


def _packet_returned(state: BoardState, event: ev.PacketReturned) -> None:
    packet = state.packets.pop(event.packet_id, None)
    if packet is None:
        return
    for note_id in packet.note_ids:
        if state.packet_of_note.get(note_id) == packet.id:
            del state.packet_of_note[note_id]
    holder = packet.holder
    if holder is not None and state.packet_of_holder.get(holder) == packet.id:
        del state.packet_of_holder[holder]
    if event.reason == "done":
        state.packets_done += 1
        if holder is not None:
            state.packets_done_by[holder] = state.packets_done_by.get(holder, 0) + 1
            for note_id in packet.note_ids:
                state.seen_by.setdefault(note_id, set()).add(holder)


def _subset_assigned(state: BoardState, event: ev.SubsetAssigned) -> None:
    if event.participant_id is None or event.candidates is None:
        return
    subset = tuple(event.candidates)
    state.subsets[(event.participant_id, event.criterion)] = subset
    shown = state.subset_shown.setdefault(event.criterion, {})
    pairs = state.subset_pairs.setdefault(event.criterion, {})
    for i, a in enumerate(subset):
        shown[a] = shown.get(a, 0) + 1
        for b in subset[i + 1 :]:
            pair = (a, b) if a < b else (b, a)
            pairs[pair] = pairs.get(pair, 0) + 1
