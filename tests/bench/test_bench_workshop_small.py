"""The workshop of a thousand (bench/workshop.py) at CI size: 60 people, 300 notes.

Every phase over the real wire against a real server process: packets place every note
(and the second look sees each twice), subsets rank, the board closes and exports, and
the true top 3 comes back at low noise. Nothing lost, duplicated or refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.workshop import main

pytestmark = pytest.mark.slow


def test_workshop_small(tmp_path: Path) -> None:
    report_path = tmp_path / "workshop.json"
    main(
        [
            "--participants", "60",
            "--notes-each", "5",
            "--columns", "12",
            "--subset-size", "5",
            "--noise", "1.0",
            "--packets-from", "100",
            "--report", str(report_path),
        ]
    )  # fmt: skip
    report = json.loads(report_path.read_text())
    assert set(report["phases"]) == {
        "join",
        "generate",
        "affinity",
        "name",
        "rank",
        "close_and_export",
    }
    counts = report["packets"]["counts_at_end_of_affinity"]
    assert counts["placed"] == counts["notes"] == 300
    assert counts["packets_on"] is True and counts["packets_open"] == 0
    assert counts["second_look"] == {"seen_twice": 300, "total": 300}
    assert report["packets"]["sort"] >= 300 // 8
    assert report["lost_or_reordered"] == 0
    assert report["errors"] == {}
    assert report["top3_overlap"] >= 2
    assert report["export_bytes"] > 0
