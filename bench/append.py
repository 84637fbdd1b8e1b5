"""What one append of one move costs the writer, on a SQLite file.

    python -m bench.append [--appends 2000]

``Storage.append`` as the server runs it (the loop's own connection,
server/sqlite_append.py) against the same append through SQLAlchemy's async session and
aiosqlite's thread (the path it replaced, still taken when another process holds the
lock). Per append: p50, p99 and max in microseconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import uvloop

from gamestorm.server.storage import BoardRow, Storage


async def measure(path: Path, appends: int, fast: bool) -> list[float]:
    store = Storage(f"sqlite+aiosqlite:///{path}")
    await store.open()
    try:
        if not fast:
            store._fast = None  # the aiosqlite path  # noqa: SLF001
        board = BoardRow(id="b1", join_code="BENCH1", created_at=time.time())
        await store.create_board(board, [], {"kind": "board.created", "title": "Bench"})
        took = []
        for seq in range(2, appends + 2):
            move = {"kind": "note.moved", "note_id": f"n{seq}", "column_id": "k1", "by": "p1"}
            start = time.perf_counter()
            await store.append("b1", seq, [move])
            took.append((time.perf_counter() - start) * 1e6)
        return sorted(took)
    finally:
        await store.close()


async def main(appends: int) -> None:
    with tempfile.TemporaryDirectory(prefix="gamestorm-append-") as tmp:
        for name, fast in (("loop's connection", True), ("aiosqlite's thread", False)):
            took = await measure(Path(tmp) / f"{fast}.db", appends, fast)
            p50, p99 = took[len(took) // 2], took[int(len(took) * 0.99)]
            print(f"{name:20} p50 {p50:7.0f} us  p99 {p99:7.0f} us  max {took[-1]:7.0f} us")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    uvloop.run(main(parser.parse_args().appends))
