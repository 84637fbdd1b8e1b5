"""The load benchmark end to end at CI size, against real server processes.

``python -m bench`` starts its own server (and the bare relay) as subprocesses, drives them
with worker processes speaking the wire, and checks every client got every event once and
in order. Here at a small size: nothing may be lost, duplicated or reordered, and the
report has the fields docs/performance.md quotes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.run import main

pytestmark = pytest.mark.slow


def test_bench_small(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    main(
        [
            "--participants", "50",
            "--rate", "20",
            "--duration", "3",
            "--stalled", "2",
            "--notes-per-participant", "5",
            "--boards", "5",
            "--board-participants", "10",
            "--flood-duration", "2",
            "--flood-senders", "10",
            "--workers", "2",
            "--report", str(report_path),
        ]
    )  # fmt: skip
    report = json.loads(report_path.read_text())
    scenarios = report["scenarios"]
    assert set(scenarios) == {
        "baseline_storm", "storm", "baseline_flood", "flood", "flood_batch", "reveal", "many",
    }  # fmt: skip
    for name, result in scenarios.items():
        assert result["lost"] == 0, (name, result)
        assert result["duplicated"] == 0, (name, result)
        assert result["reordered"] == 0, (name, result)
        assert result["clients_checked"] > 0, name
        assert result.get("commands_unanswered", 0) == 0, name
        for key in ("target", "clients", "server_cpu_pct", "server_rss_peak_mb",
                    "memory_per_connection_kb"):  # fmt: skip
            assert key in result, (name, key)
    for name in ("storm", "baseline_storm", "many", "flood", "flood_batch", "baseline_flood"):
        result = scenarios[name]
        latency = result["latency"]
        assert latency["count"] > 0, name
        assert latency["p50_ms"] <= latency["p99_ms"] <= latency["max_ms"], name
        assert result["events"] > 0 and result["deliveries_per_s"] > 0, name
        assert not result["errors"], (name, result["errors"], result["error_samples"])
    for name in ("storm", "many", "flood", "flood_batch"):
        assert scenarios[name]["acked_not_committed"] == 0, name
    storm = scenarios["storm"]
    assert storm["clients_checked"] == 50 - 2 and storm["stalled"] == 2
    reveal = scenarios["reveal"]
    assert reveal["notes"] == 250
    assert reveal["clients_with_all_notes"] == reveal["clients_checked"] == 50
    assert reveal["payloads_verified"] >= 1
    assert reveal["reveal_all_ms"] is not None
    assert scenarios["many"]["boards"] == 5 and scenarios["many"]["clients_checked"] == 50
    ratios = report["ratios_to_relay"]
    for key in ("storm_latency_p99_ms", "flood_deliveries_per_s", "flood_batch_deliveries_per_s"):
        assert ratios[key] > 0, key


def test_bench_small_in_the_mode_browsers_use(tmp_path: Path) -> None:
    """``--batch --deflate``: the reveal reaches every client compressed, and every
    client's copy, inflated after the run, holds every note."""
    report_path = tmp_path / "report.json"
    main(
        [
            "--scenarios", "storm,reveal",
            "--participants", "50",
            "--rate", "20",
            "--duration", "2",
            "--notes-per-participant", "5",
            "--workers", "2",
            "--batch", "--deflate",
            "--report", str(report_path),
        ]
    )  # fmt: skip
    scenarios = json.loads(report_path.read_text())["scenarios"]
    for name in ("storm", "reveal"):
        result = scenarios[name]
        assert (result["lost"], result["duplicated"], result["reordered"]) == (0, 0, 0), name
    reveal = scenarios["reveal"]
    assert reveal["compressed_frames"] == 50
    assert reveal["clients_with_all_notes"] == reveal["clients_checked"] == 50
    assert reveal["payloads_verified"] >= 1
