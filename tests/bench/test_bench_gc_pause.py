"""The collection benchmark (bench/gc_pause.py) runs on a started app and shows what the
freeze takes out of a full collection (in a process of its own: a freeze is for life)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_startup_heap_frozen_leaves_a_full_collection_little_to_walk() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.gc_pause"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    counted = re.search(r"tracked objects after start: ([\d,]+)", done.stdout)
    timed = re.search(r"([\d.]+) ms before the freeze, ([\d.]+) ms after", done.stdout)
    assert counted is not None and timed is not None, done.stdout
    objects = int(counted[1].replace(",", ""))
    before, after = float(timed[1]), float(timed[2])
    assert objects > 50_000  # the modules, the app, the migrations
    assert after < before
