"""Commands: what a client asks for, parsed from a wire frame and checked for shape.

Parsing refuses a frame that is not of the contract's shape (``bad_request``), of an
unknown type (``unknown_type``) or with a value outside its limits (``invalid``); whether
the command is allowed now is the rules' business (``rules.handle``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .errors import Rejection
from .followup_commands import FOLLOWUP_PARSERS, FollowupCommand  # issue-15

TEXT_MAX = 1000
NAME_MAX = 60
FOLLOWUP_TEXT_MAX = 1000
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
PARKING = "parking"
FOLLOWUP_STATUSES = ("open", "in_progress", "scale", "adapt", "stop", "done")
TIMER_MAX_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class AdvancePhase:
    TYPE: ClassVar[str] = "phase.advance"
    from_phase: str


@dataclass(frozen=True, slots=True)
class SetPrompt:
    TYPE: ClassVar[str] = "prompt.set"
    text: str


@dataclass(frozen=True, slots=True)
class SetTimer:
    TYPE: ClassVar[str] = "timer.set"
    seconds: int


@dataclass(frozen=True, slots=True)
class CreateNote:
    TYPE: ClassVar[str] = "note.create"
    note_id: str
    text: str


@dataclass(frozen=True, slots=True)
class EditNote:
    TYPE: ClassVar[str] = "note.edit"
    note_id: str
    text: str


@dataclass(frozen=True, slots=True)
class DeleteNote:
    TYPE: ClassVar[str] = "note.delete"
    note_id: str


@dataclass(frozen=True, slots=True)
class CreateColumn:
    TYPE: ClassVar[str] = "column.create"
    column_id: str


@dataclass(frozen=True, slots=True)
class MoveNote:
    TYPE: ClassVar[str] = "note.move"
    note_id: str
    #: A column id, ``"parking"``, or ``None`` for back to unsorted.
    column_id: str | None
    index: int


@dataclass(frozen=True, slots=True)
class SubmitRanking:
    TYPE: ClassVar[str] = "ranking.submit"
    criterion: str
    order: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SetFollowup:
    TYPE: ClassVar[str] = "followup.set"
    column_id: str
    owner: str
    next_step: str
    decide_by: str | None
    status: str


@dataclass(frozen=True, slots=True)
class SwapSelection:
    """Move a parked candidate into the selection and a selected one out, with a reason."""

    TYPE: ClassVar[str] = "selection.swap"
    selected: str
    parked: str
    reason: str


@dataclass(frozen=True, slots=True)
class ProposeName:
    """A participant's (or the facilitator's) suggestion for a column's name."""

    TYPE: ClassVar[str] = "column.propose"
    column_id: str
    name: str


@dataclass(frozen=True, slots=True)
class NameColumn:
    """The facilitator decides a column's name (again, to rename it)."""

    TYPE: ClassVar[str] = "column.name"
    column_id: str
    name: str


@dataclass(frozen=True, slots=True)
class DecideSelection:
    """Issue 12: the facilitator settles a statistical tie at the selection cut."""

    TYPE: ClassVar[str] = "selection.decide"
    #: Exactly top_n distinct candidate ids.
    selected: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class RequestPacket:
    """A participant asks for notes to place (or, on the second look, to look over)."""

    TYPE: ClassVar[str] = "packet.request"


@dataclass(frozen=True, slots=True)
class ConfirmPacket:
    """The holder of a review packet says its notes are where they belong."""

    TYPE: ClassVar[str] = "packet.confirm"
    packet_id: str


@dataclass(frozen=True, slots=True)
class ReturnPacket:
    """The holder gives a packet back unfinished; its notes go back to the pool."""

    TYPE: ClassVar[str] = "packet.return"
    packet_id: str


@dataclass(frozen=True, slots=True)
class SwitchPackets:
    """The facilitator switches packets on, off, or back to automatic (``None``)."""

    TYPE: ClassVar[str] = "packets.switch"
    enabled: bool | None


@dataclass(frozen=True, slots=True)
class MergeColumn:
    """The facilitator moves every note of ``source`` to the end of ``target``."""

    TYPE: ClassVar[str] = "column.merge"
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class RequestSubset:
    """A participant asks for the candidates they rank, one subset per criterion."""

    TYPE: ClassVar[str] = "subset.request"


@dataclass(frozen=True, slots=True)
class ReleasePackets:
    """Not a wire command: the server's tick returns idle packets and those of people
    offline (``offline``: participant ids offline long enough). Sent as role ``system``."""

    TYPE: ClassVar[str] = "packets.release"
    now: float
    offline: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Join:
    """Not a wire command: the server issues it for ``POST /api/join``."""

    TYPE: ClassVar[str] = "participant.join"
    participant_id: str
    name: str


Command = (
    AdvancePhase
    | SetPrompt
    | SetTimer
    | CreateNote
    | EditNote
    | DeleteNote
    | CreateColumn
    | MoveNote
    | SubmitRanking
    | SetFollowup
    | SwapSelection
    | ProposeName
    | NameColumn
    | DecideSelection
    | RequestPacket
    | ConfirmPacket
    | ReturnPacket
    | SwitchPackets
    | MergeColumn
    | RequestSubset
    | ReleasePackets
    | Join
    | FollowupCommand  # issue-15
)


def parse_command(frame: Mapping[str, Any]) -> Command:
    """Turn a decoded client frame into a Command, or raise a Rejection."""
    kind = frame.get("type")
    if not isinstance(kind, str):
        raise Rejection("bad_request", "the frame needs a string 'type'")
    parser = _PARSERS.get(kind)
    if parser is None:
        raise Rejection("unknown_type", f"unknown command type {kind[:64]!r}")
    return parser(frame)


def clean_text(value: Any, field: str, limit: int = TEXT_MAX) -> str:
    """Trimmed text of 1..limit characters; the one rule for notes, prompts and names."""
    if not isinstance(value, str):
        raise Rejection("bad_request", f"'{field}' must be a string")
    text = value.strip()
    if not text or all(c.isspace() or unicodedata.category(c) == "Cf" for c in text):
        # only invisible format characters (U+200B zero-width space, U+2060, U+FEFF...)
        raise Rejection("invalid", f"'{field}' is empty")
    if len(text) > limit:
        raise Rejection("invalid", f"'{field}' has {len(text)} characters; at most {limit}")
    if "\x00" in text:
        raise Rejection("invalid", f"'{field}' contains a NUL character")
    return text


def _str(frame: Mapping[str, Any], field: str) -> str:
    value = frame.get(field)
    if not isinstance(value, str):
        raise Rejection("bad_request", f"'{field}' must be a string")
    return value


def _id(frame: Mapping[str, Any], field: str) -> str:
    value = _str(frame, field)
    if not ID_PATTERN.fullmatch(value):
        raise Rejection("invalid", f"'{field}' must be 1 to 64 letters, digits, '-' or '_'")
    return value


def _int(frame: Mapping[str, Any], field: str) -> int:
    value = frame.get(field)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Rejection("bad_request", f"'{field}' must be an integer")
    return value


def _optional_text(frame: Mapping[str, Any], field: str, limit: int) -> str:
    value = frame.get(field, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Rejection("bad_request", f"'{field}' must be a string")
    value = value.strip()
    if len(value) > limit:
        raise Rejection("invalid", f"'{field}' has {len(value)} characters; at most {limit}")
    return value


def _advance(f: Mapping[str, Any]) -> AdvancePhase:
    return AdvancePhase(from_phase=_str(f, "from"))


def _prompt(f: Mapping[str, Any]) -> SetPrompt:
    return SetPrompt(text=clean_text(f.get("text"), "text"))


def _timer(f: Mapping[str, Any]) -> SetTimer:
    seconds = _int(f, "seconds")
    if not 0 <= seconds <= TIMER_MAX_SECONDS:
        raise Rejection("invalid", f"'seconds' must be 0 to {TIMER_MAX_SECONDS}")
    return SetTimer(seconds=seconds)


def _create_note(f: Mapping[str, Any]) -> CreateNote:
    return CreateNote(note_id=_id(f, "note_id"), text=clean_text(f.get("text"), "text"))


def _edit_note(f: Mapping[str, Any]) -> EditNote:
    return EditNote(note_id=_id(f, "note_id"), text=clean_text(f.get("text"), "text"))


def _delete_note(f: Mapping[str, Any]) -> DeleteNote:
    return DeleteNote(note_id=_id(f, "note_id"))


def _create_column(f: Mapping[str, Any]) -> CreateColumn:
    column_id = _id(f, "column_id")
    if column_id == PARKING:
        raise Rejection("invalid", "'parking' is reserved for the parking lot")
    return CreateColumn(column_id=column_id)


def _move_note(f: Mapping[str, Any]) -> MoveNote:
    if "column_id" not in f:
        raise Rejection("bad_request", "'column_id' is required (null moves back to unsorted)")
    column_id = None if f["column_id"] is None else _id(f, "column_id")
    index = _int(f, "index") if "index" in f else 2**31
    if index < 0:
        raise Rejection("invalid", "'index' must not be negative")
    return MoveNote(note_id=_id(f, "note_id"), column_id=column_id, index=index)


def _submit_ranking(f: Mapping[str, Any]) -> SubmitRanking:
    order = f.get("order")
    if not isinstance(order, list) or not all(isinstance(x, str) for x in order):
        raise Rejection("bad_request", "'order' must be a list of column ids")
    if len(order) > 10_000:
        raise Rejection("invalid", "'order' is too long")
    return SubmitRanking(criterion=_str(f, "criterion"), order=tuple(order))


def _followup(f: Mapping[str, Any]) -> SetFollowup:
    decide_by = f.get("decide_by")
    if decide_by is not None:
        if not isinstance(decide_by, str):
            raise Rejection("bad_request", "'decide_by' must be an ISO date string or null")
        try:
            decide_by = datetime.date.fromisoformat(decide_by).isoformat()
        except ValueError:
            raise Rejection("invalid", "'decide_by' must be a date like 2026-12-31") from None
    status = f.get("status", "open")
    if status not in FOLLOWUP_STATUSES:
        raise Rejection("invalid", f"'status' must be one of {', '.join(FOLLOWUP_STATUSES)}")
    return SetFollowup(
        column_id=_id(f, "column_id"),
        owner=_optional_text(f, "owner", NAME_MAX * 2),
        next_step=_optional_text(f, "next_step", FOLLOWUP_TEXT_MAX),
        decide_by=decide_by,
        status=status,
    )


def _swap(f: Mapping[str, Any]) -> SwapSelection:
    return SwapSelection(
        selected=_id(f, "selected"),
        parked=_id(f, "parked"),
        reason=clean_text(f.get("reason"), "reason"),
    )


def _propose(f: Mapping[str, Any]) -> ProposeName:
    return ProposeName(
        column_id=_id(f, "column_id"), name=clean_text(f.get("name"), "name", NAME_MAX)
    )


def _name_column(f: Mapping[str, Any]) -> NameColumn:
    return NameColumn(
        column_id=_id(f, "column_id"), name=clean_text(f.get("name"), "name", NAME_MAX)
    )


def _decide_selection(f: Mapping[str, Any]) -> DecideSelection:
    """Issue 12 (``selection.decide``): whether the ids fit the results is the rules' job."""
    selected = f.get("selected")
    if not isinstance(selected, list) or not all(isinstance(x, str) for x in selected):
        raise Rejection("bad_request", "'selected' must be a list of column ids")
    if not selected or len(selected) > 500:
        raise Rejection("invalid", "'selected' must name 1 to 500 candidates")
    return DecideSelection(
        selected=tuple(_id({"selected": x}, "selected") for x in selected),
        reason=clean_text(f.get("reason"), "reason"),
    )


def _request_packet(f: Mapping[str, Any]) -> RequestPacket:
    return RequestPacket()


def _confirm_packet(f: Mapping[str, Any]) -> ConfirmPacket:
    return ConfirmPacket(packet_id=_id(f, "packet_id"))


def _return_packet(f: Mapping[str, Any]) -> ReturnPacket:
    return ReturnPacket(packet_id=_id(f, "packet_id"))


def _switch_packets(f: Mapping[str, Any]) -> SwitchPackets:
    if "enabled" not in f:
        raise Rejection("bad_request", "'enabled' is required: true, false or null (automatic)")
    enabled = f["enabled"]
    if enabled is not None and not isinstance(enabled, bool):
        raise Rejection("bad_request", "'enabled' must be true, false or null (automatic)")
    return SwitchPackets(enabled=enabled)


def _merge_column(f: Mapping[str, Any]) -> MergeColumn:
    return MergeColumn(source=_id(f, "source"), target=_id(f, "target"))


def _request_subset(f: Mapping[str, Any]) -> RequestSubset:
    return RequestSubset()


def name_key(name: str) -> str:
    """What makes two proposed names the same: case and runs of spaces do not count."""
    return " ".join(name.split()).casefold()


_PARSERS: dict[str, Callable[[Mapping[str, Any]], Command]] = {
    AdvancePhase.TYPE: _advance,
    SetPrompt.TYPE: _prompt,
    SetTimer.TYPE: _timer,
    CreateNote.TYPE: _create_note,
    EditNote.TYPE: _edit_note,
    DeleteNote.TYPE: _delete_note,
    CreateColumn.TYPE: _create_column,
    MoveNote.TYPE: _move_note,
    SubmitRanking.TYPE: _submit_ranking,
    SetFollowup.TYPE: _followup,
    SwapSelection.TYPE: _swap,
    ProposeName.TYPE: _propose,
    NameColumn.TYPE: _name_column,
    # Issue 12, ranking helper:
    DecideSelection.TYPE: _decide_selection,
    RequestPacket.TYPE: _request_packet,
    ConfirmPacket.TYPE: _confirm_packet,
    ReturnPacket.TYPE: _return_packet,
    SwitchPackets.TYPE: _switch_packets,
    MergeColumn.TYPE: _merge_column,
    RequestSubset.TYPE: _request_subset,
    **FOLLOWUP_PARSERS,  # issue-15
}
