"""Issue 15: the follow-up loop as the reports carry it (``report["followup_history"]``).

Built from ``state.loop`` (games/followup_state.py): proof of value, measures with their
targets and values, the status history, decisions with reasons, what became of each
parked item, and the boards started from parked items (waiting loops). Nothing here
names a person but the steering owner the facilitator typed in, so it is the same for
every viewer. Server times (``at``) are ISO in the board's time zone; the dates the
facilitator entered (``on``, ``start``, ``end``, ``decide_on``) stay ``yyyy-mm-dd``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gamestorm.games import BoardState
from gamestorm.games.followup import carried, fate, parked

When = Callable[[float | None], str | None]


def followup_history(state: BoardState, names: dict[str, str], when: When) -> dict[str, Any]:
    """The history of the follow-up loop, in the shape docs/exports.md describes."""
    results = state.results
    places = {c["column_id"]: c["place"] for c in results["candidates"]} if results else {}
    loop = state.loop
    followed = set(state.selected) | set(loop.items)
    order = sorted(followed, key=lambda c: (places.get(c) or 10**9, c))  # in place order
    items = [_item(state, cid, names, places, when) for cid in order] if results else []
    moved = carried(state)
    parked_items = []
    for cid in parked(state):
        declined = loop.declined.get(cid)
        taken = loop.items.get(cid, {}).get("taken_up")
        record = declined or taken
        parked_items.append(
            {
                "column_id": cid,
                "name": names.get(cid, cid),
                "place": places.get(cid),
                "fate": _parked_fate(cid, loop.items, loop.declined, moved),
                "reason": record["reason"] if record else None,
                "at": when(record["at"]) if record else None,
                "board_id": moved.get(cid),
            }
        )
    return {
        "items": items,
        "parked": parked_items,
        "waiting_loops": [
            {
                "board_id": w["board_id"],
                "title": w["title"],
                "column_ids": list(w["column_ids"]),
                "column_names": [names.get(c, c) for c in w["column_ids"]],
                "at": when(w["at"]),
            }
            for w in loop.waiting_loops
        ],
        "decision_dates": [
            {"column_id": i["column_id"], "name": i["name"], "decide_on": i["decide_on"]}
            for i in items
            if i["decide_on"]
        ],
    }


def _parked_fate(
    cid: str, items: dict[str, Any], declined: dict[str, Any], moved: dict[str, str]
) -> str:
    if cid in items:
        return "taken_up"
    if cid in declined:
        return "declined"
    return "waiting_loop" if cid in moved else "waiting"


def _item(
    state: BoardState,
    cid: str,
    names: dict[str, str],
    places: dict[str, Any],
    when: When,
) -> dict[str, Any]:
    raw = state.loop.items.get(cid)
    plan = raw["plan"] if raw else None
    taken = raw["taken_up"] if raw else None
    return {
        "column_id": cid,
        "name": names.get(cid, cid),
        "place": places.get(cid),
        "origin": raw["origin"] if raw else "selected",
        "selected_now": cid in state.selected,
        "fate": fate(state, cid),
        "taken_up": {"reason": taken["reason"], "at": when(taken["at"])} if taken else None,
        "proof_of_value": {**plan, "at": when(plan["at"])} if plan else None,
        "decide_on": plan["decide_on"] if plan else None,
        "measures": [
            {
                "measure_id": m["measure_id"],
                "kind": m["kind"],
                "label": m["label"],
                "target": m["target"],
                "unit": m["unit"],
                "values": [{**v, "at": when(v["at"])} for v in m["values"]],
            }
            for m in (raw["measures"] if raw else [])
        ],
        "statuses": [{**s, "at": when(s["at"])} for s in (raw["statuses"] if raw else [])],
        "decisions": [{**d, "at": when(d["at"])} for d in (raw["decisions"] if raw else [])],
    }
