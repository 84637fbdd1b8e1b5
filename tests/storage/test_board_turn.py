"""The board's turn (``Storage.append_in_turn``): a writer that lost a race reads what
the others committed and appends its decision while nobody else can append to the
board, so it cannot lose again (a process that kept losing used to give up with
``unavailable``). On PostgreSQL every append takes the board's advisory lock; on a
SQLite file the turn is the file's write lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson
import pytest

from gamestorm.server.seams import LogConflict
from gamestorm.server.storage import Storage, TokenGrant, board_lock_key, sqlite_file
from support.databases import fresh_postgres


def event(n: int) -> dict[str, Any]:
    return {"kind": "prompt.set", "text": f"prompt {n}"}


@dataclass
class Decided:
    expected_seq: int
    events: list[dict[str, Any]]
    grants: list[TokenGrant] = field(default_factory=list)


def raw_pg(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def board_taken_elsewhere(store: Storage, board_id: str) -> bool:
    """Whether another process could append to the board right now (asked from outside
    the event loop, which the turn's ``decide`` blocks)."""
    path = sqlite_file(store.url)
    if path is not None:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            other.close()
    answer: list[bool] = []

    async def try_lock() -> None:
        conn = await asyncpg.connect(raw_pg(store.url))
        try:
            async with conn.transaction():
                got = await conn.fetchval(
                    "SELECT pg_try_advisory_xact_lock($1)", board_lock_key(board_id)
                )
                answer.append(not got)
        finally:
            await conn.close()

    thread = threading.Thread(target=lambda: asyncio.run(try_lock()))
    thread.start()
    thread.join(10)
    return answer == [True]


async def test_a_turn_decides_on_what_others_committed_and_holds_the_board(
    storage: Storage, other_storage: Storage
) -> None:
    await storage.append("b1", 1, [event(1)])
    await other_storage.append("b1", 2, [event(2)])  # another process's, not yet heard of
    grant = TokenGrant("h-turn", "b1", "p-turn", "participant")
    calls: list[tuple[list[dict[str, Any]], bool]] = []

    def decide(tail: list[dict[str, Any]]) -> Decided:
        calls.append((tail, board_taken_elsewhere(storage, "b1")))
        return Decided(2 + len(tail), [event(3)], [grant])

    await storage.append_in_turn("b1", 1, decide)
    assert calls == [([event(2)], True)]  # the newest tail, and nobody else could append
    assert await other_storage.read("b1") == [event(1), event(2), event(3)]
    assert await other_storage.grant("h-turn") == grant
    assert not board_taken_elsewhere(storage, "b1")  # let go once committed


async def test_a_turn_that_decides_nothing_writes_nothing(storage: Storage) -> None:
    await storage.append("b1", 1, [event(1)])
    await storage.append_in_turn("b1", 1, lambda tail: Decided(2, []))
    assert await storage.read("b1") == [event(1)]
    await storage.append("b1", 2, [event(2)])  # the board is free again
    assert await storage.read("b1", since=1) == [event(2)]


async def test_on_postgres_appends_wait_for_the_boards_lock_and_turns_read_after_it() -> None:
    with fresh_postgres() as url:
        store = Storage(url)
        await store.open()
        conn = await asyncpg.connect(raw_pg(url))
        try:
            await store.append("b1", 1, [event(1)])
            seen: list[list[dict[str, Any]]] = []

            def decide(tail: list[dict[str, Any]]) -> Decided:
                seen.append(tail)
                return Decided(2 + len(tail), [event(3)])

            holder = conn.transaction()
            await holder.start()  # another process in its turn, writing seq 2
            await conn.execute("SELECT pg_advisory_xact_lock($1)", board_lock_key("b1"))
            await conn.execute(
                "INSERT INTO events (board_id, seq, kind, version, data) VALUES ($1, 2, $2, 1, $3)",
                "b1",
                "prompt.set",
                orjson.dumps(event(2)),
            )
            append = asyncio.create_task(store.append("b1", 2, [event(20)]))
            turn = asyncio.create_task(store.append_in_turn("b1", 1, decide))
            await asyncio.wait_for(store.append("b2", 1, [event(1)]), 5)  # other boards go on
            await asyncio.sleep(0.3)
            assert not append.done() and not turn.done() and seen == []
            await holder.commit()
            results = await asyncio.wait_for(
                asyncio.gather(append, turn, return_exceptions=True), 5
            )
            # the optimistic append lost to the holder; the turn read seq 2, then wrote 3
            assert isinstance(results[0], LogConflict) and results[1] is None
            assert seen == [[event(2)]]
            assert await store.read("b1") == [event(1), event(2), event(3)]
        finally:
            await conn.close()
            await store.close()


@pytest.mark.parametrize("since", [0, 1])
async def test_a_turn_reads_from_since(storage: Storage, since: int) -> None:
    await storage.append("b1", 1, [event(1), event(2)])
    seen: list[list[dict[str, Any]]] = []

    def decide(tail: list[dict[str, Any]]) -> Decided:
        seen.append(tail)
        return Decided(3, [])

    await storage.append_in_turn("b1", since, decide)
    assert seen == [[event(1), event(2)][since:]]
