"""Issue 13: the phase timer is an event in the log (``timer.set``), so every process
serving a board, and every replay, shows the same timer."""

from __future__ import annotations

from rules_testkit import FACILITATOR, board_in

from gamestorm.games import fold, from_dict, snapshot, to_dict
from gamestorm.games.events import TimerSet
from gamestorm.games.redaction import redact


def test_timer_set_is_an_event_ending_now_plus_seconds() -> None:
    board = board_in("ignite")
    events = board.send(FACILITATOR, {"type": "timer.set", "seconds": 300})
    assert events == [TimerSet(ends_at=board.now + 300, seconds=300)]
    assert board.state.timer == {"ends_at": board.now + 300, "seconds": 300}
    assert snapshot(board.state, "p1")["timer"] == board.state.timer


def test_zero_clears_and_clearing_nothing_makes_no_event() -> None:
    board = board_in("ignite")
    board.send(FACILITATOR, {"type": "timer.set", "seconds": 60})
    assert [e.KIND for e in board.send(FACILITATOR, {"type": "timer.set", "seconds": 0})] == [
        "timer.set"
    ]
    assert board.state.timer is None
    assert board.send(FACILITATOR, {"type": "timer.set", "seconds": 0}) == []


def test_a_phase_change_clears_the_timer_and_the_fold_agrees() -> None:
    board = board_in("ignite")
    board.send(FACILITATOR, {"type": "timer.set", "seconds": 60})
    board.advance()
    assert board.state.timer is None
    board.send(FACILITATOR, {"type": "timer.set", "seconds": 90})
    again = fold(from_dict(to_dict(e)) for e in board.log)
    assert again.timer == board.state.timer == {"ends_at": board.now + 90, "seconds": 90}


def test_the_timer_is_public_and_old_logs_have_none() -> None:
    data = to_dict(TimerSet(ends_at=10.0, seconds=5))
    assert redact(data, anonymous=True).public == data
    old = board_in("generate")  # a log with no timer event
    assert all(e.KIND != "timer.set" for e in old.log)
    assert fold(old.log).timer is None
    assert snapshot(old.state, "p1")["timer"] is None
