"""The append benchmark (bench/append.py) at CI size: both paths it compares run and
keep every move, in order (its figures are in docs/performance.md, not asserted here)."""

from __future__ import annotations

from pathlib import Path

import uvloop

from bench.append import measure
from gamestorm.server.storage import Storage


async def logged(path: Path) -> list[str]:
    store = Storage(f"sqlite+aiosqlite:///{path}")
    await store.open()
    try:
        return [e["note_id"] for e in (await store.read("b1")) if e["kind"] == "note.moved"]
    finally:
        await store.close()


def test_both_append_paths_keep_every_move(tmp_path: Path) -> None:
    for fast in (True, False):
        path = tmp_path / f"{fast}.db"
        took = uvloop.run(measure(path, 200, fast=fast))
        assert len(took) == 200 and all(t > 0 for t in took)
        assert uvloop.run(logged(path)) == [f"n{seq}" for seq in range(2, 202)]
