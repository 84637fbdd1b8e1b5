"""The browser benchmark end to end at CI size: a real server, real Chromium, real moves.

``python -m bench.browser`` builds a board over the wire, opens a throttled phone page and
a projector page, moves notes from other clients and measures. Here at a small size the
report must hold every figure with sane values; whether the issue's targets are met is
the bench's finding, not this test's (timings depend on the machine).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright.async_api")

from bench.browser import CHROMIUM, main  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_bench_browser_small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    out = tmp_path / "browser.json"
    main(
        [
            "--participants", "20", "--notes-each", "3", "--columns", "4",
            "--rate", "10", "--seconds", "3", "--json", str(out),
        ]
    )  # fmt: skip
    report = json.loads(out.read_text())
    assert report["setup"] == {
        "notes": 60, "columns": 4, "unsorted": 6, "setup_s": report["setup"]["setup_s"],
    }  # fmt: skip

    phone = report["phone"]
    assert phone["throttle"] == 4 and phone["viewport"] == {"width": 390, "height": 844}
    assert 0 < phone["first_dom_ms"] <= phone["first_render_ms"] <= phone["first_render_wall_ms"]
    frames = phone["frames"]
    assert frames["frames"] > 0 and frames["intervals"] > 0
    assert 0 < frames["p50_ms"] <= frames["p95_ms"] <= frames["max_ms"]
    assert phone["longtask_observer_error"] is None
    assert phone["blocking_ms"] >= 0 and phone["long_tasks"] >= 0
    assert 2.5 <= phone["window_s"] <= 3.0
    # the phone shows every column with its first notes (a bounded view: not every card)
    assert 4 <= phone["cards_in_dom"] <= 60 and phone["dom_nodes"] > phone["cards_in_dom"]
    assert phone["scroll_height"] >= phone["viewport_height"] == 844
    moves = phone["moves"]
    assert moves["sent"] == moves["acked"] == 30 and moves["errors"] == {}
    assert moves["shown"] == 30, moves  # every move reached the phone's DOM
    assert 0 < moves["shown_p50_ms"] <= moves["shown_p95_ms"] <= moves["shown_max_ms"]

    projector = report["projector"]
    assert projector["viewport"] == {"width": 1920, "height": 1080}
    assert 0 < projector["affinity"]["first_dom_ms"] <= projector["affinity"]["first_render_ms"]
    for phase in ("affinity", "rank", "close"):
        assert projector[phase]["dom_nodes"] > 0, phase
        assert projector[phase]["scroll_height"] >= 1, phase

    names = [row["figure"] for row in report["targets"]]
    assert names[:5] == [
        "phone first render ms", "phone frame p95 ms", "phone longest frame ms",
        "phone blocking ms over 3 s", "phone DOM nodes",
    ]  # fmt: skip
    assert "projector close scroll height px" in names
    for row in report["targets"]:
        assert row["value"] is not None and row["met"] in (True, False), row
    assert report["page_errors"] == []
    assert report["meta"]["loadavg_before"] and report["meta"]["loadavg_after"]
    printed = capsys.readouterr().out
    assert "phone frame p95 ms" in printed and "moves sent 30, acked 30" in printed
