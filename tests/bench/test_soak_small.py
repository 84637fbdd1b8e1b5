"""The soak (bench/soak.py) for one minute at CI size: 10 boards, churn, hostile clients.

Well-behaved clients get no error frame and no gap; every acknowledged note is in the
SQLite log at its acked seq; the hostile clients were indeed stopped (rate limited,
refused past the socket cap, guesses throttled, dribblers timed out).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak import main, ok

pytestmark = pytest.mark.slow


def test_soak_small(tmp_path: Path) -> None:
    report = main(
        [
            "--minutes", "1",
            "--boards", "10",
            "--note-interval", "10",
            "--idle-unload-seconds", "5",
            "--warmup-minutes", "0.2",
            "--sample-seconds", "5",
            "--workdir", str(tmp_path),
        ]
    )  # fmt: skip
    assert ok(report), report
    assert report["commands_acked"] > 200, report
    assert report["reconnects"] > 5, report
    hostile = report["hostile"]
    assert hostile.get("flood_rate_limited", 0) > 0, hostile
    assert hostile.get("hoard_refused", 0) > 0, hostile
    assert hostile.get("guess_429", 0) > hostile.get("guess_404", 0), hostile
    assert hostile.get("dribble_408", 0) > 0, hostile
    assert report["rss_end_mib"] < 200, report
