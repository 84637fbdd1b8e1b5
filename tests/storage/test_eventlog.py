"""The EventLog seam on SQLite and PostgreSQL: append, read, conflicts, grants."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from gamestorm.server.seams import LogConflict
from gamestorm.server.storage import EventRow, Storage, TokenGrant


def event(n: int, kind: str = "prompt.set") -> dict[str, Any]:
    return {"kind": kind, "text": f"prompt {n}"}


async def test_append_then_read_round_trips_in_order_and_since(storage: Storage) -> None:
    await storage.append("b1", 1, [event(1), event(2)])
    await storage.append("b1", 3, [event(3)])
    await storage.append("b2", 1, [event(99)])
    assert await storage.read("b1") == [event(1), event(2), event(3)]
    assert await storage.read("b1", since=2) == [event(3)]
    assert await storage.read("b1", since=3) == []
    assert await storage.read("b2") == [event(99)]
    assert await storage.read("nobody") == []


async def test_a_taken_seq_is_a_conflict_and_nothing_of_the_batch_is_kept(
    storage: Storage,
) -> None:
    await storage.append("b1", 1, [event(1), event(2)])
    late = TokenGrant("h-late", "b1", "p-late", "participant")
    with pytest.raises(LogConflict) as raised:
        # seq 2 is taken, seq 3 would be free: the whole batch goes, grants too
        await storage.append("b1", 2, [event(20), event(30)], [late])
    assert (raised.value.board_id, raised.value.expected_seq) == ("b1", 2)
    assert await storage.read("b1") == [event(1), event(2)]
    assert await storage.grant("h-late") is None
    # the storage is usable after the conflict (PostgreSQL: the transaction was rolled back)
    await storage.append("b1", 3, [event(3)])
    assert len(await storage.read("b1")) == 3


async def test_two_processes_appending_at_the_same_seq_one_wins(
    storage: Storage, other_storage: Storage
) -> None:
    seq = 1
    for round_ in range(15):
        mine, theirs = [event(round_, "prompt.set")], [{"kind": "prompt.set", "text": "other"}]
        outcomes = await asyncio.gather(
            storage.append("b1", seq, mine),
            other_storage.append("b1", seq, theirs),
            return_exceptions=True,
        )
        conflicts = [o for o in outcomes if isinstance(o, LogConflict)]
        assert len(conflicts) == 1 and outcomes.count(None) == 1, outcomes
        winner = mine if outcomes[0] is None else theirs
        assert (await other_storage.read("b1", since=seq - 1)) == winner
        seq += 1
    assert len(await storage.read("b1")) == 15


async def test_grants_are_found_by_hash_from_any_process(
    storage: Storage, other_storage: Storage
) -> None:
    grant = TokenGrant("h1", "b1", "p1", "participant")
    await storage.append("b1", 1, [event(1)], [grant])
    assert await other_storage.grant("h1") == grant
    assert await other_storage.grant("h2") is None
    await other_storage.delete_grants(["h1"])
    assert await storage.grant("h1") is None


async def test_rows_carry_the_version_of_their_kind(storage: Storage) -> None:
    await storage.append("b1", 1, [{"kind": "board.created", "title": "t"}, event(2)])
    async with storage.engine.connect() as conn:
        rows = (await conn.execute(select(EventRow.kind, EventRow.version))).all()
    assert sorted(tuple(r) for r in rows) == [("board.created", 2), ("prompt.set", 1)]
