"""SQLite appends on the loop's own connection (server/sqlite_append.py).

The append skips aiosqlite's thread, so what that thread did for it must still happen:
a database locked by another process is waited for (not refused, nothing lost), and the
WAL is checkpointed into the database file although the connection never does it itself.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from gamestorm.server.sqlite_append import CHECKPOINT_EVERY
from gamestorm.server.storage import Storage, TokenGrant


def event(n: int) -> dict[str, Any]:
    return {"kind": "prompt.set", "text": f"Eingebung Nummer {n}"}


async def opened(path: Path) -> Storage:
    store = Storage(f"sqlite+aiosqlite:///{path}")
    await store.open()
    return store


async def test_an_append_waits_for_another_process_holding_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "gamestorm.db"
    store = await opened(path)
    try:
        await store.append("b1", 1, [event(1)])
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process writes
        grant = TokenGrant("h-1", "b1", "p-1", "participant")
        pending = asyncio.create_task(store.append("b1", 2, [event(2)], [grant]))
        await asyncio.sleep(0.3)
        assert not pending.done()  # waiting for the lock, not refused
        other.execute("COMMIT")
        other.close()
        await asyncio.wait_for(pending, 5)
        assert await store.read("b1") == [event(1), event(2)]
        assert await store.grant("h-1") == grant
    finally:
        await store.close()


async def test_the_wal_is_checkpointed_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "gamestorm.db"
    store = await opened(path)
    try:
        marker = "Eingebung Nummer 1"
        for seq in range(1, CHECKPOINT_EVERY + 2):
            await store.append("b1", seq, [event(seq)])
        started = store._checkpoint  # the checkpoint the last append started, in its thread
        assert started is not None
        await asyncio.wait_for(started, 5)
        assert marker.encode() in path.read_bytes()  # copied out of the WAL
        assert len(await store.read("b1")) == CHECKPOINT_EVERY + 1
    finally:
        await store.close()


async def test_appends_survive_a_reopen_in_order(tmp_path: Path) -> None:
    path = tmp_path / "gamestorm.db"
    store = await opened(path)
    await store.append("b1", 1, [event(1), event(2)])
    await store.append("b1", 3, [event(3)], [TokenGrant("h-2", "b1", "p-2", "facilitator")])
    await store.close()
    again = await opened(path)
    try:
        assert await again.read("b1") == [event(1), event(2), event(3)]
        assert await again.grant("h-2") == TokenGrant("h-2", "b1", "p-2", "facilitator")
    finally:
        await again.close()
