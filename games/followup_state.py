"""Issue 15: what the follow-up loop has recorded so far, folded from its events.

Kept apart from ``state.py`` so the loop is one small thing: ``FollowupLoop`` holds plain
JSON-like dicts, so the snapshot, the exports and the client read one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import events as ev


def new_item(column_id: str, origin: str) -> dict[str, Any]:
    """An item under follow-up: a selected column, or a parked one taken up."""
    return {
        "column_id": column_id,
        #: "selected" or "taken_up".
        "origin": origin,
        "taken_up": None,
        "plan": None,
        "plans": 0,
        "measures": [],
        "statuses": [],
        "decisions": [],
    }


@dataclass(slots=True)
class FollowupLoop:
    #: Column id -> its item, in the order follow-up began.
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Parked column id -> ``{"reason", "at"}``: declined, with a reason.
    declined: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: ``{"board_id", "title", "column_ids", "at"}`` for each new board from parked items.
    waiting_loops: list[dict[str, Any]] = field(default_factory=list)

    def item(self, column_id: str, origin: str = "selected") -> dict[str, Any]:
        if column_id not in self.items:
            self.items[column_id] = new_item(column_id, origin)
        return self.items[column_id]

    def measure(self, column_id: str, measure_id: str) -> dict[str, Any] | None:
        item = self.items.get(column_id)
        if item is None:
            return None
        return next((m for m in item["measures"] if m["measure_id"] == measure_id), None)

    def to_wire(self) -> dict[str, Any]:
        """The loop as the snapshot carries it (the same for every viewer: no authors)."""
        return {
            "items": [_copy(i) for i in self.items.values()],
            "declined": {k: dict(v) for k, v in self.declined.items()},
            "waiting_loops": [_copy(w) for w in self.waiting_loops],
        }


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def apply_followup(loop: FollowupLoop, event: ev.FollowupEvent) -> None:
    """Change the loop by one of its events."""
    match event:
        case ev.FollowupPlanned():
            item = loop.item(event.column_id)
            item["plan"] = {
                "place": event.place,
                "area": event.area,
                "customer": event.customer,
                "start": event.start,
                "end": event.end,
                "steering": event.steering,
                "decide_on": event.decide_on,
                "at": event.at,
            }
            item["plans"] += 1
        case ev.FollowupMeasureSet():
            item = loop.item(event.column_id)
            measure = loop.measure(event.column_id, event.measure_id)
            if measure is None:
                measure = {"measure_id": event.measure_id, "values": []}
                item["measures"].append(measure)
            measure.update(
                kind=event.measure_kind,
                label=event.label,
                target=event.target,
                unit=event.unit,
                at=event.at,
            )
        case ev.FollowupValueRecorded():
            measure = loop.measure(event.column_id, event.measure_id)
            if measure is not None:
                measure["values"].append(
                    {"value": event.value, "on": event.on, "note": event.note, "at": event.at}
                )
        case ev.FollowupStatusUpdated():
            loop.item(event.column_id)["statuses"].append(
                {"status": event.status, "note": event.note, "on": event.on, "at": event.at}
            )
        case ev.FollowupDecided():
            loop.item(event.column_id)["decisions"].append(
                {"decision": event.decision, "reason": event.reason, "on": event.on, "at": event.at}
            )
        case ev.FollowupTakenUp():
            loop.declined.pop(event.column_id, None)
            item = loop.item(event.column_id, origin="taken_up")
            item["origin"] = "taken_up"
            item["taken_up"] = {"reason": event.reason, "at": event.at}
        case ev.FollowupDeclined():
            loop.declined[event.column_id] = {"reason": event.reason, "at": event.at}
        case ev.FollowupWaitingLoop():
            loop.waiting_loops.append(
                {
                    "board_id": event.board_id,
                    "title": event.title,
                    "column_ids": list(event.column_ids),
                    "at": event.at,
                }
            )
