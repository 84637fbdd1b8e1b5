"""A WebSocket client that reads only when told to: a 4 KB receive buffer and a message
queue of one, so what the server writes to it backs up quickly once it stops reading."""

from __future__ import annotations

import socket
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection


async def slow_socket(ws_url: str, port: int, path: str, **options: Any) -> ClientConnection:
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", port))
    return await websockets.connect(
        f"{ws_url}{path}", sock=raw, max_queue=1, max_size=None, **options
    )
