"""Plackett-Luce strengths from partial orders, fitted by MM, with a bootstrap over people.

The Plackett-Luce model explains an order of k candidates as k-1 choices in turn: the
first is picked from all k with probability proportional to its worth, the second from
the rest, and so on. Its worths are what a ranking of subsets can estimate for every
candidate, although nobody compared them all.

The fit is the minorise-maximise (MM) iteration of D. R. Hunter, "MM algorithms for
generalized Bradley-Terry models", Annals of Statistics 32 (2004) 384-406, section 5,
vectorised with numpy, in exactly the form of ``choix.mm_rankings`` (which the tests
compare it with): worths normalised to mean 1 inside each step, and the same ``alpha``
(a small pseudo-count on every candidate's wins and denominators; the MAP estimate under
a peaked Dirichlet prior). Without it, a candidate that never beat anyone would get
worth 0 and the MLE would not exist; with it, the estimate is finite and shrinks gently
towards "all equal" where the data says little.

Parameters are centred log-worths (mean 0), as in choix. ``shares`` turns them into
strengths that sum to 1: a candidate's chance of being picked first from all of them.

Everything here is pure: the bootstrap's randomness comes from a seed its caller passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: Pseudo-count of the MAP estimate (choix's ``alpha``), see the module docstring.
ALPHA = 0.1
TOL = 1e-8
MAX_ITER = 20_000

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Group:
    """All orders of one length k (>= 2): ``items[r]`` is order r as candidate indices,
    ``owners[r]`` the index of the person who gave it (for the bootstrap)."""

    items: Ints
    owners: Ints


@dataclass(frozen=True, slots=True)
class OrderData:
    """One criterion's orders over ``n`` candidates, grouped by length for numpy."""

    n: int
    groups: tuple[Group, ...]

    @classmethod
    def build(cls, n: int, orders: Sequence[tuple[int, Sequence[int]]]) -> OrderData:
        """From ``(owner index, order as candidate indices)``; orders of fewer than two
        candidates say nothing about anyone and are left out."""
        by_length: dict[int, list[tuple[int, Sequence[int]]]] = {}
        for owner, order in orders:
            if len(order) >= 2:
                by_length.setdefault(len(order), []).append((owner, order))
        groups = tuple(
            Group(
                items=np.array([o for _, o in rows], dtype=np.int64).reshape(len(rows), k),
                owners=np.array([p for p, _ in rows], dtype=np.int64),
            )
            for k, rows in sorted(by_length.items())
        )
        return cls(n, groups)

    @property
    def size(self) -> int:
        """Number of orders."""
        return sum(len(g.owners) for g in self.groups)


def _normalised(params: Floats) -> Floats:
    """``choix.utils.exp_transform``: worths with mean 1."""
    weights = np.exp(params - params.mean())
    out: Floats = (len(weights) / weights.sum()) * weights
    return out


def _centred_log(weights: Floats) -> Floats:
    """``choix.utils.log_transform``."""
    params: Floats = np.log(weights)
    centred: Floats = params - params.mean()
    return centred


def _wins(data: OrderData, counts: Sequence[Floats] | None) -> Floats:
    """Times each candidate was picked (every place but the last), weighted by ``counts``."""
    wins = np.zeros(data.n)
    for i, group in enumerate(data.groups):
        k = group.items.shape[1]
        weight = None if counts is None else np.repeat(counts[i], k - 1)
        wins += np.bincount(group.items[:, :-1].ravel(), weights=weight, minlength=data.n)
    return wins


def _denominators(data: OrderData, weights: Floats, counts: Sequence[Floats] | None) -> Floats:
    """Hunter's denominators: for every choice stage a candidate took part in, 1 over the
    total worth of that stage's choice set (weighted by ``counts``)."""
    denoms = np.zeros(data.n)
    for i, group in enumerate(data.groups):
        items = group.items
        w = weights[items]
        # remaining[:, j]: total worth of the candidates from place j on (the j-th choice set).
        remaining = np.cumsum(w[:, ::-1], axis=1)[:, ::-1]
        inverse = 1.0 / remaining[:, :-1]
        if counts is not None:
            inverse *= counts[i][:, None]
        # The candidate at place j took part in choices 0..min(j, k-2).
        took_part = np.cumsum(inverse, axis=1)
        took_part = np.concatenate([took_part, took_part[:, -1:]], axis=1)
        denoms += np.bincount(items.ravel(), weights=took_part.ravel(), minlength=data.n)
    return denoms


def fit(
    data: OrderData,
    *,
    alpha: float = ALPHA,
    tol: float = TOL,
    max_iter: int = MAX_ITER,
    initial: Floats | None = None,
    counts: Sequence[Floats] | None = None,
) -> Floats:
    """Centred log-worths by MM; ``counts`` weighs each order (per group), e.g. how often
    a bootstrap resample drew its owner. Stops when one MM step changes the parameters by
    at most ``tol`` on average (choix's test), or after ``max_iter`` rounds.

    Plain MM crawls when strengths are far apart (hundreds of steps); each round here is
    one SQUAREM extrapolation (R. Varadhan and C. Roland, "Simple and globally convergent
    methods for accelerating the convergence of any EM algorithm", Scandinavian Journal
    of Statistics 35 (2008) 335-353, scheme S3): two MM steps, a jump along the line they
    trace, and one more MM step from there. It changes the speed, not the fixed point.
    """
    params = np.zeros(data.n) if initial is None else np.array(initial, dtype=np.float64)
    if data.n == 0:
        return params
    wins = _wins(data, counts) + alpha

    def step(x: Floats) -> Floats:
        denoms = _denominators(data, _normalised(x), counts) + alpha
        # Without the prior, a candidate in no order has 0/0: it keeps worth 1.
        return _centred_log(np.divide(wins, denoms, out=np.ones(data.n), where=denoms > 0))

    for _ in range(max_iter):
        first = step(params)
        if np.abs(first - params).sum() <= tol * data.n:
            return first
        second = step(first)
        r = first - params
        v = second - first - r
        length = float(np.linalg.norm(v))
        if length == 0.0:
            params = second
            continue
        a = min(-float(np.linalg.norm(r)) / length, -1.0)
        jumped = step(params - 2 * a * r + a * a * v)
        params = jumped if np.all(np.isfinite(jumped)) else second
    return params


def shares(params: Floats) -> Floats:
    """Strengths that sum to 1 (the softmax of the log-worths)."""
    weights = np.exp(params - params.max())
    out: Floats = weights / weights.sum()
    return out


def resample_counts(rng: np.random.Generator, people: int) -> Floats:
    """How often each of ``people`` is drawn when drawing ``people`` with replacement."""
    drawn = rng.integers(0, people, size=people)
    out: Floats = np.bincount(drawn, minlength=people).astype(np.float64)
    return out


def group_counts(data: OrderData, per_person: Floats) -> list[Floats]:
    """A person's draw count, as the weight of each of their orders in ``data``."""
    return [per_person[g.owners] for g in data.groups]
