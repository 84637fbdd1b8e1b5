"""Partial rankings (subsets): the Plackett-Luce fit, its bootstrap, Borda, pairwise agreement.

The fit is checked against choix, an independent implementation (pinned in the test
extra); the intervals against a known truth; the tie flag on a case that is a coin toss
at the cut and on one that is not.
"""

from __future__ import annotations

import choix
import numpy as np
import pytest

from gamestorm.games import aggregate
from gamestorm.games import plackett_luce as pl
from gamestorm.games.ranking import (
    PLACKETT_LUCE,
    RANK_SUM,
    modified_borda,
    pairwise_agreement,
    resamples_for,
)


def simulate(
    strengths: list[float], people: int, k: int, seed: int, criterion: str = "impact"
) -> dict[tuple[str, str], list[str]]:
    """Each person orders k random candidates by Plackett-Luce (log-worth + Gumbel)."""
    rng = np.random.default_rng(seed)
    n = len(strengths)
    utility = np.array(strengths)
    out = {}
    for p in range(people):
        subset = rng.choice(n, k, replace=False)
        noisy = utility[subset] + rng.gumbel(size=k)
        out[(f"p{p:04d}", criterion)] = [f"c{i}" for i in subset[np.argsort(-noisy)]]
    return out


def as_indices(rankings: dict[tuple[str, str], list[str]]) -> list[list[int]]:
    return [[int(c[1:]) for c in order] for _, order in sorted(rankings.items())]


@pytest.mark.parametrize("alpha", [0.0, pl.ALPHA, 1.0])
def test_mm_fit_agrees_with_choix(alpha: float) -> None:
    truth = [1.2, 0.8, 0.5, 0.1, 0.0, -0.3, -0.6, -1.0, -1.5, 0.3]
    rankings = simulate(truth, people=300, k=4, seed=7)
    orders = as_indices(rankings)
    data = pl.OrderData.build(len(truth), list(enumerate(orders)))
    ours = pl.fit(data, alpha=alpha)
    mm = choix.mm_rankings(len(truth), orders, alpha=alpha)
    # Both are centred log-worths (mean 0).
    assert abs(ours.mean()) < 1e-12
    assert np.max(np.abs(ours - mm)) < 1e-3
    if alpha == 0:
        # I-LSR's alpha is another regulariser; without one, both find the same MLE.
        ilsr = choix.ilsr_rankings(len(truth), orders, max_iter=1000)
        assert np.max(np.abs(ours - ilsr)) < 1e-3
    # And the fit found the truth's order roughly: the strongest is among the top two.
    assert int(np.argmax(ours)) in (0, 1)


def test_mm_fit_agrees_with_choix_on_orders_of_mixed_lengths() -> None:
    rankings = simulate([0.9, 0.4, 0.0, -0.2, -0.7, 0.2], people=120, k=3, seed=3)
    rankings |= {
        (p, "impact"): o
        for (p, _), o in simulate([0.9, 0.4, 0.0, -0.2, -0.7, 0.2], 80, 5, 4).items()
    }
    orders = [[int(c[1:]) for c in o] for o in rankings.values()]
    data = pl.OrderData.build(6, list(enumerate(orders)))
    assert {g.items.shape[1] for g in data.groups} == {3, 5}
    assert np.max(np.abs(pl.fit(data) - choix.mm_rankings(6, orders, alpha=pl.ALPHA))) < 1e-3


def test_resample_weights_are_the_same_as_repeating_the_orders() -> None:
    """A bootstrap resample weighs each person's orders by how often they were drawn;
    that must be the fit of the orders written out that many times."""
    orders = as_indices(simulate([0.5, 0.0, -0.5, 0.2, 0.1], people=40, k=3, seed=11))
    data = pl.OrderData.build(5, list(enumerate(orders)))
    drawn = pl.resample_counts(np.random.default_rng(5), 40)
    weighted = pl.fit(data, counts=pl.group_counts(data, drawn))
    repeated = [o for o, times in zip(orders, drawn, strict=True) for _ in range(int(times))]
    assert np.max(np.abs(weighted - choix.mm_rankings(5, repeated, alpha=pl.ALPHA))) < 1e-3


def test_a_candidate_that_never_wins_gets_a_finite_strength() -> None:
    rankings = {(f"p{i}", "x"): ["A", "B", "C"] for i in range(5)} | {("q", "x"): ["B", "A"]}
    results = aggregate(["A", "B", "C", "D"], ["x"], rankings, top_n=1)
    strengths = {c.column_id: c.uncertainty.strength for c in results.candidates if c.uncertainty}
    assert results.method == PLACKETT_LUCE
    assert strengths["A"] > strengths["B"] > strengths["C"] > 0
    # D was in no order: it keeps the prior's middle, between winners and the loser C.
    assert strengths["D"] > strengths["C"]
    assert sum(strengths.values()) == pytest.approx(1.0, abs=1e-5)


def test_bootstrap_intervals_contain_the_truth() -> None:
    truth = [1.0, 0.6, 0.3, 0.0, -0.2, -0.5, -0.8, -1.1]
    rankings = simulate(truth, people=400, k=4, seed=21)
    results = aggregate([f"c{i}" for i in range(8)], ["impact"], rankings, top_n=3)
    true_shares = pl.shares(np.array(truth))
    inside = 0
    for c in results.candidates:
        assert c.uncertainty is not None
        low, high = c.uncertainty.interval
        assert low <= c.uncertainty.strength <= high
        assert high - low < 0.1  # 400 people say something definite
        inside += low <= true_shares[int(c.column_id[1:])] <= high
    assert inside >= 7  # 95% intervals: one of eight may miss
    assert [c.column_id for c in results.candidates[:3]] == ["c0", "c1", "c2"]
    assert results.bootstrap is not None and results.bootstrap["resamples"] == resamples_for(1600)


def test_clearly_separated_candidates_are_not_tied_at_the_cut() -> None:
    truth = [3.0, 2.5, 2.0, -2.0, -2.5, -3.0]
    rankings = simulate(truth, people=300, k=3, seed=2)
    results = aggregate([f"c{i}" for i in range(6)], ["impact"], rankings, top_n=3)
    assert [c.column_id for c in results.candidates if c.selected] == ["c0", "c1", "c2"]
    assert results.tied_at_cut == []
    assert not any(c.uncertainty and c.uncertainty.statistically_tied for c in results.candidates)
    shares = [c.uncertainty.selected_share for c in results.candidates if c.uncertainty]
    assert shares[:3] == [1.0, 1.0, 1.0] and shares[3:] == [0.0, 0.0, 0.0]


def test_indistinguishable_candidates_at_the_cut_are_flagged() -> None:
    """c1 and c2 are equally strong, and the cut (top 2) falls between them."""
    truth = [3.0, 0.0, 0.0, -3.0, -3.0]
    rankings = simulate(truth, people=200, k=3, seed=9)
    results = aggregate([f"c{i}" for i in range(5)], ["impact"], rankings, top_n=2)
    assert results.candidates[0].column_id == "c0"
    assert set(results.tied_at_cut) == {"c1", "c2"}
    flagged = {c.column_id for c in results.candidates if c.uncertainty.statistically_tied}  # type: ignore[union-attr]
    assert flagged == {"c1", "c2"}
    data = results.to_dict()
    assert data["tied_at_cut"] == results.tied_at_cut
    assert {c["column_id"] for c in data["candidates"] if c["statistically_tied"]} == flagged


def test_modified_borda_by_hand() -> None:
    """Emerson's modified Borda: in an order of k, place j gets k - j + 1 points.

    x  p1: A B C (3 2 1)   p2: C A (2 1)   p3: B D C A (4 3 2 1)
    A: 3 + 1 + 1 = 5; B: 2 + 4 = 6; C: 1 + 2 + 2 = 5; D: 3.
    y  p1: D A (2 1): A 1, D 2.
    """
    assert modified_borda(["B", "D", "C", "A"]) == [("B", 4), ("D", 3), ("C", 2), ("A", 1)]
    rankings = {
        ("p1", "x"): ["A", "B", "C"],
        ("p2", "x"): ["C", "A"],
        ("p3", "x"): ["B", "D", "C", "A"],
        ("p1", "y"): ["D", "A"],
    }
    results = aggregate(["A", "B", "C", "D"], ["x", "y"], rankings, top_n=2)
    got = {
        c.column_id: (
            c.uncertainty.borda,
            c.uncertainty.per_criterion_borda,
            c.uncertainty.appearances,
        )
        for c in results.candidates
        if c.uncertainty
    }
    assert got == {
        "A": (6, {"x": 5, "y": 1}, 4),
        "B": (6, {"x": 6, "y": 0}, 2),
        "C": (5, {"x": 5, "y": 0}, 3),
        "D": (5, {"x": 3, "y": 2}, 2),
    }
    # Positions within the subset still sum as before (they do not decide the place).
    a = next(c for c in results.candidates if c.column_id == "A")
    assert a.per_criterion == {"x": 1 + 2 + 4, "y": 2}
    assert results.agreement == {"x": None, "y": None}  # Kendall's W needs complete orders


def test_pairwise_agreement_by_hand() -> None:
    """Pairs: A-B met 3 times (A first twice): 2/3; A-C twice, split: 1/2; B-C once: 1.
    Mean over the three pairs that met: (2/3 + 1/2 + 1) / 3. D never met anyone."""
    orders = [["A", "B"], ["A", "C", "B"], ["B", "A"], ["C", "A"]]
    # In ["A", "C", "B"], C is before B: B-C once, C first.
    assert pairwise_agreement(orders, ["A", "B", "C", "D"]) == round((2 / 3 + 1 / 2 + 1) / 3, 6)
    assert pairwise_agreement([["A"], []], ["A", "B"]) is None
    assert pairwise_agreement([["A", "B"], ["A", "B"]], ["A", "B"]) == 1.0


def test_complete_rankings_keep_the_rank_sum_and_its_candidate_fields() -> None:
    rankings = {("r1", "impact"): ["B", "A", "C"], ("r2", "impact"): ["B", "C", "A"]}
    results = aggregate(["A", "B", "C"], ["impact"], rankings, top_n=1)
    data = results.to_dict()
    assert data["method"] == RANK_SUM
    assert data["bootstrap"] is None and data["tied_at_cut"] == []
    assert data["pairwise_agreement"] == {"impact": round((1 + 1 + 0.5) / 3, 6)}
    assert set(data["candidates"][0]) == {
        "column_id",
        "place",
        "total",
        "per_criterion",
        "first_places",
        "spread",
        "selected",
    }


def test_partial_results_are_reproducible_and_json_plain() -> None:
    rankings = simulate([0.5, 0.4, 0.3, 0.2, 0.1, 0.0, -0.1], people=60, k=3, seed=1)
    candidates = [f"c{i}" for i in range(7)]
    first = aggregate(candidates, ["impact"], rankings, top_n=3).to_dict()
    again = aggregate(candidates, ["impact"], dict(reversed(list(rankings.items()))), 3).to_dict()
    assert first == again
    import json

    assert json.loads(json.dumps(first)) == first
    assert first["bootstrap"]["seed"] < 2**53
    keys = set(first["candidates"][0])
    assert {
        "strength",
        "interval",
        "per_criterion_strength",
        "per_criterion_interval",
        "borda",
        "per_criterion_borda",
        "appearances",
        "statistically_tied",
        "selected_share",
    } <= keys


def test_resamples_shrink_with_the_size_of_the_board() -> None:
    assert resamples_for(100) == resamples_for(10_000) == 300
    assert resamples_for(20_000) == 150
    assert resamples_for(10**7) == 50
