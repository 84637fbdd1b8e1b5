"""A room of a thousand on venue Wi-Fi: every phone comes from one address (NAT).

At the default limits everyone joins within the minute and holds a socket, and a phase
change reaches all of them. Before, the defaults let 600 join a minute and 500
connections stay open per address: the room of a thousand the seeds promise was cut at
500. The server here trusts no proxy, so loopback is capped like any client address.
"""

from __future__ import annotations

import asyncio
import json
import resource
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from gamestorm.server.config import Settings
from support.live import LiveServer

ROOM = 1000
VENUE = "127.0.0.7"  # the venue's one public address


@pytest.fixture
def venue_server(tmp_path: Path) -> Iterator[LiveServer]:
    defaults = Settings()
    env = {
        "FORWARDED_ALLOW_IPS": "192.0.2.1",  # not loopback: its connections are counted
        "GAMESTORM_JOINS_PER_MINUTE": str(defaults.joins_per_minute),
        "GAMESTORM_CONNECTIONS_PER_ADDRESS": str(defaults.connections_per_address),
    }
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 3 * ROOM:  # this process holds the room's sockets
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * ROOM), hard))
    server = LiveServer(tmp_path / "venue.db", env=env).start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-4000:]


async def hello(server: LiveServer, board_id: str, token: str) -> tuple[Any, dict[str, Any]]:
    ws = await websockets.connect(
        f"{server.ws_url}/ws/{board_id}?batch=1",
        local_addr=(VENUE, 0),
        max_size=None,
        open_timeout=30,
    )
    await ws.send(json.dumps({"type": "hello", "token": token}))
    return ws, json.loads(await asyncio.wait_for(ws.recv(), 30))


async def until_phase(ws: Any, phase: str) -> bool:
    while True:
        frame = json.loads(await ws.recv())
        events = frame.get("events") or ([frame] if frame.get("type") == "event" else [])
        if any(e["event"].get("phase") == phase for e in events):
            return True


@pytest.mark.slow
async def test_a_room_of_a_thousand_joins_from_one_address(venue_server: LiveServer) -> None:
    transport = httpx.AsyncHTTPTransport(local_address=VENUE)
    async with httpx.AsyncClient(
        base_url=venue_server.base_url, transport=transport, timeout=30
    ) as http:
        made = (await http.post("/api/boards", json={"title": "Konferenz"})).json()
        gate = asyncio.Semaphore(20)  # phones scanning the QR code, a few at a time

        async def join(i: int) -> httpx.Response:
            async with gate:
                body = {"join_code": made["join_code"], "name": f"Person {i}"}
                return await http.post("/api/join", json=body)

        joined = await asyncio.gather(*(join(i) for i in range(ROOM)))
    refused = [r for r in joined if r.status_code != 201]
    assert refused == [], (len(refused), refused[0].text if refused else "")

    room = [r.json()["token"] for r in joined]
    sockets = []
    try:
        gate = asyncio.Semaphore(50)

        async def connect(token: str) -> dict[str, Any]:
            async with gate:
                ws, first = await hello(venue_server, made["board_id"], token)
                sockets.append(ws)
                return first

        firsts = await asyncio.gather(*(connect(t) for t in room))
        assert [f["type"] for f in firsts] == ["welcome"] * ROOM, next(
            f for f in firsts if f["type"] != "welcome"
        )
        facilitator, welcome = await hello(
            venue_server, made["board_id"], made["facilitator_token"]
        )
        sockets.append(facilitator)
        assert welcome["type"] == "welcome"
        advance = {"type": "phase.advance", "from": "ignite", "cid": "go"}
        await facilitator.send(json.dumps(advance))
        reached = await asyncio.wait_for(
            asyncio.gather(*(until_phase(ws, "generate") for ws in sockets[:ROOM])), 30
        )
        assert len(reached) == ROOM
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
