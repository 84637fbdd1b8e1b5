"""Facilitator invites in the database: one-time across processes, expiring, bounded."""

from __future__ import annotations

import asyncio

from gamestorm.server.storage import Storage


async def test_an_invite_made_by_one_process_is_redeemed_once_by_another(
    storage: Storage, other_storage: Storage
) -> None:
    await storage.add_invite("h1", "b1", expires_at=160.0, now=100.0, keep=20)
    assert await other_storage.take_invite("h1", "b2", now=101.0) == ("unknown", None)
    assert await other_storage.take_invite("h1", "b1", now=101.0) == ("ok", "b1")
    assert await storage.take_invite("h1", "b1", now=102.0) == ("used", "b1")
    assert await storage.take_invite("h1", None, now=102.0) == ("used", "b1")
    assert await storage.take_invite("nope", None, now=102.0) == ("unknown", None)


async def test_two_processes_redeeming_at_once_one_wins(
    storage: Storage, other_storage: Storage
) -> None:
    for n in range(10):
        await storage.add_invite(f"h{n}", "b1", expires_at=1e12, now=0.0, keep=20)
        outcomes = await asyncio.gather(
            storage.take_invite(f"h{n}", "b1", now=1.0),
            other_storage.take_invite(f"h{n}", None, now=1.0),
        )
        assert sorted(status for status, _ in outcomes) == ["ok", "used"], outcomes


async def test_invites_expire_and_are_forgotten_and_bounded(storage: Storage) -> None:
    await storage.add_invite("old", "b1", expires_at=60.0, now=0.0, keep=20)
    assert await storage.take_invite("old", None, now=61.0) == ("expired", "b1")
    await storage.add_invite("new", "b1", expires_at=160.0, now=100.0, keep=20)
    assert await storage.take_invite("old", None, now=101.0) == ("unknown", None)  # pruned
    for n in range(5):
        await storage.add_invite(f"h{n}", "b1", expires_at=200.0 + n, now=100.0, keep=3)
    # the 3 newest open invites of the board stay; older ones went first
    statuses = [(await storage.take_invite(f"h{n}", "b1", now=101.0))[0] for n in range(5)]
    assert statuses == ["unknown", "unknown", "ok", "ok", "ok"]
    assert await storage.take_invite("new", "b1", now=101.0) == ("unknown", None)
    await storage.add_invite("x", "b1", expires_at=300.0, now=100.0, keep=3)
    await storage.add_invite("y", "b2", expires_at=300.0, now=100.0, keep=3)
    await storage.drop_invites("b1")
    assert await storage.take_invite("x", "b1", now=101.0) == ("unknown", None)
    assert await storage.take_invite("y", "b2", now=101.0) == ("ok", "b2")
