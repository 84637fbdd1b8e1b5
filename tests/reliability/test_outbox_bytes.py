"""One client cannot make the server hold unbounded memory for it.

- A second ``hello`` on an open socket is a ``bad_request`` (it used to queue a whole
  welcome each time: a client that sent hellos and never read made the server keep
  hundreds of snapshots).
- The outbox is bounded in bytes as well as in frames: a client that stops reading
  while large frames are sent to it is cut off with 4000 once ``--outbox-bytes`` are
  waiting, long before 5,000 frames.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path
from typing import Any

import websockets
from reliability_kit import Board, rss_kib, server_pid

from support.live import LiveServer

NOTE = "n" * 990


async def stalled_socket(server: LiveServer, board: Board, who: str) -> Any:
    """A WebSocket with a tiny receive buffer that said hello and reads nothing for now."""
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", server.port))
    ws = await websockets.connect(
        f"{server.ws_url}/ws/{board.board_id}", sock=raw, max_queue=1, max_size=None
    )
    await ws.send(json.dumps({"type": "hello", "token": board.tokens[who], "since": None}))
    return ws


async def test_hello_again_is_an_error_and_a_spammer_costs_no_memory(tmp_path: Path) -> None:
    server = LiveServer(
        tmp_path / "hello.db", env={"GAMESTORM_COMMANDS_PER_SECOND": "1000"}
    ).start()
    try:
        board = await Board.open(server)
        await board.join("writer", "spammer")
        fac, writer = await board.connect("facilitator"), await board.connect("writer")
        await fac.ok("phase.advance", **{"from": "ignite"})
        for i in range(200):  # a snapshot of about 200 KB
            await writer.ok("note.create", note_id=f"n{i}", text=f"{i} {NOTE}")
        await fac.ok("phase.advance", **{"from": "generate"})  # revealed: in every snapshot

        spammer = await stalled_socket(server, board, "spammer")
        await asyncio.sleep(1.0)
        before = rss_kib(server_pid(server))
        hello = json.dumps({"type": "hello", "token": board.tokens["spammer"], "since": None})
        for _ in range(600):
            await spammer.send(hello)
        await asyncio.sleep(3.0)
        grown = (rss_kib(server_pid(server)) - before) / 1024
        assert grown < 24, f"600 hellos on one socket grew the server by {grown:.0f} MiB"
        assert (await fac.ok("column.create", column_id="bystander")) > 0

        # a reading client: the second hello is refused, the socket stays usable
        reply = await writer.command("hello", token=board.tokens["writer"], since=None)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        assert sum(1 for f in writer.frames if f.get("type") == "welcome") == 1
        await writer.ok("column.create", column_id="still-served")  # still open
        await spammer.close()
        await fac.close()
        await writer.close()
    finally:
        server.stop()


async def test_a_non_reader_is_cut_off_by_bytes(tmp_path: Path) -> None:
    server = LiveServer(
        tmp_path / "bytes.db",
        env={
            "GAMESTORM_OUTBOX_BYTES": str(256 * 1024),
            "GAMESTORM_COMMANDS_PER_SECOND": "100000",
            "GAMESTORM_STALL_SECONDS": "300",  # this test is about bytes, not time
        },
    ).start()
    try:
        board = await Board.open(server)
        await board.join("reader", "sleeper")
        fac = await board.connect("facilitator")
        sleeper = await stalled_socket(server, board, "sleeper")
        await asyncio.sleep(0.5)
        # ~4.5 MB of events, under 5,000 frames (the kernel's socket buffers take up to a
        # few MB of it: what is left waits in the outbox)
        start, count = fac.seq, 4500
        started = time.monotonic()
        for i in range(count):
            await fac.ws.send(
                json.dumps({"type": "prompt.set", "cid": f"p{i}", "text": f"{i} {NOTE}"})
            )
        await fac.wait_seq(start + count, within=60)
        seen: list[int] = []

        async def drain() -> None:
            async for message in sleeper:
                frame = json.loads(message)
                if frame.get("type") == "event":
                    seen.append(frame["seq"])

        try:
            await asyncio.wait_for(drain(), 10)
        except (TimeoutError, websockets.ConnectionClosed):
            pass
        elapsed = time.monotonic() - started
        assert sleeper.close_code == 4000, (sleeper.close_code, len(seen), elapsed)
        assert seen and seen[-1] < start + count, "cut off only after everything was sent"
        assert elapsed < 60
        await fac.close()
    finally:
        server.stop()
