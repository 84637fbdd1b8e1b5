"""A presence frame never runs ahead of the events it counts.

Events of a busy board wait for the end of the fan-out tick; presence has its own timer.
Were presence sent while the tick still held events back, its counts would already hold
them and a client that folds both (the projector's "packets done" line) would count them
twice. Here the tick (400 ms) is longer than the presence interval (250 ms), so a
presence timer falls inside every held tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.live import LiveServer
from support.scenario import open_workshop


@pytest.fixture
def slow_tick_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "gamestorm.db", env={"GAMESTORM_FANOUT_TICK": "0.4"}).start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-4000:]


def events_of(frame: dict[str, Any]) -> list[dict[str, Any]]:
    if frame.get("type") == "event":
        return [frame["event"]]
    if frame.get("type") == "events":
        return [item["event"] for item in frame["events"]]
    return []


async def test_presence_comes_after_the_events_it_counts(slow_tick_server: LiveServer) -> None:
    w = await open_workshop(slow_tick_server, names=("Ann",))
    fac, ann = w.facilitator, w.participants[0]
    try:
        await w.advance("ignite")
        await asyncio.sleep(0.6)
        start = len(fac.frames)
        for k in range(6):
            # the first of a pair goes at once, the second waits for the tick's end
            await ann.ok("note.create", note_id=f"a{k}", text=f"Idee {k}")
            await ann.ok("note.create", note_id=f"b{k}", text=f"Noch eine {k}")
            await asyncio.sleep(0.5)
        await fac.wait_for(lambda c: c.state is not None and len(c.state.notes) == 12)
        await asyncio.sleep(0.5)

        notes = len(
            [e for f in fac.frames[:start] for e in events_of(f) if e["kind"] == "note.created"]
        )
        presences = 0
        for frame in fac.frames[start:]:
            notes += sum(1 for e in events_of(frame) if e["kind"] == "note.created")
            if frame.get("type") == "presence":
                presences += 1
                assert frame["counts"]["notes"] <= notes, (frame["counts"], notes)
        assert presences >= 6
        assert notes == 12
    finally:
        await w.close()
