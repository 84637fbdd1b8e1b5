"""Events: what happened to a board, in the past tense. The log of events is the board.

Every event is a small frozen dataclass; ``to_dict`` gives its stored and wire form
(``{"kind": ..., **fields}``) and ``from_dict`` reads it back. A field added to an event
later gets a default, and ``from_dict`` uses it for logs written before the field existed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class BoardCreated:
    KIND: ClassVar[str] = "board.created"
    board_id: str
    title: str
    game: dict[str, Any]
    prompt: str | None
    anonymous: bool
    criteria: list[str]
    top_n: int
    facilitator_id: str
    facilitator_name: str
    at: float
    #: The board's language for exports ("en" or "de"); logs before it have none: "en".
    language: str = "en"
    #: IANA time zone the exports show local times in; logs before it have none: "UTC".
    timezone: str = "UTC"
    #: Work sharing options (``creation.SHARING_DEFAULTS``, all filled in); ``None``: a
    #: log written before packets and subsets existed (sharing off, the old column cap).
    sharing: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ParticipantJoined:
    KIND: ClassVar[str] = "participant.joined"
    participant_id: str
    name: str
    at: float


@dataclass(frozen=True, slots=True)
class PromptSet:
    KIND: ClassVar[str] = "prompt.set"
    text: str


@dataclass(frozen=True, slots=True)
class PhaseChanged:
    KIND: ClassVar[str] = "phase.changed"
    previous: str
    phase: str
    index: int
    at: float


@dataclass(frozen=True, slots=True)
class NoteCreated:
    KIND: ClassVar[str] = "note.created"
    note_id: str
    author: str
    text: str
    #: Written in a private phase: the text reaches only its author until revealed.
    private: bool
    at: float


@dataclass(frozen=True, slots=True)
class NoteEdited:
    KIND: ClassVar[str] = "note.edited"
    note_id: str
    author: str
    text: str
    private: bool


@dataclass(frozen=True, slots=True)
class NoteDeleted:
    KIND: ClassVar[str] = "note.deleted"
    note_id: str
    author: str


@dataclass(frozen=True, slots=True)
class NotesRevealed:
    KIND: ClassVar[str] = "notes.revealed"
    #: ``[{"note_id", "text", "author"}]`` in creation order.
    notes: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ColumnCreated:
    KIND: ClassVar[str] = "column.created"
    column_id: str
    number: int
    by: str


@dataclass(frozen=True, slots=True)
class NoteMoved:
    KIND: ClassVar[str] = "note.moved"
    note_id: str
    column_id: str | None
    index: int
    by: str
    #: When it was moved (the rules see when a packet's holder last touched it); old
    #: logs have none.
    at: float | None = None


@dataclass(frozen=True, slots=True)
class ColumnsDropped:
    KIND: ClassVar[str] = "columns.dropped"
    column_ids: list[str]


@dataclass(frozen=True, slots=True)
class RankingSubmitted:
    KIND: ClassVar[str] = "ranking.submitted"
    participant_id: str
    criterion: str
    order: list[str]
    #: The board's ranking counts once this order is in (``ranking_counts``), so every
    #: viewer can show progress on anonymous boards, where ``participant_id`` is hidden;
    #: None in logs written before it.
    counts: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ResultsComputed:
    KIND: ClassVar[str] = "results.computed"
    #: ``ranking.Results.to_dict()``: candidates in place order, agreement, orders.
    results: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FollowupSet:
    KIND: ClassVar[str] = "followup.set"
    column_id: str
    owner: str
    next_step: str
    decide_by: str | None
    status: str


@dataclass(frozen=True, slots=True)
class SelectionSwapped:
    KIND: ClassVar[str] = "selection.swapped"
    #: Was selected, now parked.
    selected: str
    #: Was parked, now selected.
    parked: str
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class ColumnNameProposed:
    KIND: ClassVar[str] = "column.name_proposed"
    column_id: str
    name: str
    #: Who proposed it; on anonymous boards only the proposer sees this (redaction).
    by: str | None
    at: float


@dataclass(frozen=True, slots=True)
class ColumnNamed:
    KIND: ClassVar[str] = "column.named"
    column_id: str
    name: str
    #: The facilitator; hidden like every ``by`` on anonymous boards.
    by: str | None


@dataclass(frozen=True, slots=True)
class SelectionDecided:
    """Issue 12: the facilitator's decision of a statistical tie at the cut."""

    KIND: ClassVar[str] = "selection.decided"
    #: The selection as decided, in place order.
    selected: list[str]
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class PacketsSwitched:
    """The facilitator switched sorting packets on, off, or back to automatic (None)."""

    KIND: ClassVar[str] = "packets.switched"
    enabled: bool | None
    by: str | None


@dataclass(frozen=True, slots=True)
class PacketAssigned:
    """A packet of notes handed to one participant to place (``sort``) or look over
    (``review``). Only the holder sees ``holder`` and ``note_ids``."""

    KIND: ClassVar[str] = "packet.assigned"
    packet_id: str
    holder: str | None
    note_ids: list[str] | None
    #: ``"sort"`` or ``"review"``; on the wire ``pass``.
    pass_: str
    size: int
    at: float


@dataclass(frozen=True, slots=True)
class PacketReturned:
    """A packet closed: done, idle, its holder left, given back, or packets switched off."""

    KIND: ClassVar[str] = "packet.returned"
    packet_id: str
    holder: str | None
    reason: str
    #: How many of its notes the holder placed (moved) while holding it.
    placed: int
    at: float


@dataclass(frozen=True, slots=True)
class PacketRequested:
    """A participant asked for a packet when none was free: they wait for the next
    notes given back. Only they see ``participant_id``."""

    KIND: ClassVar[str] = "packet.requested"
    participant_id: str | None
    at: float


@dataclass(frozen=True, slots=True)
class ColumnMerged:
    """Every note of ``source`` appended, in order, to ``target``; ``source`` is gone."""

    KIND: ClassVar[str] = "column.merged"
    source: str
    target: str
    note_ids: list[str]
    by: str | None


@dataclass(frozen=True, slots=True)
class SubsetAssigned:
    """The candidates one participant ranks for one criterion (only they see which)."""

    KIND: ClassVar[str] = "subset.assigned"
    participant_id: str | None
    criterion: str
    candidates: list[str] | None


# --- issue-15: the follow-up loop (games/followup.py); "at" is the server's time ---


@dataclass(frozen=True, slots=True)
class FollowupPlanned:
    """The proof of value of an item: where it runs, over which period, who steers it,
    and the date on which the partners decide. Each plan replaces the one before."""

    KIND: ClassVar[str] = "followup.planned"
    column_id: str
    place: str
    area: str
    customer: str
    start: str | None
    end: str | None
    steering: str
    decide_on: str | None
    at: float


@dataclass(frozen=True, slots=True)
class FollowupMeasureSet:
    """A measure of an item's proof of value and its target (again: changed)."""

    KIND: ClassVar[str] = "followup.measure_set"
    column_id: str
    measure_id: str
    measure_kind: str
    label: str
    target: float
    unit: str
    at: float


@dataclass(frozen=True, slots=True)
class FollowupValueRecorded:
    KIND: ClassVar[str] = "followup.value_recorded"
    column_id: str
    measure_id: str
    value: float
    #: The day it was measured (``yyyy-mm-dd``).
    on: str
    note: str
    at: float


@dataclass(frozen=True, slots=True)
class FollowupStatusUpdated:
    KIND: ClassVar[str] = "followup.status_updated"
    column_id: str
    status: str
    note: str
    on: str
    at: float


@dataclass(frozen=True, slots=True)
class FollowupDecided:
    KIND: ClassVar[str] = "followup.decided"
    column_id: str
    decision: str
    reason: str
    on: str
    at: float


@dataclass(frozen=True, slots=True)
class FollowupTakenUp:
    KIND: ClassVar[str] = "followup.taken_up"
    column_id: str
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class FollowupDeclined:
    KIND: ClassVar[str] = "followup.declined"
    column_id: str
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class FollowupWaitingLoop:
    """A new board was started from parked items of this one (the "waiting loop")."""

    KIND: ClassVar[str] = "followup.waiting_loop"
    board_id: str
    title: str
    column_ids: list[str]
    at: float


FollowupEvent = (
    FollowupPlanned
    | FollowupMeasureSet
    | FollowupValueRecorded
    | FollowupStatusUpdated
    | FollowupDecided
    | FollowupTakenUp
    | FollowupDeclined
    | FollowupWaitingLoop
)
FOLLOWUP_EVENTS = (
    FollowupPlanned,
    FollowupMeasureSet,
    FollowupValueRecorded,
    FollowupStatusUpdated,
    FollowupDecided,
    FollowupTakenUp,
    FollowupDeclined,
    FollowupWaitingLoop,
)


# --- end issue-15 ---
# issue-13: the phase timer as an event (was kept in the room's memory)
@dataclass(frozen=True, slots=True)
class TimerSet:
    """The facilitator set (``seconds`` > 0) or cleared (0) the phase timer; public.

    ``ends_at`` is ``now + seconds`` as the server decided it, so every process and
    every replay shows the same end. A phase change clears it without an event.
    """

    KIND: ClassVar[str] = "timer.set"
    ends_at: float
    seconds: int


Event = (
    BoardCreated
    | ParticipantJoined
    | PromptSet
    | PhaseChanged
    | NoteCreated
    | NoteEdited
    | NoteDeleted
    | NotesRevealed
    | ColumnCreated
    | NoteMoved
    | ColumnsDropped
    | RankingSubmitted
    | ResultsComputed
    | FollowupSet
    | SelectionSwapped
    | ColumnNameProposed
    | ColumnNamed
    | SelectionDecided
    | PacketsSwitched
    | PacketAssigned
    | PacketReturned
    | PacketRequested
    | ColumnMerged
    | SubsetAssigned
    | FollowupEvent  # issue-15
    | TimerSet  # issue-13
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.KIND: cls
    for cls in (
        BoardCreated,
        ParticipantJoined,
        PromptSet,
        PhaseChanged,
        NoteCreated,
        NoteEdited,
        NoteDeleted,
        NotesRevealed,
        ColumnCreated,
        NoteMoved,
        ColumnsDropped,
        RankingSubmitted,
        ResultsComputed,
        FollowupSet,
        SelectionSwapped,
        ColumnNameProposed,
        ColumnNamed,
        SelectionDecided,
        PacketsSwitched,
        PacketAssigned,
        PacketReturned,
        PacketRequested,
        ColumnMerged,
        SubsetAssigned,
        *FOLLOWUP_EVENTS,  # issue-15
        TimerSet,  # issue-13
    )
}

_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in EVENT_TYPES.values()
}

#: Fields with a default: they may be absent from events stored before they were added.
_OPTIONAL: dict[type, frozenset[str]] = {
    cls: frozenset(
        f.name for f in fields(cls) if f.default is not MISSING or f.default_factory is not MISSING
    )
    for cls in EVENT_TYPES.values()
}


def _wire_name(name: str) -> str:
    """A field named after a Python keyword ends in ``_`` (``pass_``); the wire drops it."""
    return name[:-1] if name.endswith("_") else name


_WIRE: dict[type, tuple[tuple[str, str], ...]] = {
    cls: tuple((name, _wire_name(name)) for name in names) for cls, names in _FIELDS.items()
}


def to_dict(event: Event) -> dict[str, Any]:
    """The stored and wire form of an event (before redaction)."""
    data: dict[str, Any] = {"kind": event.KIND}
    for name, wire in _WIRE[type(event)]:
        data[wire] = getattr(event, name)
    return data


def from_dict(data: Mapping[str, Any]) -> Event:
    """Read back an event written by ``to_dict``, also by an older version without the
    fields added since (those take their defaults); a required field missing is a KeyError."""
    cls = EVENT_TYPES[data["kind"]]
    optional = _OPTIONAL[cls]
    return cls(
        **{name: data[wire] for name, wire in _WIRE[cls] if wire in data or name not in optional}
    )
