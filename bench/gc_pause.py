"""What a full garbage collection costs the server, with and without its startup heap.

    python -m bench.gc_pause

A gen-2 collection walks every tracked object and holds the event loop meanwhile, so
every socket of a busy board waits for it. Most objects of a fresh server are its
modules, its app and its migrations, which live as long as the process; ``serve``
freezes them once started (``gc.freeze`` in server/app.py). This builds the app, opens
a SQLite database (the migrations run) and times ``gc.collect()`` before and after the
freeze: the difference is what every later gen-2 pause no longer pays.
"""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path

import uvloop

from gamestorm.server.app import build_app
from gamestorm.server.config import Settings


def full_collection_ms(rounds: int = 5) -> float:
    took = []
    for _ in range(rounds):
        start = time.perf_counter()
        gc.collect()
        took.append((time.perf_counter() - start) * 1000)
    return sorted(took)[rounds // 2]


async def started(db: Path) -> None:
    app = build_app(Settings(db_url=f"sqlite+aiosqlite:///{db}"))
    async with app.router.lifespan_context(app):
        pass


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gamestorm-gc-") as tmp:
        uvloop.run(started(Path(tmp) / "gc.db"))
        objects = len(gc.get_objects())
        before = full_collection_ms()
        gc.freeze()
        after = full_collection_ms()
        print(f"tracked objects after start: {objects:,}")
        print(f"full collection: {before:.1f} ms before the freeze, {after:.2f} ms after")


if __name__ == "__main__":
    main()
