"""Issue 15, the follow-up loop: every command accepted after close, refused before it,
refused to participants, its values checked; the fold of the log equals the live state;
and the loop never reopens the game.

The board is the realistic one of rules_testkit: at close c-1, c-2 are selected and
c-3, c-4 parked.
"""

from __future__ import annotations

from typing import Any

import pytest
from rules_testkit import AUTHOR, FACILITATOR, OTHER, Board, board_in, refold

from gamestorm.games import Rejection, redact, snapshot, to_dict
from gamestorm.games import events as ev
from gamestorm.games.followup import fate, waiting
from gamestorm.games.followup_commands import LinkWaitingLoop
from gamestorm.games.rules import handle

PLAN = {
    "type": "followup.plan",
    "column_id": "c-1",
    "place": "Werk Süd",
    "area": "Service",
    "customer": "Müller AG",
    "start": "2027-01-10",
    "end": "2027-03-31",
    "steering": "Ana (Key Account)",
    "decide_on": "2027-04-15",
}
MEASURE = {
    "type": "followup.measure",
    "column_id": "c-1",
    "measure_id": "m-time",
    "measure_kind": "time",
    "label": "Durchlaufzeit",
    "target": 2.5,
    "unit": "Tage",
}
RECORD = {
    "type": "followup.record",
    "column_id": "c-1",
    "measure_id": "m-time",
    "value": 3.1,
    "on": "2027-02-01",
    "note": "erste Messung",
}
STATUS = {
    "type": "followup.status",
    "column_id": "c-1",
    "status": "running",
    "note": "Pilot läuft",
    "on": "2027-01-12",
}
DECIDE = {
    "type": "followup.decide",
    "column_id": "c-1",
    "decision": "scale",
    "reason": "Ziel erreicht",
    "on": "2027-04-15",
}
TAKE_UP = {"type": "followup.take_up", "column_id": "c-3", "reason": "Budget frei"}
DECLINE = {"type": "followup.decline", "column_id": "c-4", "reason": "zu teuer"}

#: Every wire command of the loop, in an order that makes sense on one board.
SEQUENCE = [PLAN, MEASURE, RECORD, STATUS, DECIDE, TAKE_UP, DECLINE]
KINDS = {
    "followup.plan": "followup.planned",
    "followup.measure": "followup.measure_set",
    "followup.record": "followup.value_recorded",
    "followup.status": "followup.status_updated",
    "followup.decide": "followup.decided",
    "followup.take_up": "followup.taken_up",
    "followup.decline": "followup.declined",
}


def code(board: Board, frame: dict[str, Any], actor=FACILITATOR) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Rejection) as caught:
        board.send(actor, frame)
    assert caught.value.message
    return caught.value.code


@pytest.fixture
def closed() -> Board:
    board = board_in("close")
    assert board.state.selected == ["c-1", "c-2"]
    return board


def test_every_command_is_accepted_after_close_and_folds_back(closed: Board) -> None:
    for frame in SEQUENCE:
        events = closed.send(FACILITATOR, frame)
        assert [e.KIND for e in events] == [KINDS[frame["type"]]]
        assert events[0].at == closed.now  # type: ignore[union-attr]
    loop = closed.state.loop
    item = loop.items["c-1"]
    assert item["plan"]["customer"] == "Müller AG"
    assert item["plan"]["decide_on"] == "2027-04-15"
    assert item["measures"][0]["kind"] == "time"
    assert item["measures"][0]["values"][0]["value"] == 3.1
    assert item["statuses"][0]["status"] == "running"
    assert item["decisions"][0]["decision"] == "scale"
    assert loop.items["c-3"]["origin"] == "taken_up"
    assert loop.declined["c-4"]["reason"] == "zu teuer"
    assert refold(closed) == closed.state
    assert fate(closed.state, "c-1") == "scale"
    assert fate(closed.state, "c-2") == "selected"
    assert fate(closed.state, "c-3") == "taken_up"
    assert fate(closed.state, "c-4") == "declined"


@pytest.mark.parametrize("phase", ["ignite", "generate", "affinity", "name", "rank"])
@pytest.mark.parametrize("frame", SEQUENCE, ids=lambda f: f["type"])
def test_refused_before_close(phase: str, frame: dict[str, Any]) -> None:
    assert code(board_in(phase), frame) == "phase_forbids"


@pytest.mark.parametrize("frame", SEQUENCE, ids=lambda f: f["type"])
def test_refused_to_participants(closed: Board, frame: dict[str, Any]) -> None:
    assert code(closed, frame, AUTHOR) == "forbidden"
    assert code(closed, frame, OTHER) == "forbidden"


def test_the_game_never_reopens(closed: Board) -> None:
    closed.send(FACILITATOR, PLAN)
    closed.send(FACILITATOR, DECIDE)
    assert code(closed, {"type": "phase.advance", "from": "close"}) == "phase_forbids"
    assert code(closed, {"type": "prompt.set", "text": "neu"}) == "phase_forbids"
    assert code(closed, {"type": "note.create", "note_id": "n-x", "text": "x"}, AUTHOR) == (
        "phase_forbids"
    )
    assert code(closed, {"type": "column.create", "column_id": "c-x"}) == "phase_forbids"
    assert code(closed, {"type": "note.move", "note_id": "n-a1", "column_id": "c-2"}) == (
        "phase_forbids"
    )
    assert code(closed, {"type": "ranking.submit", "criterion": "impact", "order": []}, AUTHOR) == (
        "phase_forbids"
    )
    assert closed.state.phase.id == "close"


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ({**PLAN, "start": "2027-13-01"}, "invalid"),
        ({**PLAN, "start": "1.1.2027"}, "invalid"),
        ({**PLAN, "start": 20270101}, "bad_request"),
        ({**PLAN, "start": "2027-03-01", "end": "2027-02-01"}, "invalid"),
        ({**PLAN, "place": "x" * 121}, "invalid"),
        ({**PLAN, "place": 5}, "bad_request"),
        ({**PLAN, "column_id": "nope"}, "not_found"),
        ({**PLAN, "column_id": "c-3"}, "invalid"),  # parked: take it up first
        ({**MEASURE, "measure_kind": "mood"}, "invalid"),
        ({**MEASURE, "target": float("inf")}, "invalid"),
        ({**MEASURE, "target": float("nan")}, "invalid"),
        ({**MEASURE, "target": True}, "bad_request"),
        ({**MEASURE, "target": "3"}, "bad_request"),
        ({**MEASURE, "target": 1e16}, "invalid"),
        ({**MEASURE, "label": "  "}, "invalid"),
        ({**MEASURE, "measure_id": "bad id"}, "invalid"),
        ({**RECORD, "measure_id": "m-none"}, "not_found"),
        ({**RECORD, "on": None}, "invalid"),
        ({**STATUS, "status": "open"}, "invalid"),
        ({**STATUS, "note": ""}, "invalid"),
        ({**STATUS, "note": "x" * 1001}, "invalid"),
        ({**DECIDE, "decision": "maybe"}, "invalid"),
        ({**DECIDE, "reason": None}, "bad_request"),
        ({**DECIDE, "on": "2027-02-30"}, "invalid"),
        ({**TAKE_UP, "column_id": "c-1"}, "invalid"),  # selected, not parked
        ({**DECLINE, "reason": ""}, "invalid"),
        ({**DECLINE, "column_id": "c-9"}, "not_found"),
    ],
)
def test_bad_values_are_refused(closed: Board, frame: dict[str, Any], expected: str) -> None:
    closed.send(FACILITATOR, MEASURE)
    before = closed.state.seq
    assert code(closed, frame) == expected
    assert closed.state.seq == before


def test_parked_fates(closed: Board) -> None:
    assert waiting(closed.state) == ["c-3", "c-4"]
    closed.send(FACILITATOR, {**DECLINE, "column_id": "c-3"})
    assert closed.send(FACILITATOR, {**DECLINE, "column_id": "c-3"}) == []  # same again
    assert waiting(closed.state) == ["c-4"]
    # a no may become a yes later: taken up, it is followed up like a selected item
    closed.send(FACILITATOR, TAKE_UP)
    assert "c-3" not in closed.state.loop.declined
    assert code(closed, TAKE_UP) == "invalid"
    assert code(closed, {**DECLINE, "column_id": "c-3"}) == "invalid"
    closed.send(FACILITATOR, {**STATUS, "column_id": "c-3", "status": "planned"})
    assert fate(closed.state, "c-3") == "planned"
    assert refold(closed) == closed.state


def test_waiting_loop_link_is_the_facilitators(closed: Board) -> None:
    link = LinkWaitingLoop("b2", "Kundentag: Warteschleife", ("c-3", "c-4"))
    with pytest.raises(Rejection) as caught:
        handle(closed.state, link, AUTHOR, 1.0)
    assert caught.value.code == "forbidden"
    with pytest.raises(Rejection) as caught:
        handle(closed.state, LinkWaitingLoop("b2", "t", ("c-1",)), FACILITATOR, 1.0)
    assert caught.value.code == "not_found"
    events = handle(closed.state, link, FACILITATOR, 5.0)
    assert [e.KIND for e in events] == ["followup.waiting_loop"]
    closed.commit(events)
    assert closed.state.loop.waiting_loops[0]["board_id"] == "b2"
    assert refold(closed) == closed.state
    rank = board_in("rank")
    with pytest.raises(Rejection) as caught:
        handle(rank.state, link, FACILITATOR, 1.0)
    assert caught.value.code == "phase_forbids"


def test_a_swap_keeps_the_history_of_an_item(closed: Board) -> None:
    closed.send(FACILITATOR, STATUS)
    closed.send(
        FACILITATOR, {"type": "selection.swap", "selected": "c-1", "parked": "c-3", "reason": "r"}
    )
    closed.send(FACILITATOR, {**STATUS, "status": "paused"})  # still followed
    assert [s["status"] for s in closed.state.loop.items["c-1"]["statuses"]] == [
        "running",
        "paused",
    ]


def test_snapshot_and_events_carry_no_author(closed: Board) -> None:
    for frame in SEQUENCE:
        closed.send(FACILITATOR, frame)
    loop_events = [e for e in closed.log if isinstance(e, ev.FOLLOWUP_EVENTS)]
    assert len(loop_events) == len(SEQUENCE)
    for event in loop_events:
        red = redact(to_dict(event), anonymous=True)
        assert red.owner is None  # everyone sees the same
        assert "p1" not in str(red.public) and "p2" not in str(red.public)
    for viewer in ("f", "p1", "p2"):
        snap = snapshot(closed.state, viewer)
        assert snap["followup_loop"]["items"][0]["column_id"] == "c-1"
        others = [n for n in snap["notes"] if not n["mine"]]
        assert all(n["author"] is None for n in others)  # the loop adds no author back
