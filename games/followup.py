"""Issue 15, the follow-up loop: after close the board goes on recording what follows.

For each selected item (or a parked one taken up later) a proof of value as the seeds
lay it out: where it runs, over which period, the measures that show whether it works
(each with a target and values measured later), who steers it, the date on which the
partners decide; dated status updates; and decisions (scale, adapt, stop) with reasons.
A parked item is taken up or declined with a reason. Every change is an event.

The game itself never reopens: these commands are accepted only in a ``close`` phase with
results, and the rules refuse every opening or exploring command there as before.
Follow-up is the facilitator's alone. The dates (``on``, ``start``...) are the ones the
facilitator enters; ``at`` is the server's clock (``now``), passed in.
"""

from __future__ import annotations

from typing import Any

from . import events as ev
from .errors import Rejection
from .followup_commands import (
    Decline,
    FollowupCommand,
    LinkWaitingLoop,
    PlanProof,
    RecordDecision,
    RecordValue,
    SetMeasure,
    TakeUp,
    UpdateStatus,
)
from .state import BoardState

MAX_MEASURES = 20
MAX_VALUES = 500
MAX_ENTRIES = 500
MAX_WAITING_LOOPS = 50


def check_open(state: BoardState, command_type: str) -> None:
    """Follow-up belongs to a closed board with results (and only there)."""
    if state.phase.type != "close" or state.results is None:
        raise Rejection(
            "phase_forbids",
            f"{command_type} is follow-up after close; the board is in '{state.phase.id}'",
        )


def parked(state: BoardState) -> list[str]:
    """Ranked candidates not selected, in place order."""
    if state.results is None:
        return []
    places = [c["column_id"] for c in state.results["candidates"]]
    return [c for c in places if c not in state.selected]


def carried(state: BoardState) -> dict[str, str]:
    """Parked column id -> the id of the new board a waiting loop carried it to."""
    return {c: w["board_id"] for w in state.loop.waiting_loops for c in w["column_ids"]}


def waiting(state: BoardState) -> list[str]:
    """Parked items still waiting: not taken up, declined or carried to a new board."""
    loop, moved = state.loop, carried(state)
    return [
        c
        for c in parked(state)
        if c not in loop.items and c not in loop.declined and c not in moved
    ]


def followed(state: BoardState, column_id: str) -> bool:
    """Selected now, taken up, or followed before (a swap keeps its history open)."""
    return column_id in state.selected or column_id in state.loop.items


def handle(state: BoardState, command: FollowupCommand, now: float) -> list[ev.Event]:
    """The events a follow-up command makes (role and phase already checked)."""
    match command:
        case PlanProof():
            _followed(state, command.column_id)
            return [
                ev.FollowupPlanned(
                    command.column_id,
                    command.place,
                    command.area,
                    command.customer,
                    command.start,
                    command.end,
                    command.steering,
                    command.decide_on,
                    now,
                )
            ]
        case SetMeasure():
            item = _followed(state, command.column_id)
            known = state.loop.measure(command.column_id, command.measure_id)
            if known is None and item is not None and len(item["measures"]) >= MAX_MEASURES:
                raise Rejection("invalid", f"at most {MAX_MEASURES} measures per item")
            return [
                ev.FollowupMeasureSet(
                    command.column_id,
                    command.measure_id,
                    command.measure_kind,
                    command.label,
                    command.target,
                    command.unit,
                    now,
                )
            ]
        case RecordValue():
            _followed(state, command.column_id)
            measure = state.loop.measure(command.column_id, command.measure_id)
            if measure is None:
                raise Rejection(
                    "not_found",
                    f"no measure {command.measure_id!r} for {command.column_id!r}; "
                    "set it first (followup.measure)",
                )
            if len(measure["values"]) >= MAX_VALUES:
                raise Rejection("invalid", f"at most {MAX_VALUES} values per measure")
            return [
                ev.FollowupValueRecorded(
                    command.column_id,
                    command.measure_id,
                    command.value,
                    command.on,
                    command.note,
                    now,
                )
            ]
        case UpdateStatus():
            item = _followed(state, command.column_id)
            _room(item, "statuses")
            return [
                ev.FollowupStatusUpdated(
                    command.column_id, command.status, command.note, command.on, now
                )
            ]
        case RecordDecision():
            item = _followed(state, command.column_id)
            _room(item, "decisions")
            return [
                ev.FollowupDecided(
                    command.column_id, command.decision, command.reason, command.on, now
                )
            ]
        case TakeUp():
            _parked(state, command.column_id)
            if command.column_id in state.loop.items:
                raise Rejection("invalid", f"{command.column_id!r} is taken up already")
            return [ev.FollowupTakenUp(command.column_id, command.reason, now)]
        case Decline():
            _parked(state, command.column_id)
            if command.column_id in state.loop.items:
                raise Rejection(
                    "invalid",
                    f"{command.column_id!r} is taken up; stop it with a decision "
                    "(followup.decide, 'stop') instead",
                )
            known = state.loop.declined.get(command.column_id)
            if known is not None and known["reason"] == command.reason:
                return []
            return [ev.FollowupDeclined(command.column_id, command.reason, now)]
        case LinkWaitingLoop():
            if len(state.loop.waiting_loops) >= MAX_WAITING_LOOPS:
                raise Rejection("invalid", f"at most {MAX_WAITING_LOOPS} waiting loops a board")
            unknown = [c for c in command.column_ids if c not in parked(state)]
            if unknown or not command.column_ids:
                raise Rejection("not_found", "a waiting loop starts from parked items only")
            return [
                ev.FollowupWaitingLoop(
                    command.board_id, command.title, list(command.column_ids), now
                )
            ]
    raise Rejection("unknown_type", "no rule for this follow-up command")  # pragma: no cover


def _followed(state: BoardState, column_id: str) -> dict[str, Any] | None:
    if column_id not in state.candidates:
        raise Rejection("not_found", f"no ranked candidate {column_id!r}")
    if not followed(state, column_id):
        raise Rejection(
            "invalid",
            f"{column_id!r} is parked; take it up first (followup.take_up) to follow it up",
        )
    return state.loop.items.get(column_id)


def _parked(state: BoardState, column_id: str) -> None:
    if column_id not in state.candidates:
        raise Rejection("not_found", f"no ranked candidate {column_id!r}")
    if column_id in state.selected:
        raise Rejection("invalid", f"{column_id!r} is selected, not parked")


def _room(item: dict[str, Any] | None, key: str) -> None:
    if item is not None and len(item[key]) >= MAX_ENTRIES:
        raise Rejection("invalid", f"at most {MAX_ENTRIES} {key} per item")


def fate(state: BoardState, column_id: str) -> str:
    """One word for where an item stands now: the last decision, else the last status,
    else selected / taken_up / declined / parked."""
    item = state.loop.items.get(column_id)
    if item is not None:
        if item["decisions"]:
            return str(item["decisions"][-1]["decision"])
        if item["statuses"]:
            return str(item["statuses"][-1]["status"])
        return "taken_up" if item["origin"] == "taken_up" else "selected"
    if column_id in state.loop.declined:
        return "declined"
    if column_id in carried(state):
        return "waiting_loop"
    return "selected" if column_id in state.selected else "parked"
