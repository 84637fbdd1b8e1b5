"""RedisFanout against a real, private redis-server: two instances in one loop stand for
two server processes, each with its own connections."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from fanout_kit import WAIT, Recorder, batch
from redis.asyncio import Redis

from gamestorm.server.fanout_redis import RedisFanout
from gamestorm.server.seams import Published
from support.redis_server import PrivateRedis


@pytest.fixture(scope="module")
def redis_server() -> Iterator[PrivateRedis]:
    with PrivateRedis() as server:
        yield server


@pytest.fixture
async def admin(redis_server: PrivateRedis) -> AsyncIterator[Redis]:
    """A plain client to look at the server's side (PUBSUB NUMSUB, CLIENT LIST)."""
    client = Redis.from_url(redis_server.url)
    yield client
    await client.aclose()


@pytest.fixture
async def pair(redis_server: PrivateRedis) -> AsyncIterator[tuple[RedisFanout, RedisFanout]]:
    a, b = RedisFanout(redis_server.url), RedisFanout(redis_server.url)
    await a.start()
    await b.start()
    assert a.healthy and b.healthy
    yield a, b
    await a.close()
    await b.close()


async def subscribed(fanout: RedisFanout, board_id: str, recorder: Recorder) -> None:
    fanout.subscribe(board_id, recorder.deliver, recorder.on_signal)
    async with asyncio.timeout(WAIT):
        await fanout.wait_subscribed(board_id)


async def numsub(admin: Redis, board_id: str) -> int:
    reply = await admin.pubsub_numsub(f"gamestorm:board:{board_id}")
    return int(reply[0][1])


async def test_two_processes_deliver_each_others_batches_in_order(
    pair: tuple[RedisFanout, RedisFanout],
) -> None:
    a, b = pair
    at_a, at_b = Recorder(), Recorder()
    await subscribed(a, "b-order", at_a)
    await subscribed(b, "b-order", at_b)

    for n in range(50):
        await a.publish(batch("b-order", "A", 1 + 3 * n, size=3))
        await b.publish(batch("b-order", "B", 1000 + n))
    await at_a.wait(batches=100)
    await at_b.wait(batches=100)

    for seen in (at_a, at_b):
        # every batch arrives once, whole, and in the order its process sent it
        from_a = [m.first_seq for m in seen.batches if m.origin == "A"]
        from_b = [m.first_seq for m in seen.batches if m.origin == "B"]
        assert from_a == [1 + 3 * n for n in range(50)]
        assert from_b == [1000 + n for n in range(50)]
        first = next(m for m in seen.batches if m.origin == "A")
        assert first == Published(
            "b-order",
            "A",
            1,
            (
                {"type": "note_added", "seq": 1},
                {"type": "note_added", "seq": 2},
                {"type": "note_added", "seq": 3},
            ),
        )
    assert at_a.signals == [] and at_b.signals == []
    assert a.status()["published"] == 50 and a.status()["dropped"] == 0
    assert b.status()["delivered"] == 100


async def test_signals_go_to_on_signal_only(pair: tuple[RedisFanout, RedisFanout]) -> None:
    a, b = pair
    at_b = Recorder()
    await subscribed(b, "b-signal", at_b)
    await a.signal("b-signal", "A", {"presence": {"p1": True}, "revoked": ["t1"]})
    await at_b.wait(signals=1)
    assert at_b.signals == [("A", {"presence": {"p1": True}, "revoked": ["t1"]})]
    assert at_b.batches == []


async def test_a_board_without_on_signal_ignores_signals(
    pair: tuple[RedisFanout, RedisFanout],
) -> None:
    a, b = pair
    only_events, marker = Recorder(), Recorder()
    b.subscribe("b-nosig", only_events.deliver)
    await subscribed(b, "b-nosig-marker", marker)
    await b.wait_subscribed("b-nosig")
    await a.signal("b-nosig", "A", {"x": 1})
    await a.publish(batch("b-nosig", "A", 1))
    await only_events.wait(batches=1)
    assert [m.first_seq for m in only_events.batches] == [1]


async def test_unsubscribe_stops_delivery_and_drops_the_channel_with_the_last(
    pair: tuple[RedisFanout, RedisFanout], admin: Redis
) -> None:
    a, b = pair
    first, second, marker = Recorder(), Recorder(), Recorder()
    one = b.subscribe("b-unsub", first.deliver)
    two = b.subscribe("b-unsub", second.deliver)
    await subscribed(b, "b-unsub-marker", marker)
    await b.wait_subscribed("b-unsub")
    assert await numsub(admin, "b-unsub") == 1  # one channel for both subscribers

    one.close()
    one.close()  # twice is harmless
    await a.publish(batch("b-unsub", "A", 1))
    await second.wait(batches=1)
    assert await numsub(admin, "b-unsub") == 1
    assert first.batches == []

    two.close()
    assert b.status()["boards"] == 1  # the marker board only
    async with asyncio.timeout(WAIT):
        await b.wait_subscribed("b-unsub", subscribed=False)
    assert await numsub(admin, "b-unsub") == 0
    await a.publish(batch("b-unsub", "A", 2))
    # one connection keeps its order: the marker behind seq 2 proves seq 2 went nowhere
    await a.publish(batch("b-unsub-marker", "A", 1))
    await marker.wait(batches=1)
    assert [m.first_seq for m in second.batches] == [1]
    assert first.batches == []


async def test_a_callback_that_raises_does_not_stop_delivery(
    pair: tuple[RedisFanout, RedisFanout], caplog: pytest.LogCaptureFixture
) -> None:
    a, b = pair
    calls = 0

    def broken(message: Published) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("a room's bug")

    after = Recorder()
    b.subscribe("b-raise", broken, lambda origin, payload: 1 / 0)
    await subscribed(b, "b-raise", after)
    with caplog.at_level(logging.ERROR, logger="gamestorm.server.fanout_redis"):
        for seq in range(1, 6):
            await a.publish(batch("b-raise", "A", seq))
        await a.signal("b-raise", "A", {"k": 1})
        await after.wait(batches=5, signals=1)
    assert calls == 5
    assert [m.first_seq for m in after.batches] == [1, 2, 3, 4, 5]
    failures = [r for r in caplog.records if "a subscriber failed" in r.getMessage()]
    assert len(failures) == 6 and failures[0].exc_info is not None
    assert b.healthy


async def test_malformed_messages_on_a_board_channel_are_ignored(
    pair: tuple[RedisFanout, RedisFanout], admin: Redis
) -> None:
    a, b = pair
    seen = Recorder()
    await subscribed(b, "b-junk", seen)
    channel = "gamestorm:board:b-junk"
    for junk in (
        b"not json",
        b"[1, 2]",
        b'{"type": "events", "origin": "X", "first_seq": "1", "events": []}',
        b'{"type": "events", "origin": "X", "first_seq": true, "events": []}',
        b'{"type": "events", "origin": "X", "first_seq": 1, "events": [1]}',
        b'{"type": "signal", "origin": "X", "payload": []}',
        b'{"type": "other", "origin": "X"}',
        b'{"type": "events", "first_seq": 1, "events": []}',
    ):
        await admin.publish(channel, junk)
    await a.publish(batch("b-junk", "A", 7))
    await seen.wait(batches=1)
    assert [m.first_seq for m in seen.batches] == [7] and seen.signals == []
    assert b.status()["malformed"] == 8
    assert b.healthy


async def test_two_hundred_boards_share_one_pubsub_connection(
    pair: tuple[RedisFanout, RedisFanout], admin: Redis
) -> None:
    a, b = pair
    boards = [f"many-{n}" for n in range(200)]
    recorders = {board: Recorder() for board in boards}
    for board in boards:
        b.subscribe(board, recorders[board].deliver)
    async with asyncio.timeout(WAIT):
        for board in boards:
            await b.wait_subscribed(board)
    for n, board in enumerate(boards):
        await a.publish(batch(board, "A", n + 1))
    for n, board in enumerate(boards):
        await recorders[board].wait(batches=1)
        assert [m.first_seq for m in recorders[board].batches] == [n + 1]
    # the pub/sub connections Redis knows: a's and b's, whatever the boards
    clients = await admin.client_list()
    subscribers = [c for c in clients if int(c["sub"]) > 0]
    assert len(subscribers) == 2
    assert sorted(int(c["sub"]) for c in subscribers) == [1, 201]  # + one control channel


async def test_status_shows_no_password(redis_server: PrivateRedis) -> None:
    url = f"redis://user:s3cret@127.0.0.1:{redis_server.port}/0"
    fanout = RedisFanout(url)
    status = fanout.status()
    assert "s3cret" not in repr(status)
    assert status["url"] == f"redis://user@127.0.0.1:{redis_server.port}/0"
    assert RedisFanout("redis://:pw@[::1]:6379/2").status()["url"] == "redis://[::1]:6379/2"
    assert status["kind"] == "redis" and status["healthy"] is False
    assert set(status) >= {
        "kind",
        "healthy",
        "url",
        "unhealthy_since",
        "published",
        "delivered",
        "dropped",
        "reconnects",
    }


async def test_publish_before_start_and_after_close_is_a_drop(redis_server: PrivateRedis) -> None:
    fanout = RedisFanout(redis_server.url)
    await fanout.publish(batch("b-early", "A", 1))
    await fanout.start()
    assert fanout.healthy and fanout.status()["unhealthy_since"] is None
    await fanout.close()
    await fanout.signal("b-early", "A", {})
    status = fanout.status()
    assert status["dropped"] == 2 and status["published"] == 0
    assert not fanout.healthy


async def test_boards_publishing_at_once_keep_each_boards_order(
    pair: tuple[RedisFanout, RedisFanout],
) -> None:
    a, b = pair
    boards = [f"together-{n}" for n in range(8)]
    recorders = {board: Recorder() for board in boards}
    for board in boards:
        await subscribed(b, board, recorders[board])

    async def room(board: str) -> None:  # a room awaits each publish before its next commit
        for seq in range(1, 101):
            await a.publish(batch(board, "A", seq))

    await asyncio.gather(*(room(board) for board in boards))
    for board in boards:
        await recorders[board].wait(batches=100)
        assert [m.first_seq for m in recorders[board].batches] == list(range(1, 101))
    assert a.status()["published"] == 800 and a.status()["dropped"] == 0
