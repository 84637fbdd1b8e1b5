"""Several real ``gamestorm serve`` processes on one PostgreSQL database and one Redis.

What a deployment behind a load balancer is: any process serves any board, the log in
PostgreSQL is the order, Redis carries committed events between the processes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import websockets

from .live import LiveServer
from .wsclient import BoardClient

#: Every test client sends from 127.0.0.1: lift the per-connection command rate too.
CLUSTER_ENV = {"GAMESTORM_COMMANDS_PER_SECOND": "1000"}


class Cluster:
    def __init__(self, tmp: Path, db_url: str, fanout_url: str, size: int = 3) -> None:
        self.servers = [
            LiveServer(
                tmp / f"node{i}.db",
                db_url=db_url,
                env=CLUSTER_ENV,
                extra_args=["--fanout", fanout_url],
            )
            for i in range(size)
        ]

    def start(self) -> Cluster:
        for server in self.servers:
            server.start()
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def __getitem__(self, index: int) -> LiveServer:
        return self.servers[index % len(self.servers)]

    def logs(self) -> str:
        return "\n".join(f"--- {s.port}\n{s.log_text()[-3000:]}" for s in self.servers)


async def health(server: LiveServer) -> dict[str, Any]:
    """``GET /healthz`` (200 or 503, both with a JSON body)."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as http:
        return dict((await http.get("/healthz")).json())


async def until(check: Callable[[], Awaitable[bool]], within: float, step: float = 0.1) -> bool:
    """Poll ``check`` until it holds or ``within`` seconds pass; its last answer."""
    for _ in range(max(1, int(within / step))):
        if await check():
            return True
        await asyncio.sleep(step)
    return await check()


async def resume(old: BoardClient, server: LiveServer, board_id: str, token: str) -> BoardClient:
    """Reconnect as a browser does after a lost socket: to any process, with ``since``.

    The new client continues the old one's record (seq, events, folded state), so a gap
    or a repeat across the reconnect shows in ``order_errors``.
    """
    ws = await websockets.connect(f"{server.ws_url}/ws/{board_id}", max_size=None)
    client = BoardClient(ws, old.name)
    client.seq, client.state, client.events = old.seq, old.state, old.events
    client.order_errors = old.order_errors
    await ws.send(json.dumps({"type": "hello", "token": token, "since": old.seq}))
    await client.wait_for(lambda c: c.welcome is not None or c.closed is not None)
    assert client.welcome is not None and "events" in client.welcome, client.frames[-1:]
    return client
