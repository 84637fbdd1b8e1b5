"""``selection.decide``: the facilitator settles a statistical tie at the selection cut.

The board is the realistic one of rules_testkit, where 40 more people ranked subsets of
three of its four candidates (committed as ``ranking.submitted`` events, as the subset
rules record them, beside the complete orders of p1 and p2): c-1 always first, c-4
always last, c-2 and c-3 a coin toss. With a top 2, c-2 and c-3 are tied at the cut and
c-1 is in without doubt.
"""

from __future__ import annotations

import pytest
from rules_testkit import AUTHOR, FACILITATOR, Board, board_in, refold

from gamestorm.games import Rejection, snapshot
from gamestorm.games import events as ev

SUBSETS = (
    ["c-1", "c-2", "c-3"],
    ["c-1", "c-3", "c-4"],
    ["c-2", "c-3", "c-4"],
    ["c-1", "c-2", "c-4"],
)


def order(subset: list[str], i: int) -> list[str]:
    """c-1 first, c-4 last; c-2 before c-3 for every other person."""
    rank = {"c-1": 0, "c-2": 1 + i % 2, "c-3": 2 - i % 2, "c-4": 3}
    return sorted(subset, key=rank.__getitem__)


@pytest.fixture
def tied_board() -> Board:
    board = board_in("rank")
    events: list[ev.Event] = [
        ev.RankingSubmitted(f"q{i:02d}", criterion, order(SUBSETS[(i + j) % 4], i))
        for i in range(40)
        for j, criterion in enumerate(("impact", "effort"))
    ]
    board.commit(events)
    board.advance()
    assert board.state.phase.id == "close"
    return board


def decide(board: Board, selected: list[str], reason: str = "cheaper") -> list[ev.Event]:
    return board.send(
        FACILITATOR, {"type": "selection.decide", "selected": selected, "reason": reason}
    )


def code(board: Board, frame: dict[str, object], actor=FACILITATOR) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(Rejection) as caught:
        board.send(actor, {"type": "selection.decide", **frame})
    return caught.value.code


def test_the_subset_results_flag_the_tie(tied_board: Board) -> None:
    results = tied_board.state.results
    assert results is not None and results["method"] == "plackett_luce"
    assert set(results["tied_at_cut"]) == {"c-2", "c-3"}
    assert results["candidates"][0]["column_id"] == "c-1"
    assert not results["candidates"][0]["statistically_tied"]


def test_the_facilitator_decides_the_tie(tied_board: Board) -> None:
    board = tied_board
    by_points = list(board.state.selected)
    loser = next(c for c in ("c-2", "c-3") if c not in by_points)
    events = decide(board, [loser, "c-1"], "the cheaper one")
    assert [e.KIND for e in events] == ["selection.decided"]
    decided = events[0]
    assert isinstance(decided, ev.SelectionDecided)
    assert decided.selected == ["c-1", loser]  # place order, not the order sent
    assert board.state.selected == ["c-1", loser]
    assert board.state.decision == {
        "selected": ["c-1", loser],
        "reason": "the cheaper one",
        "at": decided.at,
    }
    assert snapshot(board.state, AUTHOR.id)["decision"] == board.state.decision
    assert refold(board) == board.state
    # The same decision again changes nothing; another reason is a new decision.
    assert decide(board, ["c-1", loser], "the cheaper one") == []
    assert len(decide(board, ["c-1", loser], "and quicker")) == 1
    # A later swap still works on the decided selection.
    other = "c-2" if loser == "c-3" else "c-3"
    swap = {"type": "selection.swap", "selected": loser, "parked": other, "reason": "back"}
    board.send(FACILITATOR, swap)
    assert board.state.selected == ["c-1", other]


@pytest.mark.parametrize(
    ("frame", "expected", "words"),
    [
        ({"selected": ["c-2", "c-3"], "reason": "r"}, "invalid", "without doubt"),
        ({"selected": ["c-1", "c-4"], "reason": "r"}, "invalid", "not tied: c-4"),
        ({"selected": ["c-1"], "reason": "r"}, "invalid", "exactly 2"),
        ({"selected": ["c-1", "c-2", "c-3"], "reason": "r"}, "invalid", "exactly 2"),
        ({"selected": ["c-1", "c-1"], "reason": "r"}, "invalid", "twice"),
        ({"selected": ["c-1", "c-9"], "reason": "r"}, "not_found", "c-9"),
        ({"selected": ["c-1", "c-2"], "reason": "  "}, "invalid", "reason"),
        ({"selected": ["c-1", "c-2"]}, "bad_request", "reason"),
        ({"selected": "c-1", "reason": "r"}, "bad_request", "list"),
        ({"selected": [], "reason": "r"}, "invalid", "1 to 500"),
        ({"selected": ["c 1"], "reason": "r"}, "invalid", "letters"),
    ],
)
def test_bad_decisions_are_refused(
    tied_board: Board, frame: dict[str, object], expected: str, words: str
) -> None:
    before = list(tied_board.state.selected)
    with pytest.raises(Rejection) as caught:
        tied_board.send(FACILITATOR, {"type": "selection.decide", **frame})
    assert caught.value.code == expected
    assert words in caught.value.message
    assert tied_board.state.selected == before and tied_board.state.decision is None


def test_only_the_facilitator_decides(tied_board: Board) -> None:
    assert code(tied_board, {"selected": ["c-1", "c-2"], "reason": "r"}, AUTHOR) == "forbidden"


def test_without_a_tie_there_is_nothing_to_decide(closed_board: Board) -> None:
    assert closed_board.state.results is not None
    assert closed_board.state.results["method"] == "rank_sum"
    with pytest.raises(Rejection) as caught:
        decide(closed_board, ["c-1", "c-3"])
    assert caught.value.code == "invalid"
    assert "no statistical tie" in caught.value.message


def test_before_close_it_is_not_the_phase(rank_board: Board) -> None:
    assert code(rank_board, {"selected": ["c-1", "c-2"], "reason": "r"}) == "phase_forbids"
