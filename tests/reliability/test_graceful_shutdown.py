"""SIGTERM with commands in flight: clients are told to reconnect (1012), nothing is lost.

Participants keep sending notes while the server gets SIGTERM. The server must exit
cleanly (code 0, no traceback), close every socket with 1012, and after a restart on the
same database every acknowledged note is there, seq is gapless, each client resumes with
``since`` to the same board a fresh client sees, and retrying the unanswered creates (same
client-made ids) makes no duplicates.
"""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest
import websockets
from reliability_kit import Board, assert_gapless, db_state, new_id, view

from support.live import LiveServer
from support.wsclient import BoardClient

PARTICIPANTS = 16
NOTES_EACH = 50


@pytest.mark.slow
async def test_sigterm_finishes_in_flight_commands_and_loses_nothing(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "term.db").start()
    names = [f"p{i}" for i in range(PARTICIPANTS)]
    clients: dict[str, BoardClient] = {}
    try:
        board = await Board.open(server)
        await board.join(*names)
        facilitator = await board.connect("facilitator")
        await facilitator.ok("phase.advance", **{"from": "ignite"})
        await facilitator.close()
        clients = {n: await board.connect(n) for n in names}
        notes = {n: [new_id() for _ in range(NOTES_EACH)] for n in names}
        cids: dict[str, dict[str, str]] = {n: {} for n in names}
        for name, client in clients.items():  # all in flight at once, no waiting
            for note_id in notes[name]:
                cid = f"n-{note_id}"
                cids[name][note_id] = cid
                frame = {"type": "note.create", "cid": cid, "note_id": note_id, "text": "t"}
                await client.send_raw(json.dumps(frame))
        code = await asyncio.to_thread(server.stop, signal.SIGTERM)
        # uvicorn shuts down, then re-raises the signal it caught: the exit status is -15.
        assert code in (0, -signal.SIGTERM), server.log_text()[-3000:]
        for client in clients.values():
            await client.wait_for(lambda c: c.closed is not None)
            assert client.closed == 1012, client.closed
        acked = {
            note_id
            for name, client in clients.items()
            for note_id, cid in cids[name].items()
            if any(f.get("type") == "ack" for f in client.replies(cid))
        }

        server.start()
        state = db_state(server.db_path, board.board_id)
        assert acked <= set(state.notes), "an acknowledged note was lost"
        # The drain delivers the ack of everything it committed before the sockets close.
        assert set(state.notes) <= acked, "committed but never acknowledged"
        top = assert_gapless(server.db_path, board.board_id)
        for name, old in list(clients.items()):
            assert old.seq <= top
            await old.close()
            clients[name] = await resume(server, board, old)
        for name, client in clients.items():
            for note_id in notes[name]:  # resend everything: acked or not, same ids
                reply = await client.command("note.create", note_id=note_id, text="t")
                assert reply["type"] == "ack", reply
        top = assert_gapless(server.db_path, board.board_id)
        state = db_state(server.db_path, board.board_id)
        assert len(state.notes) == PARTICIPANTS * NOTES_EACH, "a duplicate or a lost note"
        for name, client in clients.items():
            await client.wait_seq(top)
            fresh = await board.connect(name, since=0)
            assert view(fresh) == view(client)
            await fresh.close()
    finally:
        for client in clients.values():
            await client.close()
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


async def resume(server: LiveServer, board: Board, old: BoardClient) -> BoardClient:
    ws = await websockets.connect(f"{server.ws_url}/ws/{board.board_id}", max_size=None)
    client = BoardClient(ws, old.name)
    client.state, client.seq, client.events = old.state, old.seq, list(old.events)
    await ws.send(json.dumps({"type": "hello", "token": board.tokens[old.name], "since": old.seq}))
    await client.wait_for(lambda c: c.welcome is not None)
    assert client.welcome is not None and "events" in client.welcome
    return client
