"""uvicorn's WebSocket protocol, able to close a socket that takes nothing.

uvicorn holds every send, a close included, until the socket is writable again, so a
reader that stopped reading could only ever be closed by the keepalive (1011 "keepalive
ping timeout"), never with the 4000 the protocol promises. A close sent with
``FORCE`` set in its ASGI message goes into the transport's buffer at once, behind what
the socket holds already: a reader that wakes up reads what it got, then the close. A
peer that still reads nothing is dropped ``ABORT_AFTER`` seconds later, so it cannot
keep a socket (and its buffer) forever.

It also lets the room write a frame it framed once for every client straight to the
transport (``RAW_WRITE`` in the scope's extensions): a server frame without compression
is the same bytes for every client, so a broadcast to a thousand sockets costs a thousand
``transport.write`` calls, not a thousand trips through starlette, the ASGI send, the
``websockets`` framer and a ``join`` (py-spy: half the fan-out at 100 moves a second).

A frame of ``COMPRESS_FROM`` bytes or more (a reveal of 5,000 notes is 700 KB) goes out
compressed to a socket that negotiated permessage-deflate (RFC 7692; every browser offers
it), compressed once for all of them: the server asks for ``server_no_context_takeover``,
so each message stands alone and the same compressed bytes are valid on every socket (and
no socket holds a compressor; ``client_no_context_takeover`` keeps the decompressor of
what a client sends from outliving its message too). Frames sent to one socket only, and
small ones, go out plain, which RFC 7692 allows: compressing per socket would cost more
CPU than the bytes it saves on loopback and a LAN.

What a client sends is fed to the parser ``FEED_BYTES`` at a time, and no more once a
message waits for the app. Compressed, 16 KB of one letter is about 50 bytes: uvicorn fed
a whole read (up to 256 KB, some 5,000 such frames) at once and paused reading only
after it: 20 sockets flooding them held 80 MB of inflated messages in their queues
(``tests/reliability/test_inflation.py``). The rest of the read waits, compressed, and
reading stays paused until the app has taken what is queued.

And it holds less per socket: what only the handshake needs is dropped after it, and the
queue of received messages is a deque made only while messages wait and one future, not
``asyncio.Queue``'s four deques (3 KB a socket; ``python -m bench.conn_memory`` shows
where a connection's memory goes).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State

#: The key of an ASGI ``websocket.close`` message that must not wait for writability.
FORCE = "gamestorm.force"
ABORT_AFTER = 60.0
#: The scope extension that holds a socket's ``write_frame`` (server/connection.py uses it).
RAW_WRITE = "gamestorm.raw_write"


#: Bytes of a socket's input parsed at once: at most a message or two once inflated
#: (deflate shrinks by 1,000 at most), and one call for an ordinary frame.
FEED_BYTES = 512


#: Frames from this many bytes on go out compressed where the socket allows it: what a
#: storm of moves sends (a few hundred bytes a frame) stays plain, a reveal, a result or a
#: snapshot-sized batch is compressed.
COMPRESS_FROM = 8192
#: zlib's default: 15 ms and a quarter of the bytes for a 700 KB reveal (level 1: 5 ms
#: and 30 %); it runs once per broadcast, not once per socket.
COMPRESS_LEVEL = 6
#: The window the shared compressed frames use; a client that asked for a smaller one
#: gets plain frames.
WINDOW_BITS = 15


def text_frame(text: str) -> bytes:
    """``text`` as one unmasked, uncompressed WebSocket text frame, as a server sends it."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


#: Compresses each message on its own (no state is kept between messages).
_ONE_MESSAGE = PerMessageDeflate(True, True, WINDOW_BITS, WINDOW_BITS, {"level": COMPRESS_LEVEL})


def deflated_frame(text: str) -> bytes:
    """``text`` as one compressed text frame (RSV1 set) that any socket which negotiated
    permessage-deflate without server context takeover can read."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[_ONE_MESSAGE])


class Framed:
    """One frame's bytes on the wire, made once for every socket that gets it: plain, and
    (for a large frame) compressed for the sockets that negotiated it. Each is made only
    when a socket needs it."""

    __slots__ = ("text", "_plain", "_deflated")

    def __init__(self, text: str) -> None:
        self.text = text
        self._plain: bytes | None = None
        self._deflated: bytes | None = None

    def plain(self) -> bytes:
        if self._plain is None:
            self._plain = text_frame(self.text)
        return self._plain

    def for_socket(self, deflate: bool) -> bytes:
        if not deflate or len(self.text) < COMPRESS_FROM:
            return self.plain()
        if self._deflated is None:
            self._deflated = deflated_frame(self.text)
        return self._deflated


class _SharedDeflate(PerMessageDeflate):
    """permessage-deflate as negotiated, but what the ASGI send path writes (frames to
    this socket alone) goes out plain; the room compresses broadcasts once
    (``Framed``). What the client sends is decompressed as usual."""

    def encode(self, frame: Frame) -> Frame:
        return frame


class _SharedDeflateFactory(ServerPerMessageDeflateFactory):
    def __init__(self) -> None:
        super().__init__(server_no_context_takeover=True, client_no_context_takeover=True)

    def process_request_params(
        self, params: Sequence[tuple[str, str | None]], accepted_extensions: Sequence[Extension]
    ) -> tuple[list[tuple[str, str | None]], PerMessageDeflate]:
        response, ext = super().process_request_params(params, accepted_extensions)
        shared = _SharedDeflate(
            ext.remote_no_context_takeover,
            ext.local_no_context_takeover,
            ext.remote_max_window_bits,
            ext.local_max_window_bits,
        )
        return response, shared


class _Inbox:
    """What uvicorn asks of its receive queue (``put_nowait``, ``get``, ``empty``) for one
    reader: the ASGI app's ``receive``."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: deque[Any] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        if self._items is None:
            self._items = deque()
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    async def get(self) -> Any:
        while not self._items:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        item = self._items.popleft()
        if not self._items:
            self._items = None
        return item


class _Gate:
    """uvicorn's ``writable`` (``set``, ``clear``, ``is_set``, ``wait``) without the deque
    an ``asyncio.Event`` holds even when no one waits."""

    __slots__ = ("_open", "_waiters")

    def __init__(self) -> None:
        self._open = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._open

    def set(self) -> None:
        self._open = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._open = False

    async def wait(self) -> None:
        if self._open:
            return
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter


class StallClosingProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = _Inbox()  # type: ignore[assignment]
        self.writable = _Gate()  # type: ignore[assignment]
        #: What was read, and how much of it was parsed (``_feed``).
        self._unfed = b""
        self._fed = 0
        if not self.config.ws_per_message_deflate:
            # uvicorn's own (with context takeover) compresses every frame per socket
            self.conn.available_extensions = [_SharedDeflateFactory()]

    def data_received(self, data: bytes) -> None:
        if self._fed < len(self._unfed):
            self._unfed = self._unfed[self._fed :] + data
        else:
            self._unfed = data
        self._fed = 0
        self._feed()

    def _feed(self) -> None:
        """Parse what was read until a message waits for the app (then the rest waits);
        all of it once the close was sent (messages are dropped, the peer's close is due)."""
        unfed, size = self._unfed, len(self._unfed)
        while (
            self._fed < size
            and (self.close_sent or self.queue.empty())
            and not self.transport.is_closing()
        ):
            start = self._fed
            self._fed = start + FEED_BYTES
            super().data_received(unfed[start : self._fed])
        if self._fed >= size:
            self._unfed, self._fed = b"", 0
        elif not self.read_paused:
            self.read_paused = True
            self.transport.pause_reading()

    async def receive(self) -> Any:
        message = await self.queue.get()
        if self._unfed and self.queue.empty():
            self._feed()
        if self.read_paused and self.queue.empty() and not self._unfed:
            self.read_paused = False
            self.transport.resume_reading()
        return message

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if self.response.status_code == 101 and not self.config.ws_per_message_deflate:
            deflate = any(
                isinstance(ext, _SharedDeflate)
                and ext.local_no_context_takeover
                and ext.local_max_window_bits >= WINDOW_BITS
                for ext in self.conn.extensions
            )
            self.scope["extensions"][RAW_WRITE] = {"write": self.write_frame, "deflate": deflate}

    def write_frame(self, data: bytes) -> bool:
        """Write a frame framed by ``Framed`` if the socket takes it now, in order
        with every other write (uvicorn writes each frame as soon as it is framed, so
        nothing waits inside the protocol object); False when it cannot (the socket's
        buffer is full, or it is closing): the caller sends it the ASGI way then."""
        if (
            not self.writable.is_set()
            or self.close_sent
            or self.disconnected
            or not self.handshake_complete
            or self.initial_response is not None
            or self.conn.state is not State.OPEN
            or self.transport.is_closing()
        ):
            return False
        self.transport.write(data)
        return True

    async def send(self, message: Any) -> None:
        if message.get("type") == "websocket.close" and message.get(FORCE):
            self.writable.set()  # cleared again by pause_writing once it drained
            self.loop.call_later(ABORT_AFTER, self._abort_if_open)
        await super().send(message)
        if self.close_sent and self._unfed:
            self._feed()  # messages are dropped from now on: read on to the peer's close
        if message.get("type") == "websocket.accept" and self.handshake_complete:
            # the handshake's, read by nothing once accepted: a browser's headers are 1-2
            # KB a socket, held for its life (the request also by websockets' parser)
            self.request.headers.clear()
            self.scope["headers"] = []
            del self.request, self.response

    def _abort_if_open(self) -> None:
        if not self.disconnected:
            self.transport.abort()
