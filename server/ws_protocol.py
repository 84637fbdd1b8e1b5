"""uvicorn's WebSocket protocol, able to close a socket that takes nothing.

uvicorn holds every send, a close included, until the socket is writable again, so a
reader that stopped reading could only ever be closed by the keepalive (1011 "keepalive
ping timeout"), never with the 4000 the protocol promises. A close sent with
``FORCE`` set in its ASGI message goes into the transport's buffer at once, behind what
the socket holds already: a reader that wakes up reads what it got, then the close. A
peer that still reads nothing is dropped ``ABORT_AFTER`` seconds later, so it cannot
keep a socket (and its buffer) forever.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

#: The key of an ASGI ``websocket.close`` message that must not wait for writability.
FORCE = "gamestorm.force"
ABORT_AFTER = 60.0


class StallClosingProtocol(WebSocketsSansIOProtocol):
    async def send(self, message: Any) -> None:
        if message.get("type") == "websocket.close" and message.get(FORCE):
            self.writable.set()  # cleared again by pause_writing once it drained
            self.loop.call_later(ABORT_AFTER, self._abort_if_open)
        await super().send(message)

    def _abort_if_open(self) -> None:
        if not self.disconnected:
            self.transport.abort()
