"""The report's figures for the hand-played board in export_boards.py, computed by hand.

These test what the report adds on top of ``games.ranking`` (which has its own tests):
place order after the tie-break, statuses after a swap, mean positions under partial
participation, rank distributions, Kendall's W as carried through, and note fates.
"""

from __future__ import annotations

from typing import Any

import pytest

from gamestorm.games import BoardState
from gamestorm.server.exports import build_report


@pytest.fixture(scope="module")
def report(closed_board: BoardState) -> dict[str, Any]:
    return build_report(closed_board)


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["candidates"]}


def test_sums_per_criterion_and_totals(report: dict[str, Any]) -> None:
    c = by_name(report)
    # impact: A 1+2+1, B 2+1+2, C 3+3+4, D 4+4+3; effort: A 3+1, B 1+2, C 2+4, D 4+3
    assert c["Column 1"]["per_criterion"] == {"impact": 4, "effort": 4}
    assert c["Column 2"]["per_criterion"] == {"impact": 5, "effort": 3}
    assert c["Column 3"]["per_criterion"] == {"impact": 10, "effort": 6}
    assert c["Column 4"]["per_criterion"] == {"impact": 11, "effort": 7}
    assert [x["total"] for x in c.values()] == [8, 8, 16, 18]


def test_a_tie_on_the_total_goes_to_the_lower_first_criterion(report: dict[str, Any]) -> None:
    c = by_name(report)
    assert (c["Column 1"]["place"], c["Column 2"]["place"]) == (1, 2)  # impact 4 < 5


def test_a_swap_changes_the_status_but_not_the_place(report: dict[str, Any]) -> None:
    c = by_name(report)
    assert [c[n]["status"] for n in c] == ["selected", "parked", "selected", "parked"]
    assert [c[n]["selected_by_ranking"] for n in c] == [True, True, False, False]
    assert report["selection"] == ["col-a", "col-c"]
    assert report["parked"] == ["col-b", "col-d"]
    (swap,) = report["swaps"]
    assert (swap["selected_name"], swap["parked_name"]) == ("Column 2", "Column 3")
    assert swap["at"] == "2026-01-01T10:35:00Z"


def test_mean_positions_account_for_partial_participation(report: dict[str, Any]) -> None:
    # three impact orders, two effort orders (the third participant skipped effort)
    assert report["counts"]["orders_per_criterion"] == {"impact": 3, "effort": 2}
    c = by_name(report)
    assert c["Column 1"]["mean_position"] == {"impact": round(4 / 3, 4), "effort": 2.0}
    assert c["Column 3"]["mean_position"] == {"impact": round(10 / 3, 4), "effort": 3.0}


def test_rank_distributions(report: dict[str, Any]) -> None:
    c = by_name(report)
    assert c["Column 1"]["distribution"] == {"impact": [2, 1, 0, 0], "effort": [1, 0, 1, 0]}
    assert c["Column 4"]["distribution"] == {"impact": [0, 0, 1, 2], "effort": [0, 0, 1, 1]}
    for cand in c.values():
        dist = cand["distribution"]
        assert [sum(dist["impact"]), sum(dist["effort"])] == [3, 2]
        assert (
            sum(  # the distribution adds up to the score
                (place + 1) * n for counts in dist.values() for place, n in enumerate(counts)
            )
            == cand["total"]
        )


def test_kendalls_w_per_criterion(report: dict[str, Any]) -> None:
    # impact: m=3, n=4, sums 4 5 10 11, mean 7.5, S=37, W=12*37/(9*60)
    # effort: m=2, sums 4 3 6 7, mean 5, S=10, W=12*10/(4*60)
    assert report["agreement"] == {"impact": round(444 / 540, 6), "effort": 0.5}


def test_first_places_and_orders(report: dict[str, Any]) -> None:
    c = by_name(report)
    assert [x["first_places"] for x in c.values()] == [3, 2, 0, 0]
    orders = report["orders"]
    assert [o["criterion"] for o in orders] == ["impact"] * 3 + ["effort"] * 2


def test_every_note_has_a_fate(report: dict[str, Any]) -> None:
    fates = {n["id"]: (n["outcome"], n["place"]) for n in report["notes"]}
    assert fates == {
        "note-1": ("selected", 1),
        "note-2": ("parked", 2),
        "note-3": ("selected", 3),
        "note-4": ("selected", 1),
        "note-5": ("parked", 4),
        "note-6": ("parking_lot", None),
        "note-7": ("selected", 3),
    }
