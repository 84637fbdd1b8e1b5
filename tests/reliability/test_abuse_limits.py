"""Abuse limits, at their defaults (server/config.py): each holds, and only where it should.

Frame size is covered with the fuzz tests (test_fuzz_frames.py). Time is the subject of
the rate-limit tests, so they are the only ones here that sleep.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time

import httpx
import pytest
from reliability_kit import Board, fresh_address, join_from, new_id

from support.live import LiveServer
from support.wsclient import BoardClient

BURST, RATE = 60, 20.0
NOTE_MAX, NOTES_PER_PARTICIPANT, PARTICIPANTS_MAX = 1000, 200, 2000
#: Defaults of server/config.py: successful joins a minute, wrong codes per 10 minutes.
JOINS_PER_MINUTE, FAILED_JOINS = 1500, 50


async def blast(client: BoardClient, count: int, kind: str = "timer.set") -> list[dict]:
    """Send ``count`` commands without waiting, then collect one reply each."""
    cids = [f"blast-{new_id()}" for _ in range(count)]
    for cid in cids:
        await client.send_raw(json.dumps({"type": kind, "cid": cid, "seconds": 5}))
    return [await client.reply(cid) for cid in cids]


async def test_commands_per_second_per_connection(live_server: LiveServer) -> None:
    board = await Board.open(live_server)
    await board.join("flooder", "neighbour")
    flooder = await board.connect("flooder")
    neighbour = await board.connect("neighbour")
    try:
        replies = await blast(flooder, BURST + 40)
        codes = [r.get("code") for r in replies]
        assert codes[: BURST - 5].count("rate_limited") == 0, codes
        limited = codes.count("rate_limited")
        assert 30 <= limited <= 45, codes
        assert flooder.closed is None, "a rate-limited connection stays open"
        # Another participant has a bucket of their own (one token's sockets share one:
        # test_sockets_per_token.py).
        assert (await neighbour.command("timer.set", seconds=5))["code"] == "forbidden"
        await asyncio.sleep(1.0)  # the bucket refills at RATE per second
        codes = [r.get("code") for r in await blast(flooder, 30)]
        allowed = len(codes) - codes.count("rate_limited")
        assert RATE * 0.7 <= allowed <= RATE * 1.6, codes
    finally:
        await flooder.close()
        await neighbour.close()


async def test_note_length(live_server: LiveServer) -> None:
    board = await Board.open(live_server)
    await board.join("writer")
    facilitator = await board.connect("facilitator")
    writer = await board.connect("writer")
    try:
        await facilitator.ok("phase.advance", **{"from": "ignite"})
        await writer.wait_seq(facilitator.seq)
        await writer.ok("note.create", note_id=new_id(), text="  " + "x" * NOTE_MAX + "\n")
        for text in ("x" * (NOTE_MAX + 1), "   ", ""):
            reply = await writer.command("note.create", note_id=new_id(), text=text)
            assert reply["code"] == "invalid", reply
        reply = await facilitator.command("prompt.set", text="p" * (NOTE_MAX + 1))
        assert reply["code"] == "invalid"
    finally:
        await facilitator.close()
        await writer.close()


@pytest.mark.slow
async def test_notes_per_participant(live_server: LiveServer) -> None:
    board = await Board.open(live_server)
    await board.join("prolific", "other")
    facilitator = await board.connect("facilitator")
    await facilitator.ok("phase.advance", **{"from": "ignite"})
    # Four connections of one token share one rate limit (per participant): slow down
    # and resend when told to.
    lanes = [await board.connect("prolific") for _ in range(4)]
    other = await board.connect("other")
    try:
        per_lane = NOTES_PER_PARTICIPANT // len(lanes)

        async def write(lane: BoardClient) -> None:
            for i in range(per_lane):
                note_id = new_id()
                while True:
                    reply = await lane.command("note.create", note_id=note_id, text=f"note {i}")
                    if reply.get("code") != "rate_limited":
                        break
                    await asyncio.sleep(0.1)
                assert reply["type"] == "ack", reply

        await asyncio.gather(*(write(lane) for lane in lanes))
        await asyncio.sleep(0.5)  # the shared bucket refills
        reply = await lanes[0].command("note.create", note_id=new_id(), text="one too many")
        assert reply["code"] == "invalid" and "200" in reply["message"], reply
        await other.ok("note.create", note_id=new_id(), text="others still can")
    finally:
        for client in [facilitator, other, *lanes]:
            await client.close()


@pytest.mark.slow
async def test_participants_per_board(live_server: LiveServer) -> None:
    board = await Board.open(live_server)
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=live_server.base_url, limits=limits, timeout=60) as http:
        semaphore = asyncio.Semaphore(32)

        async def join(i: int) -> int:
            async with semaphore:
                response = await http.post(
                    "/api/join",
                    json={"join_code": board.join_code, "name": f"p{i}"},
                    headers={"x-forwarded-for": f"10.200.{i // 250}.{i % 250}"},
                )
                return response.status_code

        codes = await asyncio.gather(*(join(i) for i in range(PARTICIPANTS_MAX)))
        assert set(codes) == {201}
        extra = await join_from(live_server.base_url, board.join_code, "one too many")
        assert extra.status_code == 403 and extra.json()["error"] == "forbidden", extra.text


def wrong_code(i: int) -> str:
    """A well-formed join code no board has (the board's codes are random; a clash is 1e-9)."""
    return f"{i:06d}".translate(str.maketrans("0123456789", "ABCDEFGHJK"))


async def test_a_room_behind_one_address_joins_but_guessing_stops(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Wrong codes count, people do not: 60 joins from 127.0.0.1, then a guesser is stopped."""
    env = {
        "GAMESTORM_FAILED_JOINS": str(FAILED_JOINS),
        "GAMESTORM_JOINS_PER_MINUTE": str(JOINS_PER_MINUTE),
    }
    server = LiveServer(tmp_path / "throttle.db", env=env).start()
    try:
        board = await Board.open(server)
        # A room on venue Wi-Fi: everyone comes from one address (no X-Forwarded-For here).
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            answers = await asyncio.gather(
                *(
                    http.post("/api/join", json={"join_code": board.join_code, "name": f"p{i}"})
                    for i in range(60)
                )
            )
            assert [a.status_code for a in answers] == [201] * 60, answers[0].text
            looked = await http.get(f"/api/codes/{board.join_code}")
            assert looked.status_code == 200
        # Someone in the room types the code wrong three times, then right.
        typist = fresh_address()
        last = "Y" if board.join_code[5] == "Z" else "Z"  # a typo is never the real code
        for typo in (wrong_code(1), wrong_code(2), board.join_code[:5] + last):
            assert (await join_from(server.base_url, typo, "typist", typist)).status_code == 404
        assert (await join_from(server.base_url, board.join_code, "t", typist)).status_code == 201
        # Malformed codes (wrong length, look-alike letters) tell a guesser nothing: not counted.
        sloppy = fresh_address()
        for i in range(FAILED_JOINS + 5):
            bad = await join_from(server.base_url, f"O0{i}", "sloppy", sloppy)
            assert bad.status_code == 404, bad.text
        assert (await join_from(server.base_url, board.join_code, "s", sloppy)).status_code == 201
        # A guesser, sending in parallel: exactly the allowed number of guesses is checked.
        guesser = fresh_address()
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            answers = await asyncio.gather(
                *(
                    http.post(
                        "/api/join",
                        json={"join_code": wrong_code(i), "name": "guesser"},
                        headers={"x-forwarded-for": guesser},
                    )
                    for i in range(FAILED_JOINS * 2)
                )
            )
        codes = sorted(a.status_code for a in answers)
        assert codes == [404] * FAILED_JOINS + [429] * FAILED_JOINS, codes
        limited = next(a for a in answers if a.status_code == 429)
        assert limited.json()["error"] == "rate_limited"
        assert "wrong join codes" in limited.json()["message"]
        assert 1 <= int(limited.headers["retry-after"]) <= 600
        # Now even the right code waits: answering it would tell the guesser it is right.
        right = await join_from(server.base_url, board.join_code, "guesser", guesser)
        assert right.status_code == 429 and right.json()["error"] == "rate_limited", right.text
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            lookup = await http.get(
                f"/api/codes/{board.join_code}", headers={"x-forwarded-for": guesser}
            )
        assert lookup.status_code == 429
        other = await join_from(server.base_url, board.join_code, "honest")
        assert other.status_code == 201, other.text
    finally:
        server.stop()


async def test_code_lookups_are_guesses_too_and_the_window_slides(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "GAMESTORM_FAILED_JOINS": "3",
        "GAMESTORM_FAILED_JOINS_WINDOW": "2",
        "GAMESTORM_JOINS_PER_MINUTE": "40",
    }
    server = LiveServer(tmp_path / "window.db", env=env).start()
    try:
        board = await Board.open(server)
        guesser = fresh_address()
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            headers = {"x-forwarded-for": guesser}
            for i in range(3):
                miss = await http.get(f"/api/codes/{wrong_code(i)}", headers=headers)
                assert miss.status_code == 404
            assert (
                await http.get(f"/api/codes/{wrong_code(9)}", headers=headers)
            ).status_code == 429
            right = await join_from(server.base_url, board.join_code, "guesser", guesser)
            assert right.status_code == 429
            await asyncio.sleep(2.2)  # the failures leave the sliding window
            assert (
                await http.get(f"/api/codes/{board.join_code}", headers=headers)
            ).status_code == 200
        # Successful joins have their own cap per address and minute (here 40).
        crowd = fresh_address()
        for i in range(40):
            joined = await join_from(server.base_url, board.join_code, f"c{i}", crowd)
            assert joined.status_code == 201, joined.text
        over = await join_from(server.base_url, board.join_code, "c40", crowd)
        assert over.status_code == 429 and "40 joins a minute" in over.json()["message"]
    finally:
        server.stop()


@pytest.mark.slow
async def test_a_client_that_stops_reading_delays_no_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # 16 sockets of the facilitator write as fast as acks come: the rate limit is per
    # participant (all 16 share one), and the rate is not what this test is about.
    live_server = LiveServer(tmp_path / "stall.db", env={"GAMESTORM_COMMANDS_PER_SECOND": "1000"})
    live_server.start()
    try:
        await _stalled_reader_delays_no_one(live_server)
    finally:
        live_server.stop()


async def _stalled_reader_delays_no_one(live_server: LiveServer) -> None:
    board = await Board.open(live_server)
    await board.join(*(f"p{i}" for i in range(4)))
    # A raw socket with a tiny receive buffer that says hello and never reads again.
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(stalled, ("127.0.0.1", live_server.port))
    await loop.sock_sendall(stalled, handshake(live_server.port, board.board_id))
    await loop.sock_sendall(
        stalled, masked_text(json.dumps({"type": "hello", "token": board.tokens["p0"]}))
    )
    writers = [await board.connect("facilitator") for _ in range(16)]
    readers = [await board.connect(f"p{i}") for i in range(1, 4)]
    try:
        text = "x" * NOTE_MAX
        latencies: list[float] = []

        async def write(client: BoardClient, n: int) -> None:
            for i in range(n):
                started = time.monotonic()
                await client.ok("prompt.set", text=f"{i:03d} {text[:-4]}")
                latencies.append(time.monotonic() - started)

        await asyncio.gather(*(write(w, 55) for w in writers))
        top = max(w.seq for w in writers)
        for client in readers + writers:
            await client.wait_seq(top, within=10)
            assert not client.order_errors
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99)]
        assert p99 < 1.0, f"acks slowed down by a stalled client: p99 {p99:.3f}s"
        health = httpx.get(f"{live_server.base_url}/healthz", timeout=5)  # noqa: ASYNC210
        assert health.status_code == 200
    finally:
        stalled.close()
        for client in readers + writers:
            await client.close()


def handshake(port: int, board_id: str) -> bytes:
    return (
        f"GET /ws/{board_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


def masked_text(text: str) -> bytes:
    payload = text.encode()
    mask = b"\x01\x02\x03\x04"
    assert len(payload) < 126
    head = bytes([0x81, 0x80 | len(payload)]) + mask
    return head + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
