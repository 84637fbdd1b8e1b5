"""Memory that only grew: boards created without limit, never unloaded, unknown ids kept.

Creating boards is throttled per address; a board nobody uses is unloaded from memory
(and loaded again, intact, from its log on next use); looking up boards that do not
exist leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import random
import socket
import time

import httpx
from reliability_kit import Board, fresh_address, join_from, new_id, rss_kib, server_pid, view

from support.live import LiveServer


async def health(server: LiveServer) -> dict:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        response = await http.get("/healthz")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_board_creation_is_throttled_per_address(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = LiveServer(tmp_path / "create.db", env={"GAMESTORM_BOARDS_PER_MINUTE": "30"}).start()
    try:
        creator = fresh_address()
        body = {"title": "t", "prompt": "p"}
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            headers = {"x-forwarded-for": creator}
            answers = await asyncio.gather(
                *(http.post("/api/boards", json=body, headers=headers) for _ in range(40))
            )
            codes = sorted(a.status_code for a in answers)
            assert codes == [201] * 30 + [429] * 10, codes
            limited = next(a for a in answers if a.status_code == 429)
            assert limited.json()["error"] == "rate_limited"
            assert "boards a minute" in limited.json()["message"]
            assert 1 <= int(limited.headers["retry-after"]) <= 60
            other = await http.post(
                "/api/boards", json=body, headers={"x-forwarded-for": "10.9.9.9"}
            )
            assert other.status_code == 201, other.text
        assert (await health(server))["boards_live"] <= 31
    finally:
        server.stop()


async def test_an_idle_board_is_unloaded_and_comes_back_intact(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"GAMESTORM_IDLE_UNLOAD_SECONDS": "1"}
    server = LiveServer(tmp_path / "idle.db", env=env).start()
    try:
        idle = await Board.open(server)
        busy = await Board.open(server)
        await idle.join("ana", "ben")
        facilitator = await idle.connect("facilitator")
        await facilitator.ok("phase.advance", **{"from": "ignite"})
        ana = await idle.connect("ana")
        await ana.wait_seq(facilitator.seq)
        for i in range(5):
            await ana.ok("note.create", note_id=new_id(), text=f"note {i}")
        before = view(ana)
        seq = ana.seq
        watcher = await busy.connect("facilitator")  # a board with a client stays loaded
        assert (await health(server))["boards_live"] == 2
        await ana.close()
        await facilitator.close()
        deadline = time.monotonic() + 15
        while (await health(server))["boards_live"] != 1:
            assert time.monotonic() < deadline, "the idle board was never unloaded"
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.5)
        assert (await health(server))["boards_live"] == 1, "a board with a client was unloaded"
        assert watcher.closed is None
        again = await idle.connect("ana", since=0)
        assert again.seq == seq and view(again) == before
        assert await again.ok("note.create", note_id=new_id(), text="after reload") == seq + 1
        resumed = await idle.connect("ben", since=0)
        assert resumed.seq == seq + 1 and not resumed.order_errors
        await again.close()
        await resumed.close()

        # Joins and hellos that arrive as the board is unloaded: none fails or is lost.
        rng = random.Random(16)
        joined: list[str] = []
        for round_ in range(12):
            await asyncio.sleep(rng.uniform(0.9, 1.6))
            answers = await asyncio.gather(
                *(join_from(server.base_url, idle.join_code, f"r{round_}-{i}") for i in range(3))
            )
            assert [a.status_code for a in answers] == [201] * 3, [a.text for a in answers]
            joined += [a.json()["participant_id"] for a in answers]
            client = await idle.connect("ben", since=None)
            assert client.welcome is not None
            await client.close()
        final = await idle.connect("ana", since=None)
        assert final.state is None and final.welcome is not None
        participants = final.welcome["state"]["participants"]
        ids = (
            {p["id"] for p in participants} if isinstance(participants, list) else set(participants)
        )
        assert set(joined) <= ids, "a join acknowledged during an unload is missing"
        await final.close()
        await watcher.close()
    finally:
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


def pipelined_lookups(port: int, count: int, connections: int = 4) -> None:
    """``count`` export requests for boards that do not exist, pipelined on raw sockets."""
    per = count // connections
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
    try:
        for start in range(0, per, 500):
            batch = min(500, per - start)
            for s in socks:
                s.sendall(
                    b"".join(
                        b"GET /api/boards/%s/export.json HTTP/1.1\r\nHost: x\r\n"
                        b"Authorization: Bearer nope\r\n\r\n" % new_id().encode()
                        for _ in range(batch)
                    )
                )
            for s in socks:
                seen = 0
                buffer = b""
                while seen < batch:
                    chunk = s.recv(1 << 20)
                    assert chunk, "the server closed the connection"
                    buffer += chunk
                    seen = buffer.count(b"HTTP/1.1 401")
    finally:
        for s in socks:
            s.close()


async def test_unknown_board_lookups_leave_nothing_behind(live_server: LiveServer) -> None:
    pid = server_pid(live_server)
    await asyncio.to_thread(pipelined_lookups, live_server.port, 4_000)  # warm up
    start = rss_kib(pid)
    started = time.monotonic()
    loaded = (await health(live_server))["boards_live"]
    await asyncio.to_thread(pipelined_lookups, live_server.port, 20_000)
    middle = rss_kib(pid)
    await asyncio.to_thread(pipelined_lookups, live_server.port, 20_000)
    end = rss_kib(pid)
    took = time.monotonic() - started
    print(f"40,000 unknown lookups in {took:.1f}s: RSS {start} -> {middle} -> {end} KiB")
    # about 240 bytes each (the leak this guards against, measured before the fix:
    # 74.9 -> 84.3 -> 91.8 MiB over 2 x 40,000) would be 4.7 MiB per 20,000
    assert end - start < 2560, (start, middle, end)
    assert end - middle < 1536, (start, middle, end)
    assert (await health(live_server))["boards_live"] == loaded
