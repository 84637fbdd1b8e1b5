"""The fan-out between server processes through Redis pub/sub (the ``Fanout`` seam).

Each process holds two connections, whatever the number of boards: one to publish and
one pub/sub connection that a single reader task owns. A board's messages travel on one
channel, ``<prefix>:board:<board_id>``, as orjson objects with a ``type`` field:

    {"type": "events", "origin": "...", "first_seq": 41, "events": [{...}, ...]}
    {"type": "signal", "origin": "...", "payload": {...}}

one message per committed batch. Pub/sub keeps no history: whatever is sent while a
subscriber is cut off is gone, so ``healthy`` turns False the moment a read, a publish
or a liveness PING fails, and back to True only once the reader has reconnected and
every board is subscribed again. Rooms poll the log meanwhile and fill gaps from it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from .seams import Deliver, OnSignal, Published

log = logging.getLogger(__name__)

#: What a lost or stalled connection raises here (redis-py wraps most socket errors).
_LOST = (RedisError, OSError, TimeoutError)
#: Channels named in one SUBSCRIBE or UNSUBSCRIBE command.
_CHUNK = 500
#: PUBLISH commands sent in one pipeline (one round trip).
_PIPELINE = 500


class _Restart(Exception):
    """The reader must drop its connection and subscribe again (a publish failed, or no
    answer to PING came in time: the connection may be dead without saying so)."""


def redacted_url(url: str) -> str:
    """``url`` without its password, for /healthz and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    netloc = f"{user}@{host}" if user else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@dataclass(eq=False, slots=True)
class RedisSubscription:
    """One local subscriber of a board; ``close()`` takes it off (idempotent)."""

    fanout: RedisFanout
    board_id: str
    deliver: Deliver
    on_signal: OnSignal | None
    closed: bool = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.fanout._remove(self)


class RedisFanout:
    """Carries committed batches and signals between processes through one Redis."""

    kind = "redis"

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "gamestorm",
        timeout: float = 1.0,
        ping_interval: float = 1.0,
        backoff_min: float = 0.1,
        backoff_max: float = 2.0,
    ) -> None:
        """``timeout`` bounds every publish, connect and PING answer; the reader sends a
        PING after ``ping_interval`` seconds of silence to notice a dead connection."""
        self.url = url
        self._prefix = prefix
        self._timeout = timeout
        self._ping_interval = ping_interval
        self._backoff = (backoff_min, backoff_max)
        self._boards: dict[str, list[RedisSubscription]] = {}
        # channels SUBSCRIBEd on the current connection, and those Redis confirmed
        self._sent: set[str] = set()
        self._confirmed: set[str] = set()
        self._confirm = asyncio.Event()
        self._wake = asyncio.Event()
        self._control = f"{prefix}:process:{uuid.uuid4().hex}"
        self._pub: Redis | None = None
        self._sub: Redis | None = None
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._outbox: list[tuple[str, bytes, asyncio.Future[bool]]] = []
        self._outbox_ready = asyncio.Event()
        self._syncer: asyncio.Task[None] | None = None
        self._first_attempt = asyncio.Event()
        self._restart = False
        self._closing = False
        self._healthy = False
        self._health_changed = asyncio.Event()
        self._unhealthy_since: float | None = time.time()
        self._published = 0
        self._delivered = 0
        self._dropped = 0
        self._reconnects = 0
        self._malformed = 0

    # -- the Fanout seam -------------------------------------------------------------

    @property
    def healthy(self) -> bool:
        return self._healthy

    async def start(self) -> None:
        """Connect; waits for the first attempt only (at most twice ``timeout``): if Redis
        does not answer, it goes on unhealthy and the reader keeps trying, so a server
        starts while Redis is away."""
        if self._reader is not None:
            return
        options: dict[str, Any] = {
            "socket_connect_timeout": self._timeout,
            "socket_timeout": None,
            "retry": Retry(NoBackoff(), 0),  # failures must show, not be retried away
            "health_check_interval": 0,  # the reader's own PING does it (see _read)
        }
        # one connection each: the writer's pipelines (a reconnect's PING borrows it),
        # and the reader's pub/sub
        self._pub = Redis.from_url(self.url, **options)
        self._sub = Redis.from_url(self.url, **options)
        self._writer = asyncio.create_task(self._write(), name="redis-fanout-writer")
        self._reader = asyncio.create_task(self._run(), name="redis-fanout-reader")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._timeout * 2):
                await self._first_attempt.wait()
        if not self._healthy:
            log.warning("fan-out: Redis at %s does not answer yet", redacted_url(self.url))

    async def close(self) -> None:
        self._closing = True
        self._mark_unhealthy("closed")
        for task in (self._reader, self._writer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._reader = self._writer = None
        for _, _, sent in self._outbox:
            sent.cancel()
        self._outbox.clear()
        await self._discard()
        for client in (self._pub, self._sub):
            if client is not None:
                with contextlib.suppress(*_LOST):
                    await client.aclose()
        self._pub = self._sub = None

    async def publish(self, message: Published) -> None:
        body = {
            "type": "events",
            "origin": message.origin,
            "first_seq": message.first_seq,
            "events": message.events,
        }
        await self._send(message.board_id, body)

    async def signal(self, board_id: str, origin: str, payload: dict[str, Any]) -> None:
        await self._send(board_id, {"type": "signal", "origin": origin, "payload": payload})

    def subscribe(
        self, board_id: str, deliver: Deliver, on_signal: OnSignal | None = None
    ) -> RedisSubscription:
        """Deliver the board's messages from now on; the SUBSCRIBE goes out at once, but
        is confirmed a round trip later (``wait_subscribed``): a room subscribes before it
        reads the log, and fills any gap from the log."""
        entry = RedisSubscription(self, board_id, deliver, on_signal)
        subscribers = self._boards.setdefault(board_id, [])
        subscribers.append(entry)
        if len(subscribers) == 1:
            self._wake.set()
        return entry

    def status(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "healthy": self._healthy,
            "url": redacted_url(self.url),
            "unhealthy_since": self._unhealthy_since,
            "published": self._published,
            "delivered": self._delivered,
            "dropped": self._dropped,
            "reconnects": self._reconnects,
            "boards": len(self._boards),
            # boards whose channel Redis confirmed on the current connection
            "subscribed": len(self._confirmed - {self._control}),
            "malformed": self._malformed,
        }

    # -- beyond the seam -------------------------------------------------------------

    async def wait_subscribed(self, board_id: str, subscribed: bool = True) -> None:
        """Return once Redis confirmed the board's SUBSCRIBE (or, with ``subscribed=False``,
        its UNSUBSCRIBE) on the current connection. For tests and benchmarks: wrap it in
        a timeout."""
        channel = self._channel(board_id)
        while (channel in self._confirmed) != subscribed:
            self._confirm.clear()
            await self._confirm.wait()

    async def wait_healthy(self, healthy: bool = True) -> None:
        """Return once ``healthy`` is (or becomes) ``healthy``; wrap it in a timeout."""
        while self._healthy != healthy:
            self._health_changed.clear()
            await self._health_changed.wait()

    def _channel(self, board_id: str) -> str:
        return f"{self._prefix}:board:{board_id}"

    def _remove(self, entry: RedisSubscription) -> None:
        subscribers = self._boards.get(entry.board_id)
        if subscribers is None:
            return
        with contextlib.suppress(ValueError):
            subscribers.remove(entry)
        if not subscribers:
            del self._boards[entry.board_id]
            self._wake.set()

    # -- health ----------------------------------------------------------------------

    def _mark_unhealthy(self, reason: str) -> None:
        if self._healthy:
            self._healthy = False
            self._unhealthy_since = time.time()
            self._health_changed.set()
            if not self._closing:
                log.warning("fan-out: Redis lost (%s); rooms poll the log", reason)

    def _mark_healthy(self) -> None:
        self._healthy = True
        self._unhealthy_since = None
        self._health_changed.set()

    # -- sending ---------------------------------------------------------------------

    async def _send(self, board_id: str, body: dict[str, Any]) -> None:
        """Queue for the writer and wait at most ``timeout``; a failure is counted and
        reported through ``healthy`` (the log holds the events), never raised."""
        if self._writer is None or self._closing:
            self._dropped += 1
            return
        try:
            data = orjson.dumps(body)
        except TypeError:
            log.exception("fan-out: board %s: a message that is not JSON, dropped", board_id)
            self._dropped += 1
            return
        sent: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._outbox.append((self._channel(board_id), data, sent))
        self._outbox_ready.set()
        try:
            async with asyncio.timeout(self._timeout):
                ok = await sent  # a timeout cancels ``sent``: the writer then skips it
        except TimeoutError:
            ok = False
        if not ok:
            self._dropped += 1
            self._mark_unhealthy("publish failed")
            self._restart = True  # reconnect and subscribe again before healthy
            return
        self._published += 1

    async def _write(self) -> None:
        """Send what ``_send`` queued: everything waiting goes in one pipeline, so many
        boards' batches share a round trip, in the order they were queued."""
        assert self._pub is not None
        while True:
            await self._outbox_ready.wait()
            self._outbox_ready.clear()
            while self._outbox:
                taken = [item for item in self._outbox[:_PIPELINE] if not item[2].done()]
                del self._outbox[:_PIPELINE]
                if not taken:
                    continue
                ok = True
                try:
                    async with asyncio.timeout(self._timeout):
                        async with self._pub.pipeline(transaction=False) as pipe:
                            for channel, data, _ in taken:
                                pipe.publish(channel, data)
                            await pipe.execute()
                except _LOST as error:
                    log.debug("fan-out: PUBLISH failed: %r", error)
                    ok = False
                except Exception:  # noqa: BLE001 - the writer must outlive a bug
                    log.exception("fan-out: the writer failed")
                    ok = False
                for _, _, sent in taken:
                    if not sent.done():
                        sent.set_result(ok)

    # -- the reader ------------------------------------------------------------------

    async def _run(self) -> None:
        """Connect, subscribe every board, read; after any failure start over with
        backoff (0.1 s doubling up to 2 s). Only cancellation ends it."""
        delay = self._backoff[0]
        connected = lost = False
        while not self._closing:
            try:
                await self._connect()
                if lost:  # counted once connected before: not for a late first start
                    self._reconnects += 1
                    log.info("fan-out: Redis is back; %d boards subscribed", len(self._sent))
                self._mark_healthy()
                self._first_attempt.set()
                connected, delay = True, self._backoff[0]
                await self._read()
            except asyncio.CancelledError:
                raise
            except (*_LOST, _Restart) as error:
                self._mark_unhealthy(f"read: {error!r}")
            except Exception:  # noqa: BLE001 - a bug here must not end the fan-out
                log.exception("fan-out: the reader failed; reconnecting")
                self._mark_unhealthy("reader error")
            lost = connected
            self._first_attempt.set()
            await self._discard()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._backoff[1])

    async def _connect(self) -> None:
        """A fresh pub/sub connection with every wanted board subscribed and confirmed,
        after a PING on the publishing connection: healthy means both work."""
        assert self._pub is not None and self._sub is not None
        self._restart = False
        self._sent, self._confirmed = set(), set()
        pubsub = self._pubsub = self._sub.pubsub()
        channels = [self._channel(board_id) for board_id in self._boards]
        # 1 s for the handshake, and a second more for every 5,000 boards
        async with asyncio.timeout(self._timeout * (1 + len(channels) / 5000)):
            await self._pub.ping()
            # a channel of its own keeps the connection in subscribed mode, with no board
            await pubsub.subscribe(self._control)
            await self._subscribe(pubsub, channels)
            wanted = {*channels, self._control}
            while not wanted <= self._confirmed:
                message = await pubsub.get_message(timeout=self._timeout)
                if message is not None:
                    self._handle(message)
        self._syncer = asyncio.create_task(self._sync(pubsub), name="redis-fanout-sync")

    async def _subscribe(self, pubsub: PubSub, channels: list[str]) -> None:
        for start in range(0, len(channels), _CHUNK):
            chunk = channels[start : start + _CHUNK]
            self._sent.update(chunk)
            await pubsub.subscribe(*chunk)

    async def _sync(self, pubsub: PubSub) -> None:
        """Send SUBSCRIBE and UNSUBSCRIBE as boards come and go, while the reader reads:
        one task, so a board's subscribe and unsubscribe keep their order."""
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                wanted = {self._channel(board_id) for board_id in self._boards}
                gone = sorted(self._sent - wanted)
                for start in range(0, len(gone), _CHUNK):
                    chunk = gone[start : start + _CHUNK]
                    self._sent.difference_update(chunk)
                    await pubsub.unsubscribe(*chunk)
                await self._subscribe(pubsub, sorted(wanted - self._sent))
        except _LOST as error:
            self._mark_unhealthy(f"subscribe: {error!r}")
            self._restart = True

    async def _read(self) -> None:
        """Hand messages over until the connection fails. redis-py sends no PING of its
        own while a read blocks, so this one does: after ``ping_interval`` of silence a
        PING, and no answer within ``timeout`` means the connection is dead."""
        pubsub = self._pubsub
        assert pubsub is not None
        loop = asyncio.get_running_loop()
        heard = pinged = loop.time()
        while True:
            if self._restart:
                raise _Restart("restart requested")
            message = await pubsub.get_message(timeout=min(self._ping_interval, 0.25))
            now = loop.time()
            if message is not None:
                heard = now
                self._handle(message)
            if now - heard > self._ping_interval + self._timeout:
                raise _Restart(f"no answer to PING in {self._timeout} s")
            if now - heard >= self._ping_interval and now - pinged >= self._ping_interval:
                pinged = now
                await pubsub.ping()

    async def _discard(self) -> None:
        """Drop the current pub/sub connection and its sync task (nothing is confirmed)."""
        syncer, self._syncer = self._syncer, None
        if syncer is not None:
            syncer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await syncer
        self._sent, self._confirmed = set(), set()
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(*_LOST):
                await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]  # redis < 6
        self._wake.set()  # the next connection's sync task starts from the current boards

    # -- handing messages over -------------------------------------------------------

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        channel = message["channel"]
        if isinstance(channel, bytes):
            channel = channel.decode()
        if kind == "message":
            self._dispatch(channel, message["data"])
        elif kind == "subscribe":
            self._confirmed.add(channel)
            self._confirm.set()
        elif kind == "unsubscribe":
            self._confirmed.discard(channel)
            self._confirm.set()

    def _dispatch(self, channel: str, data: bytes) -> None:
        board_id = channel.removeprefix(f"{self._prefix}:board:")
        subscribers = self._boards.get(board_id)
        if not subscribers:
            return  # unsubscribed a moment ago
        decoded = _decode(board_id, data)
        if decoded is None:
            self._malformed += 1
            log.warning("fan-out: board %s: a malformed message, ignored", board_id)
            return
        self._delivered += 1
        for entry in list(subscribers):
            if entry.closed:
                continue
            try:
                if isinstance(decoded, Published):
                    entry.deliver(decoded)
                elif entry.on_signal is not None:
                    entry.on_signal(*decoded)
            except Exception:  # noqa: BLE001 - one room's bug must not stop the others
                log.exception("fan-out: board %s: a subscriber failed", board_id)


def _decode(board_id: str, data: bytes) -> Published | tuple[str, dict[str, Any]] | None:
    """A message as sent by ``_send``, or None for anything else on the channel."""
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("origin"), str):
        return None
    origin: str = body["origin"]
    if body.get("type") == "events":
        first_seq, events = body.get("first_seq"), body.get("events")
        if (
            isinstance(first_seq, int)
            and not isinstance(first_seq, bool)
            and isinstance(events, list)
            and all(isinstance(event, dict) for event in events)
        ):
            return Published(board_id, origin, first_seq, tuple(events))
    elif body.get("type") == "signal" and isinstance(body.get("payload"), dict):
        return origin, body["payload"]
    return None
