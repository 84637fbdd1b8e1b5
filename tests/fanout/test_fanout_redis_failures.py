"""RedisFanout when Redis goes away: bounded publishes, health, reconnecting by itself.
Each test has its own redis-server, since it stops, restarts or freezes it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from fanout_kit import WAIT, Recorder, batch

from gamestorm.server.fanout_redis import RedisFanout
from support.redis_server import PrivateRedis, free_port


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    with PrivateRedis() as server:
        yield server


@pytest.fixture
async def pair(redis_server: PrivateRedis) -> AsyncIterator[tuple[RedisFanout, RedisFanout]]:
    # quick liveness checks, so a frozen Redis is noticed within a second or so
    a = RedisFanout(redis_server.url, timeout=0.5, ping_interval=0.3)
    b = RedisFanout(redis_server.url, timeout=0.5, ping_interval=0.3)
    await a.start()
    await b.start()
    yield a, b
    await a.close()
    await b.close()


async def subscribed(fanout: RedisFanout, board_id: str, recorder: Recorder) -> None:
    fanout.subscribe(board_id, recorder.deliver, recorder.on_signal)
    async with asyncio.timeout(WAIT):
        await fanout.wait_subscribed(board_id)


async def test_publish_while_redis_is_stopped_returns_quickly_and_counts_a_drop(
    redis_server: PrivateRedis,
) -> None:
    fanout = RedisFanout(redis_server.url)  # the default 1 s bound
    await fanout.start()
    assert fanout.healthy
    redis_server.stop()
    started = time.monotonic()
    await fanout.publish(batch("b-down", "A", 1))
    await fanout.signal("b-down", "A", {"p": 1})
    took = time.monotonic() - started
    status = fanout.status()
    assert took < 2.5, took  # two sends, each bounded by 1 s
    assert not fanout.healthy and status["healthy"] is False
    assert status["dropped"] == 2 and status["published"] == 0
    assert isinstance(status["unhealthy_since"], float)
    assert abs(status["unhealthy_since"] - time.time()) < 10
    await fanout.close()


async def test_publish_to_a_frozen_redis_is_bounded_by_the_timeout(
    redis_server: PrivateRedis,
) -> None:
    fanout = RedisFanout(redis_server.url, timeout=0.5, ping_interval=10)
    await fanout.start()
    redis_server.freeze()  # the connection stays open, nothing answers
    try:
        started = time.monotonic()
        await fanout.publish(batch("b-frozen", "A", 1))
        took = time.monotonic() - started
        assert 0.4 < took < 1.5, took
        assert not fanout.healthy and fanout.status()["dropped"] == 1
    finally:
        redis_server.thaw()
    # the publish failure made the reader start over: healthy again once re-subscribed
    async with asyncio.timeout(WAIT):
        await fanout.wait_healthy()
    assert fanout.status()["reconnects"] == 1
    await fanout.close()


async def test_after_a_redis_restart_it_reconnects_resubscribes_and_delivers(
    redis_server: PrivateRedis, pair: tuple[RedisFanout, RedisFanout]
) -> None:
    a, b = pair
    at_a, at_b = Recorder(), Recorder()
    await subscribed(a, "b-restart", at_a)
    await subscribed(b, "b-restart", at_b)
    await a.publish(batch("b-restart", "A", 1))
    await at_b.wait(batches=1)

    redis_server.stop()
    async with asyncio.timeout(WAIT):  # both readers notice by themselves, no publish needed
        await a.wait_healthy(False)
        await b.wait_healthy(False)
    await a.publish(batch("b-restart", "A", 2))  # lost: the log has it, rooms poll meanwhile
    assert a.status()["dropped"] == 1

    redis_server.start()
    async with asyncio.timeout(WAIT):
        await a.wait_healthy()
        await b.wait_healthy()
    # healthy means re-subscribed already: a message sent now arrives
    await a.publish(batch("b-restart", "A", 3))
    await b.signal("b-restart", "B", {"back": True})
    await at_b.wait(batches=2, signals=1)
    await at_a.wait(batches=2, signals=1)
    assert [m.first_seq for m in at_b.batches] == [1, 3]
    assert at_a.signals == [("B", {"back": True})]
    for fanout in (a, b):
        status = fanout.status()
        assert status["healthy"] is True and status["unhealthy_since"] is None
        assert status["reconnects"] >= 1


async def test_a_silent_death_is_noticed_by_ping_and_healed(
    redis_server: PrivateRedis, pair: tuple[RedisFanout, RedisFanout]
) -> None:
    a, b = pair
    at_a = Recorder()
    await subscribed(a, "b-silent", at_a)
    redis_server.freeze()
    try:
        started = time.monotonic()
        async with asyncio.timeout(WAIT):  # nothing is published: only PING can tell
            await a.wait_healthy(False)
        # ping_interval 0.3 + timeout 0.5, read in slices of at most 0.25 s
        assert time.monotonic() - started < 2.0
    finally:
        redis_server.thaw()
    async with asyncio.timeout(WAIT):
        await a.wait_healthy()
        await b.wait_healthy()
    await b.publish(batch("b-silent", "B", 5))
    await at_a.wait(batches=1)
    assert a.status()["reconnects"] >= 1


async def test_every_board_is_subscribed_again_even_one_added_during_the_outage(
    redis_server: PrivateRedis, pair: tuple[RedisFanout, RedisFanout]
) -> None:
    a, b = pair
    boards = [f"again-{n}" for n in range(50)]
    recorders = {board: Recorder() for board in [*boards, "added-while-down"]}
    for board in boards:
        await subscribed(a, board, recorders[board])
    gone = Recorder()
    left = a.subscribe("left-while-down", gone.deliver)

    redis_server.stop()
    async with asyncio.timeout(WAIT):
        await a.wait_healthy(False)
    a.subscribe("added-while-down", recorders["added-while-down"].deliver)
    left.close()
    redis_server.start()
    async with asyncio.timeout(WAIT):
        await a.wait_healthy()
        # healthy only once every board is subscribed and confirmed again
        assert a.status()["subscribed"] == 51
        await b.wait_healthy()

    for n, board in enumerate([*boards, "left-while-down", "added-while-down"]):
        await b.publish(batch(board, "B", n + 1))
    for board, recorder in recorders.items():
        await recorder.wait(batches=1)
        assert len(recorder.batches) == 1, board
    assert gone.batches == []
    assert a.status()["boards"] == 51


async def test_start_while_redis_is_away_returns_and_heals_once_it_comes() -> None:
    server = PrivateRedis(free_port())
    fanout = RedisFanout(server.url, timeout=0.5)
    at = Recorder()
    fanout.subscribe("b-late", at.deliver)
    started = time.monotonic()
    await fanout.start()
    assert time.monotonic() - started < 1.5
    assert not fanout.healthy
    await fanout.publish(batch("b-late", "A", 1))
    assert fanout.status()["dropped"] == 1
    try:
        server.start()
        async with asyncio.timeout(WAIT):  # backoff tops out at 2 s
            await fanout.wait_healthy()
        await fanout.publish(batch("b-late", "A", 2))
        await at.wait(batches=1)
        assert [m.first_seq for m in at.batches] == [2]
    finally:
        await fanout.close()
        server.close()


async def test_many_publishes_at_once_to_a_frozen_redis_all_return_in_time(
    redis_server: PrivateRedis,
) -> None:
    fanout = RedisFanout(redis_server.url, timeout=0.5, ping_interval=10)
    await fanout.start()
    redis_server.freeze()
    try:
        started = time.monotonic()
        await asyncio.gather(*(fanout.publish(batch(f"b-{n}", "A", 1)) for n in range(100)))
        took = time.monotonic() - started
        assert took < 1.5, took
        assert fanout.status()["dropped"] == 100 and not fanout.healthy
    finally:
        redis_server.thaw()
    async with asyncio.timeout(WAIT):
        await fanout.wait_healthy()
    await fanout.publish(batch("b-0", "A", 2))
    assert fanout.status()["published"] == 1
    await fanout.close()


async def test_a_quiet_live_connection_stays_healthy(
    redis_server: PrivateRedis,
) -> None:
    fanout = RedisFanout(redis_server.url, timeout=0.3, ping_interval=0.2)
    await fanout.start()
    fanout.subscribe("b-quiet", Recorder().deliver)
    # nothing is sent for many PING intervals: the PINGs' answers keep it alive
    await asyncio.sleep(1.5)
    status = fanout.status()
    assert status["healthy"] and status["reconnects"] == 0 and status["subscribed"] == 1
    await fanout.close()
