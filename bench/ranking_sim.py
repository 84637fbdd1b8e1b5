"""How often ranking subsets recovers the true top 3 (issue 12): ``python -m bench.ranking_sim``.

A known truth: 40 candidates with utilities drawn from a standard normal (a new draw per
repetition, seeded). 1,000 simulated people each rank one balanced subset of k candidates
by utility plus Gumbel noise of scale ``beta`` (that is exactly a Plackett-Luce model with
worths exp(u / beta); a larger beta is a noisier room). The subsets are aggregated as the
server does (games/plackett_luce.py's MM fit; the bootstrap is left out, it does not
move the point estimate) and, beside it, by the modified Borda count; the same people
also rank all 40 at once, aggregated by the rank sum (today's method for complete
rankings). Reported: how often the true top 3 comes out as the top 3 (as a set) and in
the right order, per k and noise level, over the repetitions.

The balanced draw follows the subset rule of docs (SPEC12): each person gets the k
candidates shown least so far, ties broken greedily by the fewest pair meetings with the
ones chosen already, then at random (the server breaks that last tie by a hash of ids;
here a seeded random number stands in for it). It is this module's own copy of the rule:
the subset helper's draw was not on main when this was written.

Everything is seeded, each cell on its own streams (per repetition, k and noise level), so
the same arguments print the same table and adding a k or a noise level changes no other
cell.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from gamestorm.games import plackett_luce as pl

KS = (3, 4, 5, 6, 7, 8, 10)
NOISES = (0.25, 0.5, 1.0, 2.0)
TOP = 3


def balanced_subsets(n: int, k: int, people: int, rng: np.random.Generator) -> np.ndarray:
    """``people`` x ``k`` candidate indices: least shown first, then fewest pair meetings
    with those already chosen, then a seeded random tie-break."""
    shown = np.zeros(n)
    meet = np.zeros((n, n))
    out = np.empty((people, k), dtype=np.int64)
    tiebreak = rng.random((people, n))
    big = float(people * k + 1)
    for p in range(people):
        pairs = np.zeros(n)
        score = shown * big * big + tiebreak[p]
        for j in range(k):
            c = int(np.argmin(score + pairs * big))
            out[p, j] = c
            score[c] = np.inf
            pairs += meet[c]
        chosen = out[p]
        shown[chosen] += 1
        meet[np.ix_(chosen, chosen)] += 1
    return out


def order_subsets(
    subsets: np.ndarray, utility: np.ndarray, beta: float, rng: np.random.Generator
) -> np.ndarray:
    """Each person's subset ordered by utility + Gumbel(beta) noise, best first."""
    noisy = utility[subsets] + beta * rng.gumbel(size=subsets.shape)
    rows = np.argsort(-noisy, axis=1)
    return np.take_along_axis(subsets, rows, axis=1)


def top_by_strength(orders: np.ndarray, n: int) -> list[int]:
    data = pl.OrderData.build(n, list(enumerate(orders.tolist())))
    params = pl.fit(data)
    return [int(i) for i in np.argsort(-params, kind="stable")[:TOP]]


def top_by_borda(orders: np.ndarray, n: int) -> list[int]:
    k = orders.shape[1]
    points = np.bincount(
        orders.ravel(), weights=np.tile(np.arange(k, 0, -1), len(orders)), minlength=n
    )
    return [int(i) for i in np.argsort(-points, kind="stable")[:TOP]]


def top_by_rank_sum(
    utility: np.ndarray, beta: float, people: int, rng: np.random.Generator
) -> list[int]:
    """Everyone ranks all candidates; lowest sum of positions first."""
    n = len(utility)
    noisy = utility[None, :] + beta * rng.gumbel(size=(people, n))
    positions = np.argsort(np.argsort(-noisy, axis=1), axis=1)
    return [int(i) for i in np.argsort(positions.sum(axis=0), kind="stable")[:TOP]]


def simulate(
    people: int = 1000,
    candidates: int = 40,
    ks: tuple[int, ...] = KS,
    noises: tuple[float, ...] = NOISES,
    reps: int = 50,
    seed: int = 12,
) -> dict[str, Any]:
    """Counts of recoveries per (method, k, noise); see the module docstring."""
    hits: dict[tuple[str, int, float], list[int]] = {}

    def count(method: str, k: int, beta: float, got: list[int], truth: list[int]) -> None:
        cell = hits.setdefault((method, k, beta), [0, 0])
        cell[0] += set(got) == set(truth)
        cell[1] += got == truth

    started = time.perf_counter()
    for rep in range(reps):
        rng = np.random.default_rng([seed, rep])
        utility = rng.standard_normal(candidates)
        truth = [int(i) for i in np.argsort(-utility)[:TOP]]
        for beta in noises:
            noise = np.random.default_rng([seed, rep, 0, round(beta * 1000)])
            count(
                "rank_sum", candidates, beta, top_by_rank_sum(utility, beta, people, noise), truth
            )
        for k in ks:
            subsets = balanced_subsets(candidates, k, people, np.random.default_rng([seed, rep, k]))
            for beta in noises:
                noise = np.random.default_rng([seed, rep, k, round(beta * 1000)])
                orders = order_subsets(subsets, utility, beta, noise)
                count("plackett_luce", k, beta, top_by_strength(orders, candidates), truth)
                count("borda", k, beta, top_by_borda(orders, candidates), truth)
    rows = [
        {
            "method": method,
            "k": k,
            "noise": beta,
            "top3_set": round(s / reps, 4),
            "top3_order": round(o / reps, 4),
        }
        for (method, k, beta), (s, o) in sorted(hits.items())
    ]
    return {
        "people": people,
        "candidates": candidates,
        "reps": reps,
        "seed": seed,
        "ks": list(ks),
        "noises": list(noises),
        "seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
    }


def table(report: dict[str, Any]) -> str:
    """Markdown: one row per k (and the complete rankings), set % / order % per noise."""
    cells = {(r["method"], r["k"], r["noise"]): r for r in report["rows"]}
    noises = report["noises"]
    head = "| method | k | " + " | ".join(f"noise {b}" for b in noises) + " |"
    rule = "|---|---:|" + "---:|" * len(noises)
    lines = [head, rule]

    def line(method: str, k: int, label: str) -> str:
        parts = []
        for b in noises:
            r = cells[(method, k, b)]
            parts.append(f"{r['top3_set'] * 100:.0f}% / {r['top3_order'] * 100:.0f}%")
        return f"| {label} | {k} | " + " | ".join(parts) + " |"

    for method, label in (("plackett_luce", "subsets, Plackett-Luce"), ("borda", "subsets, Borda")):
        lines += [line(method, k, label) for k in report["ks"]]
    lines.append(line("rank_sum", report["candidates"], "all 40, rank sum"))
    return "\n".join(lines)


def time_aggregate(people: int = 1000, candidates: int = 40, k: int = 5, runs: int = 3) -> float:
    """Best of ``runs`` wall-clock seconds of ``games.aggregate`` (fit and bootstrap) on
    ``people`` x ``k`` of ``candidates`` x 2 criteria: what closing such a board costs."""
    from gamestorm.games import aggregate

    rng = np.random.default_rng(5)
    ids = [f"c{i}" for i in range(candidates)]
    rankings: dict[tuple[str, str], list[str]] = {}
    for criterion in ("impact", "effort"):
        utility = rng.standard_normal(candidates)
        subsets = balanced_subsets(candidates, k, people, rng)
        for p, order in enumerate(order_subsets(subsets, utility, 1.0, rng).tolist()):
            rankings[(f"p{p:05d}", criterion)] = [ids[i] for i in order]
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        aggregate(ids, ["impact", "effort"], rankings, 3)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(prog="python -m bench.ranking_sim", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--people", type=int, default=1000)
    p.add_argument("--candidates", type=int, default=40)
    p.add_argument("--reps", type=int, default=50)
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--ks", default=",".join(map(str, KS)))
    p.add_argument("--noise", default=",".join(map(str, NOISES)))
    p.add_argument("--json", type=Path, default=Path("bench/reports/ranking_sim.json"))
    p.add_argument("--timing", action="store_true", help="only time games.aggregate at close")
    args = p.parse_args(argv)
    if args.timing:
        for k in (5, 8):
            seconds = time_aggregate(args.people, args.candidates, k)
            print(f"aggregate, {args.people} people x {args.candidates} candidates x 2 criteria,"
                  f" k={k}: {seconds:.2f} s (best of 3)")  # fmt: skip
        return {}
    report = simulate(
        people=args.people,
        candidates=args.candidates,
        ks=tuple(int(x) for x in args.ks.split(",")),
        noises=tuple(float(x) for x in args.noise.split(",")),
        reps=args.reps,
        seed=args.seed,
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("true top 3 recovered, as a set / in order, over", report["reps"], "repetitions")
    print(table(report))
    print(f"({report['seconds']} s; JSON: {args.json})", file=sys.stderr)
    return report


if __name__ == "__main__":
    main()
