"""Forced-ranking aggregation: sum of ranks, agreement, disagreement.

A candidate's score on a criterion is the sum of its 1-based positions over every order
submitted for that criterion; its total is the sum over criteria; lower is better.
Every order is a complete permutation, so each candidate gets the same number of
positions and partial participation (someone who ranked one criterion, or none) biases
no candidate: an order that was not submitted simply adds nothing.

Tie-break (deterministic): equal totals go to the candidate with the lower sum on the
first criterion, then on the second, and so on; then to the candidate with more first
places over all orders; then to the column that was made first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import sqrt
from typing import Any


@dataclass(frozen=True, slots=True)
class CandidateScore:
    column_id: str
    place: int
    total: int
    per_criterion: dict[str, int]
    first_places: int
    #: Population standard deviation of every position it got: 0 means the room agreed.
    spread: float
    selected: bool


@dataclass(frozen=True, slots=True)
class Results:
    candidates: list[CandidateScore]
    #: Kendall's W per criterion (None where it is undefined: fewer than 2 orders or
    #: fewer than 2 candidates).
    agreement: dict[str, float | None]
    rankers: int
    #: Individual orders: ``{"participant_id", "criterion", "order"}``.
    orders: list[dict[str, Any]]
    top_n: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidates": [
                {
                    "column_id": c.column_id,
                    "place": c.place,
                    "total": c.total,
                    "per_criterion": dict(c.per_criterion),
                    "first_places": c.first_places,
                    "spread": c.spread,
                    "selected": c.selected,
                }
                for c in self.candidates
            ],
            "agreement": dict(self.agreement),
            "rankers": self.rankers,
            "orders": [dict(o) for o in self.orders],
            "top_n": self.top_n,
        }


def kendall_w(orders: Sequence[Sequence[str]], candidates: Sequence[str]) -> float | None:
    """Kendall's coefficient of concordance for complete strict orders (no ties)."""
    m, n = len(orders), len(candidates)
    if m < 2 or n < 2:
        return None
    sums = dict.fromkeys(candidates, 0)
    for order in orders:
        for position, column_id in enumerate(order, start=1):
            sums[column_id] += position
    mean = m * (n + 1) / 2
    s = sum((r - mean) ** 2 for r in sums.values())
    return round(12 * s / (m * m * (n**3 - n)), 6)


def aggregate(
    candidates: Sequence[str],
    criteria: Sequence[str],
    rankings: Mapping[tuple[str, str], Sequence[str]],
    top_n: int,
) -> Results:
    """Rank the candidates (column ids in the order the columns were made).

    ``rankings`` maps ``(participant_id, criterion)`` to that participant's order; every
    order must be a permutation of ``candidates`` (the rules enforce it on submit).
    """
    made = {column_id: i for i, column_id in enumerate(candidates)}
    per: dict[str, dict[str, int]] = {c: dict.fromkeys(criteria, 0) for c in candidates}
    positions: dict[str, list[int]] = {c: [] for c in candidates}
    firsts = dict.fromkeys(candidates, 0)
    by_criterion: dict[str, list[Sequence[str]]] = {c: [] for c in criteria}
    orders: list[dict[str, Any]] = []
    for (participant_id, criterion), order in sorted(rankings.items()):
        if criterion not in by_criterion:
            continue
        by_criterion[criterion].append(order)
        orders.append(
            {"participant_id": participant_id, "criterion": criterion, "order": list(order)}
        )
        for position, column_id in enumerate(order, start=1):
            per[column_id][criterion] += position
            positions[column_id].append(position)
        if order:
            firsts[order[0]] += 1

    def key(column_id: str) -> tuple[Any, ...]:
        sums = per[column_id]
        return (
            sum(sums.values()),
            tuple(sums[c] for c in criteria),
            -firsts[column_id],
            made[column_id],
        )

    ranked = sorted(candidates, key=key)
    scores = [
        CandidateScore(
            column_id=column_id,
            place=place,
            total=sum(per[column_id].values()),
            per_criterion=per[column_id],
            first_places=firsts[column_id],
            spread=_spread(positions[column_id]),
            selected=place <= top_n,
        )
        for place, column_id in enumerate(ranked, start=1)
    ]
    return Results(
        candidates=scores,
        agreement={c: kendall_w(by_criterion[c], candidates) for c in criteria},
        rankers=len({participant_id for participant_id, _ in rankings}),
        orders=orders,
        top_n=top_n,
    )


def _spread(values: Sequence[int]) -> float:
    if not values:
        return 0.0
    mean = sum(values) / len(values)
    return round(sqrt(sum((v - mean) ** 2 for v in values) / len(values)), 4)
