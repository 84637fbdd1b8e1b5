"""Issue 15, the follow-up loop: the commands a facilitator sends after close.

Each command is parsed and checked for shape here (lengths, ISO dates, finite numbers,
known words); whether it may happen now is the business of ``games.followup``. The
facilitator may record follow-up only on a closed board, so the game itself is never
reopened (``phases.COMMAND_KINDS`` gives every command here the closing kind).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .errors import Rejection

#: What a measure of a proof of value is about (seed 002: time, quality, revenue, CO2, TCO).
MEASURE_KINDS = ("time", "quality", "revenue", "co2", "tco", "other")
#: The status words of a proof of value over time.
POV_STATUSES = ("planned", "running", "paused", "done")
#: What the partners decide on the decision date.
DECISIONS = ("scale", "adapt", "stop")
SHORT_MAX = 120
UNIT_MAX = 20
LONG_MAX = 1000
#: Numbers beyond this are typing mistakes, not measurements (and keep JSON exact).
NUMBER_MAX = 1e15


@dataclass(frozen=True, slots=True)
class PlanProof:
    """Where, when and by whom a selected (or taken-up) item is proven, and the decision date."""

    TYPE: ClassVar[str] = "followup.plan"
    column_id: str
    place: str
    area: str
    customer: str
    start: str | None
    end: str | None
    steering: str
    decide_on: str | None


@dataclass(frozen=True, slots=True)
class SetMeasure:
    """A measure that shows whether the item works, with its target (set again to change)."""

    TYPE: ClassVar[str] = "followup.measure"
    column_id: str
    measure_id: str
    measure_kind: str
    label: str
    target: float
    unit: str


@dataclass(frozen=True, slots=True)
class RecordValue:
    """A value of a measure, measured on a date."""

    TYPE: ClassVar[str] = "followup.record"
    column_id: str
    measure_id: str
    value: float
    on: str
    note: str


@dataclass(frozen=True, slots=True)
class UpdateStatus:
    """A dated note and a status word: how the proof of value is going."""

    TYPE: ClassVar[str] = "followup.status"
    column_id: str
    status: str
    note: str
    on: str


@dataclass(frozen=True, slots=True)
class RecordDecision:
    """The partners' decision at the decision date: scale, adapt or stop, with a reason."""

    TYPE: ClassVar[str] = "followup.decide"
    column_id: str
    decision: str
    reason: str
    on: str


@dataclass(frozen=True, slots=True)
class TakeUp:
    """A parked item is taken up after all: it gets a proof of value like a selected one."""

    TYPE: ClassVar[str] = "followup.take_up"
    column_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Decline:
    """A parked item is declined with a reason: a clearly stated no is an answer too."""

    TYPE: ClassVar[str] = "followup.decline"
    column_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class LinkWaitingLoop:
    """Not a wire command: the server issues it once it has created a new board from the
    parked items of this one (``POST /api/boards`` with ``from_board``)."""

    TYPE: ClassVar[str] = "followup.waiting_loop"
    board_id: str
    title: str
    column_ids: tuple[str, ...]


FollowupCommand = (
    PlanProof
    | SetMeasure
    | RecordValue
    | UpdateStatus
    | RecordDecision
    | TakeUp
    | Decline
    | LinkWaitingLoop
)
FOLLOWUP_COMMANDS = (
    PlanProof,
    SetMeasure,
    RecordValue,
    UpdateStatus,
    RecordDecision,
    TakeUp,
    Decline,
    LinkWaitingLoop,
)


def _text(frame: Mapping[str, Any], field: str, limit: int, required: bool) -> str:
    from .commands import _optional_text, clean_text  # commands imports this module

    if required:
        return clean_text(frame.get(field), field, limit)
    text = _optional_text(frame, field, limit)
    if "\x00" in text:
        raise Rejection("invalid", f"'{field}' contains a NUL character")
    return text


def _column(frame: Mapping[str, Any], field: str = "column_id") -> str:
    from .commands import _id

    return _id(frame, field)


def iso_date(frame: Mapping[str, Any], field: str, required: bool) -> str | None:
    """A calendar date ``yyyy-mm-dd`` (the form a date input sends), or None if allowed."""
    value = frame.get(field)
    if value is None or value == "":
        if required:
            raise Rejection("invalid", f"'{field}' is required: a date like 2027-01-31")
        return None
    if not isinstance(value, str):
        raise Rejection("bad_request", f"'{field}' must be a date string like 2027-01-31")
    if len(value) != 10:
        raise Rejection("invalid", f"'{field}' must be a date like 2027-01-31")
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise Rejection("invalid", f"'{field}' must be a date like 2027-01-31") from None


def _number(frame: Mapping[str, Any], field: str) -> float:
    value = frame.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Rejection("bad_request", f"'{field}' must be a number")
    number = float(value)
    if not math.isfinite(number) or abs(number) > NUMBER_MAX:
        raise Rejection("invalid", f"'{field}' must be a finite number of at most {NUMBER_MAX:g}")
    return number


def _word(frame: Mapping[str, Any], field: str, words: tuple[str, ...]) -> str:
    value = frame.get(field)
    if value not in words:
        raise Rejection("invalid", f"'{field}' must be one of {', '.join(words)}")
    return str(value)


def _plan(f: Mapping[str, Any]) -> PlanProof:
    start = iso_date(f, "start", required=False)
    end = iso_date(f, "end", required=False)
    if start is not None and end is not None and end < start:
        raise Rejection("invalid", f"'end' ({end}) is before 'start' ({start})")
    return PlanProof(
        column_id=_column(f),
        place=_text(f, "place", SHORT_MAX, required=False),
        area=_text(f, "area", SHORT_MAX, required=False),
        customer=_text(f, "customer", SHORT_MAX, required=False),
        start=start,
        end=end,
        steering=_text(f, "steering", SHORT_MAX, required=False),
        decide_on=iso_date(f, "decide_on", required=False),
    )


def _measure(f: Mapping[str, Any]) -> SetMeasure:
    return SetMeasure(
        column_id=_column(f),
        measure_id=_column(f, "measure_id"),
        measure_kind=_word(f, "measure_kind", MEASURE_KINDS),
        label=_text(f, "label", SHORT_MAX, required=True),
        target=_number(f, "target"),
        unit=_text(f, "unit", UNIT_MAX, required=False),
    )


def _record(f: Mapping[str, Any]) -> RecordValue:
    on = iso_date(f, "on", required=True)
    assert on is not None
    return RecordValue(
        column_id=_column(f),
        measure_id=_column(f, "measure_id"),
        value=_number(f, "value"),
        on=on,
        note=_text(f, "note", LONG_MAX, required=False),
    )


def _status(f: Mapping[str, Any]) -> UpdateStatus:
    on = iso_date(f, "on", required=True)
    assert on is not None
    return UpdateStatus(
        column_id=_column(f),
        status=_word(f, "status", POV_STATUSES),
        note=_text(f, "note", LONG_MAX, required=True),
        on=on,
    )


def _decide(f: Mapping[str, Any]) -> RecordDecision:
    on = iso_date(f, "on", required=True)
    assert on is not None
    return RecordDecision(
        column_id=_column(f),
        decision=_word(f, "decision", DECISIONS),
        reason=_text(f, "reason", LONG_MAX, required=True),
        on=on,
    )


def _take_up(f: Mapping[str, Any]) -> TakeUp:
    return TakeUp(column_id=_column(f), reason=_text(f, "reason", LONG_MAX, required=False))


def _decline(f: Mapping[str, Any]) -> Decline:
    return Decline(column_id=_column(f), reason=_text(f, "reason", LONG_MAX, required=True))


#: The wire parsers (``followup.waiting_loop`` is the server's own: not here).
FOLLOWUP_PARSERS: dict[str, Callable[[Mapping[str, Any]], FollowupCommand]] = {
    PlanProof.TYPE: _plan,
    SetMeasure.TYPE: _measure,
    RecordValue.TYPE: _record,
    UpdateStatus.TYPE: _status,
    RecordDecision.TYPE: _decide,
    TakeUp.TYPE: _take_up,
    Decline.TYPE: _decline,
}
