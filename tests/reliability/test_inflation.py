"""Compressed floods against the live server: what a socket sends inflates only as fast
as the board reads it.

Since the server agrees to permessage-deflate (every browser offers it), a client may
send its frames compressed: 16 KB of one letter is about 50 bytes. uvicorn parsed a
whole read at once, so a burst of such frames put every inflated message of the read in
the socket's queue before reading paused (tracemalloc: 79 MB in uvicorn's queue, 45 MB
in the inflater, for 20 flooding sockets). Now what was read is parsed a little at a
time, and only while nothing waits for the app (server/ws_protocol.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import websockets
from reliability_kit import Board, rss_kib, server_pid

from support.live import LiveServer

#: Frames per flooding socket, each 16 KB once inflated (32 MB a socket).
FRAMES = 2000
SOCKETS = 6


@pytest.fixture
async def board(own_server: LiveServer) -> AsyncIterator[Board]:
    """A board on a server of its own: no earlier test's freed heap hides the growth."""
    board = await Board.open(own_server)
    await board.join("flooder", "bystander")
    await board.start_generating()
    yield board
    assert "Traceback" not in own_server.log_text(), own_server.log_text()[-4000:]


async def compressed_burst(board: Board, frames: int) -> None:
    """A socket that sends ``frames`` compressed 16 KB frames in one go, reads nothing."""
    payload = json.dumps({"type": "prompt.set", "cid": "f", "text": "x" * 16_000})
    ws = await websockets.connect(
        f"{board.server.ws_url}/ws/{board.board_id}", max_size=None, close_timeout=0.5
    )
    try:
        assert ws.protocol.extensions, "permessage-deflate was not agreed"
        await ws.send(json.dumps({"type": "hello", "token": board.tokens["flooder"]}))
        for _ in range(frames):
            await ws.send(payload)
    finally:
        await ws.close()


@pytest.mark.slow
async def test_a_burst_of_compressed_frames_is_inflated_as_it_is_read(board: Board) -> None:
    pid = server_pid(board.server)
    await compressed_burst(board, 50)  # warm up: a socket, a few messages
    before = rss_kib(pid)
    peak = before
    done = asyncio.Event()

    async def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kib(pid))
            await asyncio.sleep(0.01)

    watcher = asyncio.create_task(watch())
    try:
        await asyncio.gather(*(compressed_burst(board, FRAMES) for _ in range(SOCKETS)))
        bystander = await board.connect("bystander", since=None)
        try:  # the board still answers, at once
            await asyncio.wait_for(
                bystander.ok("note.create", note_id="n-1", text="still here"), 10
            )
        finally:
            await bystander.close()
    finally:
        done.set()
        await watcher
    peak = max(peak, rss_kib(pid))
    print(f"RSS {before} -> {peak} KiB")
    # 6 x 2,000 x 16 KB = 192 MB inflated if it were all taken in at once (before: +45 MB,
    # now +0.2 MB)
    assert peak - before < 24 * 1024, f"RSS rose from {before} KiB to {peak} KiB"
