"""A reader that stops reading is closed with 4000 (docs/protocol.md), at the defaults.

Before, a stalled reader with fewer than 5,000 frames queued was closed by uvicorn's
keepalive instead (1011 "keepalive ping timeout", 15 to 30 s after it stopped): the
client took a server error for what is a "fell behind, resume with since". Now a socket
that takes nothing for ``--stall-seconds`` (10 s) while frames wait for it is closed
with 4000, and the close frame is queued behind what the socket already holds, so a
reader that wakes up reads what it got, then the 4000, and resumes.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
import websockets

from support.live import LiveServer
from support.scenario import open_workshop
from support.slow_socket import slow_socket
from support.wsclient import BoardClient

PROMPT = "Ich will ___ " + "x" * 900


@pytest.mark.slow
async def test_a_stalled_reader_is_closed_with_4000_not_by_keepalive(tmp_path: Path) -> None:
    server = LiveServer(
        tmp_path / "stall.db", env={"GAMESTORM_COMMANDS_PER_SECOND": "100000"}
    ).start()
    try:
        w = await open_workshop(server, names=("Ann", "Eve"))
        stalled = await slow_socket(
            server.ws_url,
            server.port,
            f"/ws/{w.board_id}",
            ping_interval=None,  # it answers nothing while it does not read
        )
        await stalled.send(json.dumps({"type": "hello", "token": w.tokens["Eve"], "since": 0}))

        fac, ann = w.facilitator, w.participants[0]
        start, count = fac.seq, 3000  # more than the kernel buffers, far under 5,000 frames
        stopped = time.monotonic()
        for i in range(count):
            await fac.ws.send(
                json.dumps({"type": "prompt.set", "cid": f"p{i}", "text": f"{PROMPT} {i}"})
            )
        await fac.wait_seq(start + count, within=60)
        await ann.wait_seq(start + count, within=30)
        # past the keepalive's latest close (ping every 15 s, pong due within 30 s)
        await asyncio.sleep(max(0.0, 50 - (time.monotonic() - stopped)))

        seen: list[int] = []
        try:
            async for message in stalled:
                frame = json.loads(message)
                if frame.get("type") == "welcome":
                    seen.extend(item["seq"] for item in frame["events"])
                elif frame.get("type") == "event":
                    seen.append(frame["seq"])
        except websockets.ConnectionClosed:
            pass
        assert stalled.close_code == 4000, (stalled.close_code, stalled.close_reason)
        assert seen and seen[-1] < start + count, "the stalled reader was never cut off"
        assert seen == list(range(1, len(seen) + 1)), "what it got was not gapless"
        resumed = await BoardClient.connect(
            server.ws_url, w.board_id, w.tokens["Eve"], since=seen[-1]
        )
        assert resumed.seq == start + count
        await resumed.close()
        await w.close()
    finally:
        server.stop()
