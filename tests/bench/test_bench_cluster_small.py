"""The cluster benchmark at a small size: one board and many boards on 1 and 2 processes,
on PostgreSQL and Redis, every event delivered once and in order, every ack durable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.cluster import main

pytestmark = pytest.mark.timeout(400)


def test_cluster_bench_small(tmp_path: Path) -> None:
    report = main(
        ["--processes", "1,2", "--participants", "30", "--rate", "20", "--duration", "3",
         "--boards", "4", "--board-participants", "5", "--stalled", "1",
         "--flood-duration", "0", "--report", str(tmp_path / "r.json")]
    )  # fmt: skip
    scenarios = report["scenarios"]
    assert set(scenarios) == {"storm_1p", "storm_2p", "many_1p", "many_2p"}
    for name, r in scenarios.items():
        assert r["lost"] == 0 and r["duplicated"] == 0 and r["reordered"] == 0, (name, r)
        assert r["acked_not_committed"] == 0, name
        assert r["events"] > 0 and r["latency"]["p99_ms"] is not None, name
