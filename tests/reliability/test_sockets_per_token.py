"""One token, many sockets: capped, with a close code of its own; one rate per person.

600 sockets on one participant token used to multiply the per-connection rate limit by
600. Now a token holds at most 4 sockets (a person with two devices and a spare tab),
the rest are refused with close 4008, and the rate limit is per participant, shared by
all of their sockets.
"""

from __future__ import annotations

import asyncio
import json
import time

import websockets
from reliability_kit import Board, new_id

from support.live import LiveServer
from support.wsclient import BoardClient

CAP, BURST, RATE = 4, 60, 20.0
CLOSE_TOO_MANY = 4008


async def try_socket(server: LiveServer, board: Board, token: str) -> tuple[str, int | None]:
    """Open a socket and say hello: ("welcome", None) kept open, or (error reason, close)."""
    ws = await websockets.connect(f"{server.ws_url}/ws/{board.board_id}", max_size=None)
    await ws.send(json.dumps({"type": "hello", "token": token, "since": None}))
    first = json.loads(await asyncio.wait_for(ws.recv(), 10))
    if first["type"] == "welcome":
        return "welcome", None
    try:
        await asyncio.wait_for(ws.recv(), 10)
    except websockets.ConnectionClosed:
        pass
    assert first["code"] == "rate_limited", first
    assert "4 connections" in first["message"], first
    return str(first.get("reason")), ws.close_code


async def test_a_token_holds_a_few_sockets_and_one_rate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"GAMESTORM_SOCKETS_PER_TOKEN": str(CAP)}
    server = LiveServer(tmp_path / "sockets.db", env=env).start()
    try:
        board = await Board.open(server)
        await board.join("many", "other")
        gate = asyncio.Semaphore(40)

        async def one() -> tuple[str, int | None]:
            async with gate:
                return await try_socket(server, board, board.tokens["many"])

        outcomes = await asyncio.gather(*(one() for _ in range(600)))
        assert outcomes.count(("welcome", None)) == CAP, outcomes[:10]
        assert outcomes.count(("too_many_connections", CLOSE_TOO_MANY)) == 600 - CAP
        # Another person is not affected; the facilitator's token has its own cap.
        other = await board.connect("other")
        assert other.welcome is not None
        await other.close()
    finally:
        server.stop()


async def test_sockets_of_one_participant_share_one_rate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"GAMESTORM_SOCKETS_PER_TOKEN": str(CAP)}
    server = LiveServer(tmp_path / "rate.db", env=env).start()
    try:
        board = await Board.open(server)
        await board.join("many")
        lanes = [await board.connect("many") for _ in range(CAP)]
        refused = await BoardClient.connect(
            server.ws_url, board.board_id, board.tokens["many"], since=None
        )
        assert refused.closed == CLOSE_TOO_MANY, refused.frames
        started = time.monotonic()

        async def blast(lane: BoardClient) -> list[str | None]:
            cids = [f"b-{new_id()}" for _ in range(BURST + 20)]
            for cid in cids:
                await lane.send_raw(json.dumps({"type": "timer.set", "cid": cid, "seconds": 5}))
            return [(await lane.reply(cid)).get("code") for cid in cids]

        codes = [c for lane in await asyncio.gather(*(blast(lane) for lane in lanes)) for c in lane]
        elapsed = time.monotonic() - started
        allowed = len(codes) - codes.count("rate_limited")
        # one bucket: the burst plus what refills meanwhile; per socket it was 4 x that
        assert allowed <= BURST + RATE * elapsed + 5, (allowed, elapsed)
        assert allowed >= BURST - 5, (allowed, elapsed)
        # a freed slot can be used again, and the bucket is not reset by reconnecting
        await lanes[0].close()
        await lanes[0].wait_for(lambda c: c.closed is not None)
        await asyncio.sleep(0.3)
        again = await board.connect("many", since=None)
        assert again.welcome is not None
        for lane in [*lanes[1:], again]:
            await lane.close()
    finally:
        server.stop()
