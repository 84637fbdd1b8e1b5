"""Large boards space their presence frames (issue 14).

Presence carries counts that change with every note and move, so a busy board sends it
every 250 ms. On a board of a thousand sockets that was a sixth of all writes; a board
spaces presence so it costs about ``presence_writes_per_second`` writes (a thousand by
default: one frame a second at 1,000 sockets). Here the budget is 4 writes a second, so a
board of four sockets gets one frame a second while a default board of four gets four.
A timer change still goes out at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.live import LiveServer
from support.scenario import Workshop, open_workshop

DRIVE_SECONDS = 3.0


@pytest.fixture
def sparse_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path / "gamestorm.db", env={"GAMESTORM_PRESENCE_WRITES_PER_SECOND": "4"}
    ).start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-4000:]


async def presence_while_busy(w: Workshop) -> list[float]:
    """Notes written for ``DRIVE_SECONDS`` (each moves the counts); when presence came."""
    fac, ann = w.facilitator, w.participants[0]
    await w.advance("ignite")
    await asyncio.sleep(0.6)  # the phase change's presence is out
    seen: list[float] = []
    before = len(fac.frames)
    end = time.monotonic() + DRIVE_SECONDS
    k = 0
    while time.monotonic() < end:
        await ann.ok("note.create", note_id=f"n{k}", text=f"Idee {k}")
        k += 1
        await asyncio.sleep(0.1)
        for frame in fac.frames[before:]:
            if frame.get("type") == "presence":
                seen.append(time.monotonic())
        before = len(fac.frames)
    return seen


async def test_presence_is_spaced_by_the_write_budget(
    live_server: LiveServer, sparse_server: LiveServer
) -> None:
    default = await open_workshop(live_server, names=("Ann", "Ben", "Cem"))
    sparse = await open_workshop(sparse_server, names=("Ann", "Ben", "Cem"))
    try:
        often = await presence_while_busy(default)
        spaced = await presence_while_busy(sparse)
        assert len(often) >= 8, often  # every 250 ms
        assert 2 <= len(spaced) <= 4, spaced  # every second
        gaps = [b - a for a, b in zip(spaced, spaced[1:], strict=False)]
        assert all(gap > 0.7 for gap in gaps), gaps

        # the timer does not wait for the spacing
        fac = sparse.facilitator
        await asyncio.sleep(0.1)
        sent = time.monotonic()
        await fac.ok("timer.set", seconds=120)
        await fac.wait_for(
            lambda c: any(f.get("type") == "presence" and f.get("timer") for f in c.frames[-5:]),
            within=0.6,
        )
        assert time.monotonic() - sent < 0.6
    finally:
        await default.close()
        await sparse.close()
