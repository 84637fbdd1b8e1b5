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
    match event:
        case ev.ParticipantJoined():
            state.participants[event.participant_id] = Participant(
                event.participant_id, event.name, "participant", event.at
            )
        case ev.PromptSet():
            state.prompt = event.text
        case ev.PhaseChanged():
            state.phase_index = event.index
            state.phase_log.append((event.phase, event.at))
            if state.phase.type == "rank":
                state.candidates = tuple(state.columns)
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
            state.note_list(note.column).remove(event.note_id)
            note.column = event.column_id
            state.note_list(event.column_id).insert(event.index, event.note_id)
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
        case ev.BoardCreated():
            raise ValueError("board.created can only start a log")


# --- Issue 12, ranking helper ---


def _apply_selection_decided(state: BoardState, event: ev.SelectionDecided) -> None:
    """The decision replaces the selection (swaps before it are superseded; later swaps
    change it again)."""
    state.selected = list(event.selected)
    state.decision = {"selected": list(event.selected), "reason": event.reason, "at": event.at}
