"""Ranking subsets (issue 12): with many candidates each participant ranks k of them.

Balanced: every candidate's count stays within one of every other's, per criterion, at
every moment; pairs meet as evenly as the greedy draw manages (the spread is printed and
bounded). Within a subset the forced-ranking rules hold: ties, gaps and candidates from
outside the subset are refused.
"""

from __future__ import annotations

import itertools

import pytest
from rules_testkit import refold, strings_in
from sharing_kit import public_variant, ranking_board

from gamestorm.games import Rejection, snapshot
from gamestorm.games import events as ev
from gamestorm.games.redaction import score


def subset_of(board, actor, criterion="impact") -> list[str]:  # type: ignore[no-untyped-def]
    return list(board.state.subsets[(actor.id, criterion)])


def test_subsets_are_off_up_to_subsets_from_candidates() -> None:
    board, (p0, *_) = ranking_board(candidates=7, participants=2)
    assert not board.state.subsets_on() and score(board.state)["subsets_on"] is False
    with pytest.raises(Rejection) as info:
        board.send(p0, {"type": "subset.request"})
    assert info.value.code == "invalid"
    board.rank(p0, "impact", [f"k{i}" for i in range(7)])  # a complete order, as before


def test_a_subset_per_criterion_private_and_idempotent() -> None:
    board, (p0, p1, *_) = ranking_board(
        candidates=12, participants=3, criteria=("impact", "effort")
    )
    assert score(board.state)["subsets_on"] is True
    events = board.send(p0, {"type": "subset.request"})
    assert [e.KIND for e in events] == ["subset.assigned", "subset.assigned"]
    assert {e.criterion for e in events} == {"impact", "effort"}  # type: ignore[union-attr]
    for event in events:
        assert isinstance(event, ev.SubsetAssigned)
        assert len(event.candidates or ()) == 7 == len(set(event.candidates or ()))
        public = public_variant(event)
        assert public["participant_id"] is None and public["candidates"] is None
        assert not strings_in(public) & (set(board.state.candidates) | {p0.id})
    assert board.send(p0, {"type": "subset.request"}) == []
    mine = snapshot(board.state, p0.id)["mine"]["subsets"]
    assert mine == {"impact": subset_of(board, p0), "effort": subset_of(board, p0, "effort")}
    assert snapshot(board.state, p1.id)["mine"]["subsets"] == {}
    assert refold(board) == board.state


def test_ranking_a_subset_refuses_no_subset_outsiders_gaps_and_ties() -> None:
    board, (p0, p1, *_) = ranking_board(candidates=10, participants=3, subset_size=4)
    with pytest.raises(Rejection) as info:
        board.rank(p0, "impact", [f"k{i}" for i in range(10)])
    assert info.value.code == "no_subset"
    board.send(p0, {"type": "subset.request"})
    subset = subset_of(board, p0)
    outsider = next(c for c in board.state.candidates if c not in subset)
    for order in (
        [*subset[:3], outsider],  # one from outside
        subset[:3],  # one left out
        [*subset[:3], subset[0]],  # a tie
        list(board.state.candidates),  # every candidate
    ):
        with pytest.raises(Rejection) as info:
            board.rank(p0, "impact", order)
        assert info.value.code == "not_a_permutation"
        assert info.value.details["candidates"] == subset
    assert [e.KIND for e in board.rank(p0, "impact", list(reversed(subset)))] == [
        "ranking.submitted"
    ]
    assert score(board.state)["ranked_complete"] == 1


@pytest.mark.parametrize(("candidates", "k", "people"), [(40, 5, 400), (12, 5, 37), (9, 8, 20)])
def test_subsets_stay_balanced_and_pairs_meet_evenly(candidates: int, k: int, people: int) -> None:
    board, everyone = ranking_board(candidates=candidates, participants=people, subset_size=k)
    for actor in everyone:
        board.send(actor, {"type": "subset.request"})
        shown = board.state.subset_shown["impact"]
        counts = [shown.get(c, 0) for c in board.state.candidates]
        assert max(counts) - min(counts) <= 1, "a candidate's count is off by more than one"
    pairs = board.state.subset_pairs["impact"]
    meetings = [
        pairs.get((a, b) if a < b else (b, a), 0)
        for a, b in itertools.combinations(board.state.candidates, 2)
    ]
    mean = sum(meetings) / len(meetings)
    print(
        f"\n{candidates} candidates, k={k}, {people} people: pair meetings "
        f"min {min(meetings)} max {max(meetings)} mean {mean:.2f}"
    )
    # Every pair meets, and none more than twice the mean plus two.
    if people * k * (k - 1) / 2 >= 2 * len(meetings):
        assert min(meetings) >= 1
    assert max(meetings) <= 2 * mean + 2
    assert max(meetings) - min(meetings) <= 4


def test_rank_with_subsets_closes_with_every_order_in_the_results() -> None:
    board, everyone = ranking_board(candidates=9, participants=6, subset_size=3)
    for actor in everyone:
        board.send(actor, {"type": "subset.request"})
        board.rank(actor, "impact", subset_of(board, actor))
    events = board.advance()
    assert [e.KIND for e in events] == ["results.computed", "phase.changed"]
    results = board.state.results
    assert results is not None and len(results["orders"]) == 6
    assert all(len(o["order"]) == 3 for o in results["orders"])
