"""A client that stops reading is cut off (4000) and resumes with ``since``; others flow on.

The server runs with a small outbox (``--outbox-limit`` via its environment variable)
and the stalled client has a tiny socket receive buffer and reads nothing, so the
server's writes to it back up quickly.
"""

from __future__ import annotations

import json
from pathlib import Path

import websockets

from support.live import LiveServer
from support.scenario import open_workshop
from support.slow_socket import slow_socket
from support.wsclient import BoardClient

EVENTS = 3000
PROMPT = "Ich will ___ " + "x" * 900


async def test_a_stalled_client_is_cut_off_and_resumes_with_since(tmp_path: Path) -> None:
    server = LiveServer(
        tmp_path / "stall.db",
        env={"GAMESTORM_OUTBOX_LIMIT": "50", "GAMESTORM_COMMANDS_PER_SECOND": "100000"},
    ).start()
    try:
        w = await open_workshop(server, names=("Ann", "Eve"))
        stalled = await slow_socket(server.ws_url, server.port, f"/ws/{w.board_id}")
        await stalled.send(json.dumps({"type": "hello", "token": w.tokens["Eve"], "since": 0}))

        # The facilitator floods the board with large events; Ann reads them all.
        fac, ann = w.facilitator, w.participants[0]
        start = fac.seq
        for i in range(EVENTS):
            await fac.ws.send(
                json.dumps({"type": "prompt.set", "cid": f"p{i}", "text": f"{PROMPT} {i}"})
            )
        await fac.wait_for(lambda c: c.seq >= start + EVENTS, within=60)
        await ann.wait_seq(start + EVENTS, within=30)
        assert ann.order_errors == [] and ann.closed is None

        # Now Eve reads: some events, then the close that tells her to resume.
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
        code = stalled.close_code
        assert code == 4000, code
        assert seen and seen[-1] < start + EVENTS, "the stalled client was never cut off"
        assert seen == list(range(1, len(seen) + 1)), "what it got was not gapless"

        resumed = await BoardClient.connect(
            server.ws_url, w.board_id, w.tokens["Eve"], since=seen[-1]
        )
        assert resumed.welcome is not None and "events" in resumed.welcome
        assert resumed.seq == start + EVENTS
        assert [f["seq"] for f in resumed.welcome["events"]] == list(
            range(seen[-1] + 1, start + EVENTS + 1)
        )
        await resumed.close()
        await w.close()
    finally:
        server.stop()
