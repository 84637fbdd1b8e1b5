"""Forced-ranking aggregation against small cases worked out by hand.

The tie-break under test is the one stated in games/ranking.py: equal totals go to the
lower sum on the first criterion, then the second, ...; then to more first places over
all orders; then to the column made first (the order of ``candidates``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from gamestorm.games import aggregate, kendall_w

Rankings = Mapping[tuple[str, str], Sequence[str]]


def places(candidates: Sequence[str], criteria: Sequence[str], rankings: Rankings) -> list[str]:
    return [c.column_id for c in aggregate(candidates, criteria, rankings, 1).candidates]


def test_criteria_disagree_and_the_total_decides() -> None:
    """Each criterion has another winner; equal totals fall to the first criterion.

    impact  r1: A B C   r2: A C B   -> A 2, B 5, C 5
    effort  r1: C B A   r2: C A B   -> A 5, B 5, C 2
    totals: A 7, B 10, C 7; A and C tie on 7, A has the lower impact sum (2 < 5).
    """
    rankings = {
        ("r1", "impact"): ["A", "B", "C"],
        ("r2", "impact"): ["A", "C", "B"],
        ("r1", "effort"): ["C", "B", "A"],
        ("r2", "effort"): ["C", "A", "B"],
    }
    results = aggregate(["A", "B", "C"], ["impact", "effort"], rankings, top_n=1)
    table = [(c.column_id, c.place, c.total, c.per_criterion) for c in results.candidates]
    assert table == [
        ("A", 1, 7, {"impact": 2, "effort": 5}),
        ("C", 2, 7, {"impact": 5, "effort": 2}),
        ("B", 3, 10, {"impact": 5, "effort": 5}),
    ]
    assert [c.selected for c in results.candidates] == [True, False, False]
    # With the criteria the other way round, the first criterion is effort: C wins the tie.
    assert places(["A", "B", "C"], ["effort", "impact"], rankings) == ["C", "A", "B"]
    assert results.rankers == 2


def test_each_criterion_has_its_own_winner_and_the_lowest_total_wins() -> None:
    """B wins impact, C wins cost, and C, lowest in total, wins overall.

    impact  r1: B C A   r2: B A C   r3: C B A   -> A 8, B 4, C 6
    cost    r1: A C B   r2: C A B   r3: C A B   -> A 5, B 9, C 4
    totals: A 13, B 13, C 10; A and B tie, B has the lower impact sum (4 < 8).
    """
    rankings = {
        ("r1", "impact"): ["B", "C", "A"],
        ("r2", "impact"): ["B", "A", "C"],
        ("r3", "impact"): ["C", "B", "A"],
        ("r1", "cost"): ["A", "C", "B"],
        ("r2", "cost"): ["C", "A", "B"],
        ("r3", "cost"): ["C", "A", "B"],
    }
    results = aggregate(["A", "B", "C"], ["impact", "cost"], rankings, top_n=2)
    sums = {
        c.column_id: (c.per_criterion["impact"], c.per_criterion["cost"])
        for c in results.candidates
    }
    assert sums == {"A": (8, 5), "B": (4, 9), "C": (6, 4)}
    assert min(sums, key=lambda c: sums[c][0]) == "B"  # impact winner
    assert min(sums, key=lambda c: sums[c][1]) == "C"  # cost winner
    # Totals: A 13, B 13, C 10. A and B tie; A has the higher impact sum (8 > 4): B first.
    assert [(c.column_id, c.total) for c in results.candidates] == [("C", 10), ("B", 13), ("A", 13)]
    assert [c.selected for c in results.candidates] == [True, True, False]


def test_tie_break_first_places_then_order_of_making() -> None:
    """One criterion, A B C D and C B A D: A 4, B 4, C 4, D 8.

    First places: A 1, B 0, C 1 -> B last of the three; A and C tie on everything but
    the order the columns were made in.
    """
    rankings = {("r1", "impact"): ["A", "B", "C", "D"], ("r2", "impact"): ["C", "B", "A", "D"]}
    results = aggregate(["A", "B", "C", "D"], ["impact"], rankings, top_n=2)
    assert [(c.column_id, c.total, c.first_places) for c in results.candidates] == [
        ("A", 4, 1),
        ("C", 4, 1),
        ("B", 4, 0),
        ("D", 8, 0),
    ]
    assert places(["C", "B", "A", "D"], ["impact"], rankings) == ["C", "A", "B", "D"]


def test_a_missing_order_adds_nothing_for_anyone() -> None:
    """r2 ranked only impact: effort sums come from r1 alone, and every candidate's too."""
    rankings = {
        ("r1", "impact"): ["A", "B"],
        ("r2", "impact"): ["B", "A"],
        ("r1", "effort"): ["B", "A"],
    }
    results = aggregate(["A", "B"], ["impact", "effort"], rankings, top_n=1)
    assert {c.column_id: c.per_criterion for c in results.candidates} == {
        "A": {"impact": 3, "effort": 2},
        "B": {"impact": 3, "effort": 1},
    }
    assert [c.column_id for c in results.candidates] == ["B", "A"]
    assert results.agreement == {"impact": 0.0, "effort": None}


def test_orders_for_unknown_criteria_are_ignored() -> None:
    rankings = {("r1", "impact"): ["A", "B"], ("r1", "old"): ["B", "A"]}
    results = aggregate(["A", "B"], ["impact"], rankings, top_n=1)
    assert [c.column_id for c in results.candidates] == ["A", "B"]
    assert results.orders == [{"participant_id": "r1", "criterion": "impact", "order": ["A", "B"]}]


def test_kendall_w_hand_values() -> None:
    identical = [["A", "B", "C", "D"]] * 3
    assert kendall_w(identical, ["A", "B", "C", "D"]) == 1.0
    assert kendall_w([["A", "B", "C"], ["C", "B", "A"]], ["A", "B", "C"]) == 0.0
    assert kendall_w([["A", "B", "C", "D"], ["D", "C", "B", "A"]], ["A", "B", "C", "D"]) == 0.0
    # ABC, ACB: sums A 2, B 5, C 5; mean 4; S = 4 + 1 + 1 = 6; W = 12*6 / (4 * 24) = 0.75.
    assert kendall_w([["A", "B", "C"], ["A", "C", "B"]], ["A", "B", "C"]) == 0.75
    # Three raters, each a rotation of ABC: all sums 6, W = 0.
    rotations = [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]]
    assert kendall_w(rotations, ["A", "B", "C"]) == 0.0


@pytest.mark.parametrize(
    ("orders", "candidates"),
    [
        ([], ["A", "B"]),
        ([["A", "B"]], ["A", "B"]),
        ([["A"], ["A"]], ["A"]),
    ],
)
def test_kendall_w_is_undefined_with_fewer_than_two_orders_or_candidates(
    orders: list[list[str]], candidates: list[str]
) -> None:
    assert kendall_w(orders, candidates) is None


def test_agreement_per_criterion_in_results() -> None:
    rankings = {
        ("r1", "impact"): ["A", "B", "C"],
        ("r2", "impact"): ["A", "B", "C"],
        ("r1", "effort"): ["A", "B", "C"],
        ("r2", "effort"): ["C", "B", "A"],
    }
    results = aggregate(["A", "B", "C"], ["impact", "effort"], rankings, top_n=1)
    assert results.agreement == {"impact": 1.0, "effort": 0.0}


def test_spread_is_the_standard_deviation_of_positions() -> None:
    """A at 1 and 3 -> spread 1; B at 2 and 2 -> 0; over both criteria together."""
    rankings = {
        ("r1", "impact"): ["A", "B", "C"],
        ("r2", "impact"): ["C", "B", "A"],
    }
    results = aggregate(["A", "B", "C"], ["impact"], rankings, top_n=1)
    spread = {c.column_id: c.spread for c in results.candidates}
    assert spread == {"A": 1.0, "B": 0.0, "C": 1.0}
    # Positions 1, 1, 2, 4 -> mean 2, variance (1 + 1 + 0 + 4) / 4 = 1.5.
    rankings = {
        ("r1", "x"): ["A", "B", "C", "D"],
        ("r2", "x"): ["A", "C", "B", "D"],
        ("r1", "y"): ["B", "A", "C", "D"],
        ("r2", "y"): ["B", "C", "D", "A"],
    }
    results = aggregate(["A", "B", "C", "D"], ["x", "y"], rankings, top_n=1)
    a = next(c for c in results.candidates if c.column_id == "A")
    assert a.spread == round(1.5**0.5, 4)


def test_no_rankings_at_all_keeps_the_order_of_making() -> None:
    results = aggregate(["A", "B", "C"], ["impact"], {}, top_n=2)
    assert [(c.column_id, c.total, c.spread, c.selected) for c in results.candidates] == [
        ("A", 0, 0.0, True),
        ("B", 0, 0.0, True),
        ("C", 0, 0.0, False),
    ]
    assert results.rankers == 0
    assert results.agreement == {"impact": None}


def test_results_to_dict_round_trips_the_numbers() -> None:
    rankings = {("r1", "impact"): ["B", "A"], ("r2", "impact"): ["B", "A"]}
    data = aggregate(["A", "B"], ["impact"], rankings, top_n=1).to_dict()
    assert data["candidates"][0] == {
        "column_id": "B",
        "place": 1,
        "total": 2,
        "per_criterion": {"impact": 2},
        "first_places": 2,
        "spread": 0.0,
        "selected": True,
    }
    assert data["agreement"] == {"impact": 1.0}
    assert data["rankers"] == 2
    assert data["top_n"] == 1
    assert [o["participant_id"] for o in data["orders"]] == ["r1", "r2"]
