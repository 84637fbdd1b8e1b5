"""Retries create once; concurrent moves of one note converge on every client."""

from __future__ import annotations

import asyncio
import json

from support.live import LiveServer
from support.scenario import open_workshop
from support.wsclient import BoardClient


async def test_a_retried_note_create_creates_one_note(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann", "Ben"))
    ann, ben = w.participants
    await w.advance("ignite")
    first = await ann.command("note.create", note_id="retry-1", text="einmal")
    # The same frame again, as a client resends it after a reconnect, on a new socket.
    again = await BoardClient.connect(
        live_server.ws_url, w.board_id, w.tokens["Ann"], since=ann.seq
    )
    second = await again.command("note.create", note_id="retry-1", text="einmal")
    assert first["type"] == second["type"] == "ack"
    assert second["seq"] == first["seq"], "a retry is acked with the board's seq, no new event"
    stolen = await ben.command("note.create", note_id="retry-1", text="meins")
    assert stolen["code"] == "forbidden"
    await w.settle()
    created = [e for e in w.facilitator.events if e["kind"] == "note.created"]
    assert len(created) == 1 and len(w.facilitator.state.notes) == 1
    # Even once the phase has moved on, the retry is still acknowledged, not refused.
    await w.advance("generate")
    late = await again.command("note.create", note_id="retry-1", text="einmal")
    assert late["type"] == "ack"
    await again.close()
    await w.close()


async def test_simultaneous_moves_of_one_note_converge(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann", "Ben", "Cem"))
    ann, ben, cem = w.participants
    await w.advance("ignite")
    for i, client in enumerate(w.participants):
        for j in range(3):
            await client.ok("note.create", note_id=f"n{i}{j}", text=f"note {i}{j}")
    await w.advance("generate")
    for column in ("left", "right"):
        await ann.ok("column.create", column_id=column)

    # Both fire at the same moment, many times over, at the same note and neighbours.
    async def burst(client: BoardClient, column: str) -> None:
        for k in range(20):
            await client.send_raw(
                json.dumps(
                    {
                        "type": "note.move",
                        "cid": f"{client.name}-{k}",
                        "note_id": f"n0{k % 3}",
                        "column_id": column,
                        "index": k % 4,
                    }
                )
            )

    await asyncio.gather(burst(ben, "left"), burst(cem, "right"))
    for client in (ben, cem):
        await client.wait_for(
            lambda c, n=client.name: (
                len([f for f in c.frames if str(f.get("cid", "")).startswith(f"{n}-")]) == 20
            )
        )
    await w.settle()
    boards = {
        json.dumps(
            {
                "columns": {k: v.notes for k, v in c.state.columns.items()},
                "unsorted": c.state.unsorted,
            }
        )
        for c in w.everyone
    }
    assert len(boards) == 1, boards
    fresh = await BoardClient.connect(live_server.ws_url, w.board_id, w.tokens["Ann"], since=None)
    state = fresh.welcome["state"] if fresh.welcome else {}
    assert {c["id"]: c["notes"] for c in state["columns"]} == {
        k: v.notes for k, v in ann.state.columns.items()
    }
    for client in w.everyone:
        assert client.order_errors == []
    await fresh.close()
    await w.close()
