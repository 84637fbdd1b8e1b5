"""One client's socket as the room sees it: a bounded outbox drained by one pump task.

The room never awaits a client: ``send`` only appends to the outbox, so one phone on a
bad network cannot hold up a board of a thousand. A client whose outbox passes the limit
(``outbox_limit`` frames or ``outbox_bytes`` characters) is cut off with close code 4000
and resumes with ``hello`` + ``since``.

A client that connects with ``?batch=1`` may get several events in one frame,
``{"type": "events", "events": [{"seq", "event"}, ...]}``: when the pump finds more than
one event frame waiting in a row, it sends them as one (one write instead of many; under
load this is what the fan-out costs). Other frames (acks, presence) keep their place, so a
sender still receives its events before its ack. Without the parameter nothing changes.

A frame to a socket with nothing waiting is written at once, as bytes framed once for
every client (``Framed``, server/ws_protocol.py: compressed once, for a large frame to
the sockets that negotiated permessage-deflate); only a socket that backs up gets a
pump task, which ends once it has caught up (a thousand idle sockets hold no task).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from .buckets import TokenBucket
from .ws_protocol import FORCE, RAW_WRITE, Framed, text_frame

log = logging.getLogger("gamestorm.connection")

#: Close codes (4000-4999 are the application's own).
CLOSE_FELL_BEHIND = 4000
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_INTERNAL = 1011
CLOSE_RESTART = 1012
#: The token of this socket was revoked (another facilitator device signed it out, or a
#: share link was withdrawn); the client shows it is signed out and does not reconnect.
CLOSE_SIGNED_OUT = 4001
#: A share link's viewer came before the board closed: nothing to show yet, retry later.
CLOSE_NOT_YET = 4003
#: The token already holds ``Settings.sockets_per_token`` sockets: close one first.
CLOSE_TOO_MANY = 4008

EVENT_HEAD = '{"type":"event",'
#: A batched frame carries at most this many events (a reveal is one large event anyway).
BATCH_MAX_EVENTS = 500


def batch_frames(frames: list[str]) -> list[str]:
    """Event frames (``{"type":"event",...}``) as ``events`` frames of at most
    ``BATCH_MAX_EVENTS`` each: what a ``?batch=1`` client gets for one commit."""
    skip = len(EVENT_HEAD)
    out = []
    for start in range(0, len(frames), BATCH_MAX_EVENTS):
        part = frames[start : start + BATCH_MAX_EVENTS]
        if len(part) == 1:
            out.append(part[0])
            continue
        items = ",".join("{" + f[skip:] for f in part)
        out.append('{"type":"events","events":[' + items + "]}")
    return out


class Connection:
    def __init__(
        self,
        websocket: WebSocket,
        *,
        outbox_limit: int,
        rate: float,
        burst: int,
        outbox_bytes: int = 8 * 1024 * 1024,
        stall_seconds: float = 10.0,
    ):
        self.websocket = websocket
        self.viewer_id = ""
        self.role = ""
        self.name = ""
        #: sha256 of the token this socket said hello with (revoking a token closes it).
        self.grant_hash = ""
        #: A participant with a draft in progress (counted in presence, never named).
        self.typing = False
        #: Frames waiting for the socket; made when the first one has to wait (an empty
        #: deque is 0.7 KB, times a thousand sockets that keep up).
        self.outbox: deque[str] | None = None
        self.outbox_limit = outbox_limit
        #: Characters waiting in ``outbox`` (JSON is mostly ASCII: about bytes), and the cap.
        self.outbox_size = 0
        self.outbox_bytes = outbox_bytes
        #: A socket that takes nothing for this long while frames wait is cut off (4000).
        self.stall_seconds = stall_seconds
        self._progress = 0.0
        self._watchdog: asyncio.TimerHandle | None = None
        self._closer: asyncio.Future[None] | None = None
        self._close: tuple[int, str] | None = None
        self._pump: asyncio.Task[None] | None = None
        #: Its own until the hello names a participant, then the participant's (shared).
        self.bucket = TokenBucket(rate, burst)
        self.batch = _wants_batch(websocket)
        #: Writes framed bytes straight to the socket if it takes them now (else False),
        #: and whether it negotiated permessage-deflate (large broadcasts go compressed).
        self._raw, self.deflate = _raw_writer(websocket)
        self._started = False
        #: A send that had to wait for the socket (backpressure); the pump finishes it.
        self._pending: _Rest | None = None
        #: The pump is inside a send: a direct write now would overtake its frame.
        self._sending = False
        self._dead = False
        #: Set once nothing waits to be written; made only while a shutdown waits for it.
        self._idle: asyncio.Event | None = None

    @property
    def closing(self) -> bool:
        return self._close is not None

    def start(self) -> None:
        """From now on frames go out (before, the endpoint owns the socket)."""
        self._started = True
        if self.outbox or self._pending is not None or self._close is not None:
            self._kick()

    def send(self, frame: str, wire: Framed | None = None) -> None:
        """Send or queue a frame; never waits. Cuts the client off if it is too far behind.

        ``wire`` is ``frame``'s ``Framed``: a broadcast frames (and compresses) each
        frame once, not once per client. When nothing is queued, the frame is written at
        once (the semantics of ``websockets.broadcast``), straight to the transport where
        the server allows it, else by stepping the ASGI send here: as the socket is
        writable, it finishes without suspending, so no task wakes per client per event.
        If it does suspend (the socket's buffer is full), a pump task finishes it and
        later frames queue behind it, in order. A batch client's frames are written at
        once too when nothing waits; once frames queue (a slow socket), the pump merges
        the waiting events into one frame.
        """
        if self._close is not None or self._dead:
            return
        if not self.outbox and self._pending is None and not self._sending:
            raw = self._raw
            if raw is not None and raw(
                wire.for_socket(self.deflate) if wire is not None else text_frame(frame)
            ):
                return
            coro = self.websocket.send_text(frame)
            try:
                waiting = coro.send(None)
            except StopIteration:
                return
            except (WebSocketDisconnect, RuntimeError, OSError):
                self._dead = True  # the endpoint's receive loop notices the disconnect
                return
            self._pending = _Rest(coro, waiting)
            self._kick()
            return
        outbox = self.outbox
        if outbox is None:
            outbox = self.outbox = deque()
        if len(outbox) >= self.outbox_limit or (
            outbox and self.outbox_size + len(frame) > self.outbox_bytes
        ):
            self.close(CLOSE_FELL_BEHIND, "too far behind; reconnect with since")
            return
        outbox.append(frame)
        self.outbox_size += len(frame)
        self._kick()

    def close(self, code: int, reason: str = "", *, flush: bool = False) -> None:
        """Close the socket with ``code`` once it is writable, after what is queued if
        ``flush`` (an error frame that explains the close), else dropping it."""
        if self._close is None:
            self._close = (code, reason)
            if not flush:
                self.outbox = None
                self.outbox_size = 0
            self._kick()

    def allow_command(self) -> bool:
        """Token bucket: ``rate`` commands a second, bursts up to ``burst``."""
        return self.bucket.take()

    async def flushed(self, within: float) -> None:
        """Wait until everything queued is written (or ``within`` seconds pass)."""
        if not self.outbox and self._pending is None and not self._sending:
            return
        if self._idle is None:
            self._idle = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), within)

    async def stop(self) -> None:
        """Stop the pump; a closing connection first gets a moment to send its close."""
        pump = self._pump
        if pump is None:
            return
        if self._close is not None:
            await asyncio.wait({pump}, timeout=2.0)
        if not pump.done():
            pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump

    def _kick(self) -> None:
        """Something waits to be written: make sure a pump runs (it ends when done)."""
        if self._started and (self._pump is None or self._pump.done()):
            self._pump = asyncio.create_task(self._run(), name=f"pump-{self.viewer_id}")

    async def _run(self) -> None:
        """Write what waits, then end: a socket that keeps up needs no task at all."""
        ws = self.websocket
        self._sending = True
        self._watch()
        try:
            if self._pending is not None:
                await self._pending
                self._pending = None
                self._progress = time.monotonic()
            while outbox := self.outbox:
                frame = outbox.popleft()
                self.outbox_size -= len(frame)
                if self.batch and outbox and frame.startswith(EVENT_HEAD):
                    frame = self._take_events(frame)
                await ws.send_text(frame)
                self._progress = time.monotonic()
            if self._close is not None:
                code, reason = self._close
                await ws.close(code, reason)  # timed too: a close can stall as well
        except (WebSocketDisconnect, RuntimeError, OSError):
            # The peer went away mid-send; the endpoint's receive loop notices too.
            self._dead = True
        finally:
            self._sending = False
            self._unwatch()
            if not self.outbox:
                self.outbox = None  # a deque that once held a burst keeps its blocks
            if self.outbox is None and self._pending is None and self._idle is not None:
                self._idle.set()
                self._idle = None

    # -- a reader that stopped reading -------------------------------------------------

    def _watch(self) -> None:
        """Time the pump while it writes: one timer per busy spell, not one per frame."""
        self._progress = time.monotonic()
        if self._watchdog is None and self.stall_seconds > 0:
            loop = asyncio.get_running_loop()
            self._watchdog = loop.call_later(self.stall_seconds, self._check_stall)

    def _unwatch(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

    def _check_stall(self) -> None:
        self._watchdog = None
        if not self._sending or self._dead:
            return
        idle = time.monotonic() - self._progress
        if idle < self.stall_seconds:
            loop = asyncio.get_running_loop()
            self._watchdog = loop.call_later(self.stall_seconds - idle, self._check_stall)
            return
        self._stalled()

    def _stalled(self) -> None:
        """Nothing written for ``stall_seconds``: close with 4000 (docs/protocol.md) before
        uvicorn's keepalive closes with 1011. The socket is not writable, so the close is
        sent past uvicorn's gate (server/ws_protocol.py); the frame the pump waits on is
        dropped (the reader resumes with ``since``)."""
        log.info("a client read nothing for %.0f s; cut off (4000)", self.stall_seconds)
        if self._close is None:
            self._close = (CLOSE_FELL_BEHIND, "stalled: nothing read; reconnect with since")
        self.outbox = None
        self.outbox_size = 0
        code, reason = self._close
        message = {"type": "websocket.close", "code": code, "reason": reason, FORCE: True}
        self._closer = asyncio.ensure_future(self._force_close(message))

    async def _force_close(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await self.websocket.send(message)

    def _take_events(self, first: str) -> str:
        """``first`` and the event frames right behind it, as one ``events`` frame."""
        outbox = self.outbox
        assert outbox is not None
        skip = len(EVENT_HEAD)
        items = ["{" + first[skip:]]
        while outbox and len(items) < BATCH_MAX_EVENTS and outbox[0].startswith(EVENT_HEAD):
            taken = outbox.popleft()
            self.outbox_size -= len(taken)
            items.append("{" + taken[skip:])
        if len(items) == 1:
            return first
        return '{"type":"events","events":[' + ",".join(items) + "]}"


class _Rest:
    """Awaiting this drives a coroutine that was started elsewhere and suspended on
    ``waiting`` to its end (what ``yield from`` does for a coroutine not yet started)."""

    def __init__(self, coro: Coroutine[Any, Any, None], waiting: Any) -> None:
        self.coro = coro
        self.waiting = waiting

    def __await__(self) -> Generator[Any, Any, None]:
        coro, waiting = self.coro, self.waiting
        while True:
            try:
                sent = yield waiting
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # noqa: BLE001 - passed on, as yield from does
                try:
                    waiting = coro.throw(exc)
                except StopIteration:
                    return
                continue
            try:
                waiting = coro.send(sent)
            except StopIteration:
                return


def _raw_writer(websocket: WebSocket) -> tuple[Callable[[bytes], bool] | None, bool]:
    """The socket's direct write, and whether it takes compressed broadcasts."""
    try:
        extension = websocket.scope["extensions"][RAW_WRITE]
    except (KeyError, TypeError, AttributeError):  # another server, or a test double
        return None, False
    write: Callable[[bytes], bool] = extension["write"]
    return write, bool(extension.get("deflate"))


def _wants_batch(websocket: WebSocket) -> bool:
    try:
        return websocket.query_params.get("batch") in ("1", "true")
    except (KeyError, AttributeError):  # a test double without a scope
        return False
