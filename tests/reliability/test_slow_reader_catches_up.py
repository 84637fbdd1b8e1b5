"""A reader that falls behind for a while and then reads again gets every event once and
in order: first what queued while it lagged (the pump, merging events for ``?batch=1``),
then, once it caught up, frames written straight to its socket again.

9,000 events of 1 KB are more than the kernel holds for a socket that reads nothing
(a 4 MB send buffer at most, tcp_wmem): the rest waits in the outbox, made big enough
to hold it. Without a pump to drain it, this test times out.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from support.live import LiveServer
from support.scenario import open_workshop
from support.slow_socket import slow_socket

EVENTS = 9000
LATER = 5
PROMPT = "Ich will ___ " + "x" * 900


def _seqs(frame: dict[str, object]) -> list[int]:
    if frame.get("type") == "event":
        return [int(frame["seq"])]  # type: ignore[call-overload]
    if frame.get("type") == "events":
        return [int(item["seq"]) for item in frame["events"]]  # type: ignore[attr-defined]
    return []


async def test_a_reader_that_lagged_gets_everything_in_order_then_live_frames(
    tmp_path: Path,
) -> None:
    server = LiveServer(
        tmp_path / "slow.db",
        env={
            "GAMESTORM_COMMANDS_PER_SECOND": "100000",
            "GAMESTORM_OUTBOX_LIMIT": "100000",
            "GAMESTORM_OUTBOX_BYTES": str(64 << 20),
        },
    ).start()
    try:
        w = await open_workshop(server, names=("Ann", "Eve"))
        slow = await slow_socket(server.ws_url, server.port, f"/ws/{w.board_id}?batch=1")
        await slow.send(json.dumps({"type": "hello", "token": w.tokens["Eve"], "since": None}))
        welcome = json.loads(await slow.recv())
        assert welcome["type"] == "welcome"
        base = welcome["seq"]

        # Eve reads nothing while the facilitator sends large events; Ann keeps up.
        fac, ann = w.facilitator, w.participants[0]
        for i in range(EVENTS):
            await fac.ws.send(
                json.dumps({"type": "prompt.set", "cid": f"p{i}", "text": f"{PROMPT} {i}"})
            )
        await fac.wait_for(lambda c: c.seq >= base + EVENTS, within=60)
        await ann.wait_seq(base + EVENTS, within=30)

        seen: list[int] = []
        frames = 0

        async def read_until(seq: int) -> None:
            nonlocal frames
            while not seen or seen[-1] < seq:
                message = await asyncio.wait_for(slow.recv(), 30)
                frames += 1
                seen.extend(_seqs(json.loads(message)))

        await read_until(base + EVENTS)
        assert seen == list(range(base + 1, base + EVENTS + 1))
        assert frames < EVENTS, "what queued was not merged into fewer frames"

        # caught up: later events arrive one by one, at once, still in order
        for i in range(LATER):
            await fac.ok("prompt.set", text=f"Ich will ___ later {i}")
            await read_until(base + EVENTS + i + 1)
        assert seen == list(range(base + 1, base + EVENTS + LATER + 1))
        assert slow.close_code is None
        await slow.close()
        await w.close()
    finally:
        server.stop()
