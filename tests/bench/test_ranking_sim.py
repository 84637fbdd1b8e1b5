"""The ranking simulation (bench/ranking_sim.py) at test size: the balanced draw keeps
every candidate's count within one, and at low noise subsets of 5 find the true top 3."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bench.ranking_sim import balanced_subsets, main, simulate, table


def test_the_draw_is_balanced() -> None:
    subsets = balanced_subsets(40, 5, 1000, np.random.default_rng(1))
    counts = np.bincount(subsets.ravel(), minlength=40)
    assert counts.max() - counts.min() <= 1
    assert all(len(set(row)) == 5 for row in subsets.tolist())
    meetings = np.zeros((40, 40))
    for row in subsets:
        meetings[np.ix_(row, row)] += 1
    pairs = meetings[np.triu_indices(40, 1)]
    assert pairs.min() >= 1  # every pair met
    assert pairs.max() - pairs.min() <= 4  # and about equally often (mean 12.8)


def test_low_noise_subsets_of_five_recover_the_top_three() -> None:
    report = simulate(people=400, candidates=20, ks=(5,), noises=(0.25,), reps=10, seed=3)
    cells = {(r["method"], r["k"]): r for r in report["rows"]}
    assert cells[("plackett_luce", 5)]["top3_set"] >= 0.7
    assert cells[("rank_sum", 20)]["top3_set"] >= 0.8
    assert "| subsets, Plackett-Luce | 5 |" in table(report)


def test_main_writes_the_json(tmp_path: Path) -> None:
    out = tmp_path / "sim.json"
    argv = ["--people", "60", "--candidates", "8", "--reps", "2", "--ks", "3", "--noise", "1"]
    main([*argv, "--json", str(out)])
    data = json.loads(out.read_text())
    assert {r["method"] for r in data["rows"]} == {"plackett_luce", "borda", "rank_sum"}
