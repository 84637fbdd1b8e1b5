"""A PostgreSQL restart under a running Storage: operations during the outage fail
promptly (the room tells clients to retry), and afterwards the same Storage works on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from gamestorm.server.seams import LogConflict
from gamestorm.server.storage import PG_COMMAND_TIMEOUT, PG_CONNECT_TIMEOUT, Storage
from support.databases import PrivatePostgres

#: Longer than any bounded failure may take; an operation still running by then hangs.
HANG = PG_CONNECT_TIMEOUT + PG_COMMAND_TIMEOUT + 5


async def fails_without_hanging(operation: Awaitable[Any]) -> BaseException:
    task = asyncio.ensure_future(operation)
    done, _ = await asyncio.wait({task}, timeout=HANG)
    if task not in done:
        task.cancel()
        raise AssertionError(f"still waiting after {HANG} s during the outage")
    error = task.exception()
    assert error is not None, "an operation during the outage succeeded"
    return error


def event(n: int) -> dict[str, Any]:
    return {"kind": "prompt.set", "text": f"prompt {n}"}


async def test_an_outage_fails_promptly_and_the_same_storage_recovers() -> None:
    with PrivatePostgres() as pg, pg.database() as url:
        store = Storage(url)
        try:
            await store.open()
            await store.append("b1", 1, [event(1)])
            assert await store.read("b1") == [event(1)]  # the pool holds a connection now

            pg.stop()
            pg.wait_refusing()
            error = await fails_without_hanging(store.append("b1", 2, [event(2)]))
            assert not isinstance(error, LogConflict)  # not "someone else wrote it"
            await fails_without_hanging(store.read("b1"))
            await fails_without_hanging(store.grant("h"))

            pg.start()
            await store.append("b1", 2, [event(2)])  # reconnected by itself
            assert await store.read("b1") == [event(1), event(2)]
            with_conflict = await fails_without_hanging(store.append("b1", 2, [event(3)]))
            assert isinstance(with_conflict, LogConflict)
        finally:
            await store.close()


async def test_the_first_operation_after_a_quiet_restart_succeeds() -> None:
    """Pooled connections from before the restart are dead: a ping at checkout finds
    out and opens a new one, so nobody sees an error for an outage that is over."""
    with PrivatePostgres() as pg, pg.database() as url:
        store = Storage(url)
        try:
            await store.open()
            await asyncio.gather(*(store.read("b1") for _ in range(3)))  # pool several
            pg.restart()
            await store.append("b1", 1, [event(1)])
            assert await store.read("b1") == [event(1)]
        finally:
            await store.close()
