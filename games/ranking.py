"""Forced-ranking aggregation: sum of ranks, agreement, disagreement; and for partial
orders (ranking subsets), Plackett-Luce strengths with bootstrap intervals.

Complete rankings (``method: "rank_sum"``, every order a permutation of all candidates):
a candidate's score on a criterion is the sum of its 1-based positions over every order
submitted for that criterion; its total is the sum over criteria; lower is better.
Every order is a complete permutation, so each candidate gets the same number of
positions and partial participation (someone who ranked one criterion, or none) biases
no candidate: an order that was not submitted simply adds nothing.

Tie-break (deterministic): equal totals go to the candidate with the lower sum on the
first criterion, then on the second, and so on; then to the candidate with more first
places over all orders; then to the column that was made first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from math import sqrt
from typing import Any

import numpy as np

from . import plackett_luce as pl

RANK_SUM = "rank_sum"
PLACKETT_LUCE = "plackett_luce"
#: Two-sided coverage of the bootstrap intervals.
LEVEL = 0.95
#: Bootstrap resamples for a board of up to REFERENCE_WORK ranked positions (1,000 people
#: x 5 candidates x 2 criteria: about 1.5 s on the reference machine, docs/ranking.md);
#: bigger boards get proportionally fewer, never fewer than MIN_RESAMPLES, so closing a
#: huge board stays a few seconds. The count depends on the data only, never on a clock.
RESAMPLES = 300
MIN_RESAMPLES = 50
REFERENCE_WORK = 10_000
#: A resample starts from the full fit, so a looser tolerance suffices.
RESAMPLE_TOL = 1e-6
RESAMPLE_MAX_ITER = 500


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
    #: Partial rankings only (``Results.method == "plackett_luce"``), else None.
    uncertainty: Uncertainty | None = None


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """What the Plackett-Luce method adds per candidate (strengths sum to 1 over all)."""

    strength: float
    interval: tuple[float, float]
    per_criterion_strength: dict[str, float]
    per_criterion_interval: dict[str, tuple[float, float]]
    #: Modified Borda points, over all criteria and per criterion.
    borda: int
    per_criterion_borda: dict[str, int]
    #: Orders it was in, over all criteria.
    appearances: int
    #: Its interval overlaps one on the other side of the selection cut.
    statistically_tied: bool
    #: Share of bootstrap resamples in which it made the top N.
    selected_share: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "strength": self.strength,
            "interval": list(self.interval),
            "per_criterion_strength": dict(self.per_criterion_strength),
            "per_criterion_interval": {c: list(i) for c, i in self.per_criterion_interval.items()},
            "borda": self.borda,
            "per_criterion_borda": dict(self.per_criterion_borda),
            "appearances": self.appearances,
            "statistically_tied": self.statistically_tied,
            "selected_share": self.selected_share,
        }


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
    #: ``"rank_sum"`` (complete rankings) or ``"plackett_luce"`` (partial).
    method: str = RANK_SUM
    #: Mean share of orders agreeing with the majority, over the pairs that met.
    pairwise_agreement: dict[str, float | None] = field(default_factory=dict)
    #: Candidates flagged ``statistically_tied``, in place order (empty for rank sums).
    tied_at_cut: list[str] = field(default_factory=list)
    #: ``{"resamples", "level", "seed"}`` of the intervals; None for rank sums.
    bootstrap: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidates": [_candidate_dict(c) for c in self.candidates],
            "agreement": dict(self.agreement),
            "rankers": self.rankers,
            "orders": [dict(o) for o in self.orders],
            "top_n": self.top_n,
            "method": self.method,
            "pairwise_agreement": dict(self.pairwise_agreement),
            "tied_at_cut": list(self.tied_at_cut),
            "bootstrap": dict(self.bootstrap) if self.bootstrap is not None else None,
        }


def _candidate_dict(c: CandidateScore) -> dict[str, Any]:
    data: dict[str, Any] = {
        "column_id": c.column_id,
        "place": c.place,
        "total": c.total,
        "per_criterion": dict(c.per_criterion),
        "first_places": c.first_places,
        "spread": c.spread,
        "selected": c.selected,
    }
    if c.uncertainty is not None:
        data.update(c.uncertainty.to_dict())
    return data


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

    ``rankings`` maps ``(participant_id, criterion)`` to that participant's order: a
    permutation of ``candidates``, or (ranking subsets) of the sender's subset; the rules
    enforce it on submit. If every order is complete, the rank sums decide as always;
    otherwise the Plackett-Luce fit does (see the module docstring).
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

    pairwise = {c: pairwise_agreement(by_criterion[c], candidates) for c in criteria}
    everyone = set(candidates)
    complete = all(
        len(o) == len(candidates) and set(o) == everyone for os in by_criterion.values() for o in os
    )
    if not complete:
        return _plackett_luce(
            candidates, criteria, rankings, top_n, per, positions, firsts, orders, pairwise
        )

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
        method=RANK_SUM,
        pairwise_agreement=pairwise,
    )


def _spread(values: Sequence[int]) -> float:
    if not values:
        return 0.0
    mean = sum(values) / len(values)
    return round(sqrt(sum((v - mean) ** 2 for v in values) / len(values)), 4)


def pairwise_agreement(orders: Sequence[Sequence[str]], candidates: Sequence[str]) -> float | None:
    """Mean, over the pairs of candidates that met in at least one order, of the share of
    those orders that put the pair the way the majority did (None: no pair met)."""
    index = {c: i for i, c in enumerate(candidates)}
    n = len(candidates)
    above = np.zeros(n * n, dtype=np.int64)  # above[a * n + b]: orders with a before b
    for k, rows in _by_length(orders, index).items():
        for i in range(k - 1):
            for j in range(i + 1, k):
                above += np.bincount(rows[:, i] * n + rows[:, j], minlength=n * n)
    before = above.reshape(n, n)
    met = before + before.T
    upper = np.triu(met > 0, 1)
    if not upper.any():
        return None
    majority = np.maximum(before, before.T)[upper] / met[upper]
    return round(float(majority.mean()), 6)


def _by_length(
    orders: Sequence[Sequence[str]], index: Mapping[str, int]
) -> dict[int, np.ndarray[Any, np.dtype[np.int64]]]:
    groups: dict[int, list[list[int]]] = {}
    for order in orders:
        known = [index[c] for c in order if c in index]
        if len(known) >= 2:
            groups.setdefault(len(known), []).append(known)
    return {k: np.array(rows, dtype=np.int64) for k, rows in groups.items()}


def data_seed(
    candidates: Sequence[str],
    criteria: Sequence[str],
    rankings: Mapping[tuple[str, str], Sequence[str]],
) -> int:
    """The bootstrap's seed: a hash of everything the results depend on, so the same
    board always gets the same intervals and games/ needs no randomness of its own."""
    digest = hashlib.sha256()
    for part in (candidates, criteria):
        digest.update("\x1f".join(part).encode() + b"\x1e")
    for (participant_id, criterion), order in sorted(rankings.items()):
        digest.update("\x1f".join((participant_id, criterion, *order)).encode() + b"\x1e")
    return int.from_bytes(digest.digest()[:6], "big")  # < 2**53: exact in JSON and JS


def resamples_for(work: int) -> int:
    """Resamples for ``work`` ranked positions: RESAMPLES up to REFERENCE_WORK, then fewer
    in proportion (the cost of one resample grows with the work), at least MIN_RESAMPLES."""
    if work <= REFERENCE_WORK:
        return RESAMPLES
    return max(MIN_RESAMPLES, RESAMPLES * REFERENCE_WORK // work)


def modified_borda(order: Sequence[str]) -> list[tuple[str, int]]:
    """Emerson's modified Borda count of one order of k: k points for first ... 1 for last."""
    k = len(order)
    return [(column_id, k - j) for j, column_id in enumerate(order)]


def _plackett_luce(
    candidates: Sequence[str],
    criteria: Sequence[str],
    rankings: Mapping[tuple[str, str], Sequence[str]],
    top_n: int,
    per: dict[str, dict[str, int]],
    positions: dict[str, list[int]],
    firsts: dict[str, int],
    orders: list[dict[str, Any]],
    pairwise: dict[str, float | None],
) -> Results:
    n = len(candidates)
    index = {c: i for i, c in enumerate(candidates)}
    made = index
    people = sorted({participant_id for participant_id, _ in rankings})
    person = {p: i for i, p in enumerate(people)}
    borda: dict[str, dict[str, int]] = {c: dict.fromkeys(criteria, 0) for c in candidates}
    appearances = dict.fromkeys(candidates, 0)
    raw: dict[str, list[tuple[int, list[int]]]] = {c: [] for c in criteria}
    for (participant_id, criterion), order in sorted(rankings.items()):
        if criterion not in raw:
            continue
        known = [c for c in order if c in index]
        raw[criterion].append((person[participant_id], [index[c] for c in known]))
        for column_id, points in modified_borda(known):
            borda[column_id][criterion] += points
            appearances[column_id] += 1
    data = {c: pl.OrderData.build(n, raw[c]) for c in criteria}
    used = [c for c in criteria if data[c].size > 0]
    point = {c: pl.fit(data[c]) for c in criteria}

    def overall(params: Mapping[str, np.ndarray[Any, np.dtype[np.float64]]]) -> Any:
        if not used:
            return pl.shares(np.zeros(n))
        return pl.shares(np.mean([params[c] for c in used], axis=0))

    strength = overall(point)
    work = sum(int(g.items.size) for d in data.values() for g in d.groups)
    resamples = resamples_for(work)
    seed = data_seed(candidates, criteria, rankings)
    rng = np.random.default_rng(seed)
    per_samples = {c: np.empty((resamples, n)) for c in criteria}
    all_samples = np.empty((resamples, n))
    in_top = np.zeros(n)
    cut = min(top_n, n)
    for b in range(resamples):
        drawn = pl.resample_counts(rng, len(people))
        params = {
            c: pl.fit(
                data[c],
                counts=pl.group_counts(data[c], drawn),
                initial=point[c],
                tol=RESAMPLE_TOL,
                max_iter=RESAMPLE_MAX_ITER,
            )
            for c in criteria
        }
        for c in criteria:
            per_samples[c][b] = pl.shares(params[c])
        all_samples[b] = overall(params)
        in_top[np.argsort(-all_samples[b], kind="stable")[:cut]] += 1
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(all_samples, [tail, 100 - tail], axis=0)
    per_low_high = {c: np.percentile(per_samples[c], [tail, 100 - tail], axis=0) for c in criteria}
    per_strength = {c: pl.shares(point[c]) for c in criteria}
    total_borda = {c: sum(borda[c].values()) for c in candidates}

    ranked = sorted(candidates, key=lambda c: (-strength[index[c]], -total_borda[c], made[c]))
    inside, outside = ranked[:cut], ranked[cut:]
    tied: set[str] = set()
    for above in inside:
        for below in outside:
            i, j = index[above], index[below]
            if low[i] <= high[j] and low[j] <= high[i]:
                tied.update((above, below))

    def r(x: Any) -> float:
        return round(float(x), 6)

    scores = []
    for place, column_id in enumerate(ranked, start=1):
        i = index[column_id]
        scores.append(
            CandidateScore(
                column_id=column_id,
                place=place,
                total=sum(per[column_id].values()),
                per_criterion=per[column_id],
                first_places=firsts[column_id],
                spread=_spread(positions[column_id]),
                selected=place <= top_n,
                uncertainty=Uncertainty(
                    strength=r(strength[i]),
                    interval=(r(low[i]), r(high[i])),
                    per_criterion_strength={c: r(per_strength[c][i]) for c in criteria},
                    per_criterion_interval={
                        c: (r(per_low_high[c][0][i]), r(per_low_high[c][1][i])) for c in criteria
                    },
                    borda=total_borda[column_id],
                    per_criterion_borda=borda[column_id],
                    appearances=appearances[column_id],
                    statistically_tied=column_id in tied,
                    selected_share=r(in_top[i] / resamples),
                ),
            )
        )
    return Results(
        candidates=scores,
        agreement=dict.fromkeys(criteria),
        rankers=len(people),
        orders=orders,
        top_n=top_n,
        method=PLACKETT_LUCE,
        pairwise_agreement=pairwise,
        tied_at_cut=[c for c in ranked if c in tied],
        bootstrap={"resamples": resamples, "level": LEVEL, "seed": seed},
    )


def ranking_counts(submitted: Iterable[tuple[str, str]], criteria: Iterable[str]) -> dict[str, Any]:
    """How far ranking has got, without saying who: distinct rankers, orders, per criterion,
    and how many ranked every criterion (``ranked_complete``)."""
    pairs = set(submitted)
    names = list(criteria)
    per = dict.fromkeys(names, 0)
    by_person: dict[str, int] = {}
    for person, criterion in pairs:
        per[criterion] = per.get(criterion, 0) + 1
        by_person[person] = by_person.get(person, 0) + 1
    return {
        "rankers": len(by_person),
        "rankings": len(pairs),
        "ranked_complete": sum(1 for n in by_person.values() if n >= len(names)),
        "per_criterion": per,
    }
