"""What each viewer may see of an event or of the whole board.

The rules of privacy (PROTOCOL.md) need at most two variants of any event: the one its
owner sees (the author of a note, the sender of a ranking, the mover on an anonymous
board) and the one everyone else sees, the facilitator included. So the server encodes
each event at most twice, however many clients a board has.

- A note written in a private phase (``generate``) shows its text to its author only,
  until ``notes.revealed``.
- On anonymous boards the author of a note, and who moved it, made a column or proposed a
  column's name, is shown to that person only.
- An individual ranking order is shown to its sender only; after close the results
  carry all orders, without names on anonymous boards. On anonymous boards who ranked
  is the sender's alone too: others get counts (``ranking.submitted`` with
  ``participant_id`` null, the snapshot's ``rankings.per_criterion`` and ``counts``).
- Work sharing (packets, subsets) is private to the one it is handed to: others see that
  a packet of n notes went out or came back, never to whom nor which notes (so a third
  party learns nothing of who wrote or was given what), and that a subset was handed out,
  never to whom nor which candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .ranking import ranking_counts
from .state import BoardState, Column


@dataclass(frozen=True, slots=True)
class Redacted:
    public: dict[str, Any]
    #: The one viewer who sees ``owner_view`` instead of ``public``; None: all see public.
    owner: str | None = None
    owner_view: dict[str, Any] | None = None

    def for_viewer(self, viewer_id: str) -> dict[str, Any]:
        if self.owner is not None and viewer_id == self.owner and self.owner_view is not None:
            return self.owner_view
        return self.public


#: Events whose ``by`` only its sender sees on anonymous boards. ``column.named`` is always
#: the facilitator's, but one rule for every ``by`` keeps the promise simple to check.
_BY_HIDDEN = frozenset(
    {
        "note.moved",
        "column.created",
        "column.name_proposed",
        "column.named",
        "packets.switched",
        "column.merged",
    }
)
#: Events of one person's share of the work: the field naming them, and what only they see.
_PRIVATE_WORK: dict[str, tuple[str, tuple[str, ...]]] = {
    "packet.assigned": ("holder", ("holder", "note_ids")),
    "packet.returned": ("holder", ("holder",)),
    "packet.requested": ("participant_id", ("participant_id",)),
    "subset.assigned": ("participant_id", ("participant_id", "candidates")),
}


def redact(event: dict[str, Any], anonymous: bool) -> Redacted:
    """Split an event (``events.to_dict`` form) into what its owner and others see."""
    kind = event["kind"]
    if kind in ("note.created", "note.edited"):
        hide_text = event["private"]
        if not hide_text and not anonymous:
            return Redacted(event)
        public = dict(event)
        if hide_text:
            public["text"] = None
        if anonymous:
            public["author"] = None
        return Redacted(public, event["author"], event)
    if kind == "note.deleted" and anonymous:
        return Redacted({**event, "author": None}, event["author"], event)
    if kind in _BY_HIDDEN and anonymous:
        return Redacted({**event, "by": None}, event["by"], event)
    if kind == "notes.revealed" and anonymous:
        notes = [{**n, "author": None} for n in event["notes"]]
        return Redacted({**event, "notes": notes})
    if kind in _PRIVATE_WORK:
        owner_field, hidden = _PRIVATE_WORK[kind]
        return Redacted({**event, **dict.fromkeys(hidden)}, event[owner_field], event)
    if kind == "ranking.submitted":
        # on anonymous boards not even who ranked (with the orders of close, and the
        # timing, it would link orders to people): everyone else gets the counts only
        public = {**event, "order": None}
        if anonymous:
            public["participant_id"] = None
        return Redacted(public, event["participant_id"], event)
    if kind == "results.computed" and anonymous:
        results = {**event["results"], "orders": anonymous_orders(event["results"]["orders"])}
        return Redacted({**event, "results": results})
    return Redacted(event)


def anonymous_orders(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Orders without names, sorted by content: the stored order (by participant id)
    would let anyone who knows the ids, and who ranked, link orders back to people."""
    blank = [{**o, "participant_id": None} for o in orders]
    return sorted(blank, key=lambda o: (o["criterion"], o["order"]))


def snapshot(state: BoardState, viewer_id: str) -> dict[str, Any]:
    """The whole board as ``viewer_id`` may see it (the ``state`` of a ``welcome``)."""
    anonymous = state.anonymous
    notes = []
    for note in state.notes.values():
        mine = note.author == viewer_id
        notes.append(
            {
                "id": note.id,
                "text": note.text if (mine or not note.private) else None,
                "author": note.author if (mine or not anonymous) else None,
                "column": note.column,
                "mine": mine,
            }
        )
    submitted: dict[str, list[str]] = {}
    mine_rankings: dict[str, list[str]] = {}
    for (participant_id, criterion), order in state.rankings.items():
        if participant_id == viewer_id or not anonymous:
            submitted.setdefault(participant_id, []).append(criterion)
        if participant_id == viewer_id:
            mine_rankings[criterion] = list(order)
    per_criterion = ranking_counts(state.rankings, state.criteria)["per_criterion"]
    results = state.results
    if results is not None and anonymous:
        results = {**results, "orders": anonymous_orders(results["orders"])}
    return {
        "board": {
            "id": state.board_id,
            "title": state.title,
            "game": state.game.to_dict(),
            "anonymous": anonymous,
            "criteria": list(state.criteria),
            "top_n": state.top_n,
            "facilitator_id": state.facilitator_id,
            "created_at": state.created_at,
            "language": state.language,
            "timezone": state.timezone,
            "sharing": dict(state.sharing) if state.sharing is not None else None,
        },
        "prompt": state.prompt,
        "phase": state.phase.id,
        "phase_index": state.phase_index,
        "phase_log": [{"phase": p, "at": at} for p, at in state.phase_log],
        "participants": [
            {"id": p.id, "name": p.name, "role": p.role} for p in state.participants.values()
        ],
        "notes": notes,
        "columns": [
            {
                "id": c.id,
                "number": c.number,
                "notes": list(c.notes),
                "name": c.name,
                "proposals": _proposals(c, viewer_id, anonymous),
            }
            for c in state.columns.values()
        ],
        "unsorted": list(state.unsorted),
        "parking": list(state.parking),
        "candidates": list(state.candidates),
        "rankings": {
            "submitted": submitted,
            "mine": mine_rankings,
            "per_criterion": per_criterion,
        },
        "results": results,
        "followups": {
            column_id: {
                "owner": f.owner,
                "next_step": f.next_step,
                "decide_by": f.decide_by,
                "status": f.status,
            }
            for column_id, f in state.followups.items()
        },
        "selected": list(state.selected),
        "swaps": [dict(s) for s in state.swaps],
        # Issue 12: the facilitator's decision of a tie at the cut, or None.
        "decision": dict(state.decision) if state.decision is not None else None,
        "counts": score(state),
        "mine": own_share(state, viewer_id),
        # issue-15: the follow-up loop; about columns only, so the same for every viewer
        "followup_loop": state.loop.to_wire(),
        # issue-13: the phase timer, public (the welcome's ``timer`` shows it too)
        "timer": dict(state.timer) if state.timer is not None else None,
    }


def own_share(state: BoardState, viewer_id: str) -> dict[str, Any]:
    """The viewer's own share of the work: their packet, their counts, their subsets."""
    packet_id = state.packet_of_holder.get(viewer_id)
    packet = state.packets.get(packet_id) if packet_id is not None else None
    return {
        "packet": (
            {"packet_id": packet.id, "note_ids": list(packet.note_ids), "pass": packet.pass_}
            if packet is not None
            else None
        ),
        "packets_done": state.packets_done_by.get(viewer_id, 0),
        "notes_placed": state.placed_by.get(viewer_id, 0),
        "waiting": viewer_id in state.waiting_now(),
        "subsets": {
            criterion: list(subset)
            for (participant_id, criterion), subset in state.subsets.items()
            if participant_id == viewer_id
        },
    }


def _proposals(column: Column, viewer_id: str, anonymous: bool) -> list[dict[str, Any]]:
    """Most supported first (ties: first proposed first); who proposed only on named boards."""
    out = []
    for p in sorted(column.proposals.values(), key=lambda p: -p.count):
        item: dict[str, Any] = {"name": p.name, "count": p.count, "mine": viewer_id in p.by}
        if not anonymous:
            item["by"] = list(p.by)
        out.append(item)
    return out


def score(state: BoardState) -> dict[str, Any]:
    """What every player should know at all times: how far the room has got. Counts
    only, never ids: the same for every viewer."""
    sorted_count = state.sorted_count()
    by_participant: dict[str, int] = {}
    for participant_id, _ in state.rankings:
        by_participant[participant_id] = by_participant.get(participant_id, 0) + 1
    second_look = None
    if state.second_look_on():
        seen_twice = sum(1 for n in state.notes if len(state.seen_by.get(n, ())) >= 2)
        second_look = {"seen_twice": seen_twice, "total": len(state.notes)}
    return {
        "participants": len(state.participants) - 1,
        "notes": len(state.notes),
        "sorted": sorted_count,
        "rankers": len(by_participant),
        "rankings": len(state.rankings),
        "placed": sorted_count,
        "packets_on": state.packets_on(),
        #: The facilitator's switch: true, false, or null (automatic by ``packets_from``).
        "packets_enabled": state.packets_enabled,
        "packets_open": len(state.packets),
        "packets_done": state.packets_done,
        "waiting": len(state.waiting_now()),
        "second_look": second_look,
        "subsets_on": state.subsets_on(),
        "ranked_complete": sum(1 for n in by_participant.values() if n >= len(state.criteria)),
    }
