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

And it holds less per socket: what only the handshake needs is dropped after it, and the
queue of received messages is a deque made only while messages wait and one future, not
``asyncio.Queue``'s four deques (3 KB a socket; ``python -m bench.conn_memory`` shows
where a connection's memory goes).
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State

#: The key of an ASGI ``websocket.close`` message that must not wait for writability.
FORCE = "gamestorm.force"
ABORT_AFTER = 60.0
#: The scope extension that holds a socket's ``write_frame`` (server/connection.py uses it).
RAW_WRITE = "gamestorm.raw_write"


def text_frame(text: str) -> bytes:
    """``text`` as one unmasked, uncompressed WebSocket text frame, as a server sends it."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


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

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        if self.response.status_code == 101 and not self.config.ws_per_message_deflate:
            self.scope["extensions"][RAW_WRITE] = {"write": self.write_frame}

    def write_frame(self, data: bytes) -> bool:
        """Write a frame framed by ``text_frame`` if the socket takes it now, in order
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
        if message.get("type") == "websocket.accept" and self.handshake_complete:
            del self.request, self.response  # the handshake's; nothing reads them again

    def _abort_if_open(self) -> None:
        if not self.disconnected:
            self.transport.abort()
