"""Large broadcasts go out compressed, once for every socket that negotiated it (issue 14).

A reveal of many notes is the largest frame a board sends to everyone at once. Sockets
that offer permessage-deflate (every browser does) get it compressed: the server agrees
to no context takeover on both sides, so the one compressed copy is valid on every
socket, and the sockets that offered it receive the very same bytes. A socket that
offered nothing, or asked for a smaller window than the shared copy uses, gets it
plain. Small frames (acks, single moves) stay plain for everyone. What a client sends
compressed is read as usual.
"""

from __future__ import annotations

import json
from typing import Any

from support.live import LiveServer
from support.raw_ws import RawSocket, WireFrame
from support.scenario import open_workshop

#: What Chromium offers.
BROWSER_OFFER = "permessage-deflate; client_max_window_bits"
NOTES_EACH = 30


async def hello(sock: RawSocket, token: str, since: int, *, compress: bool = False) -> None:
    await sock.send_text(
        json.dumps({"type": "hello", "token": token, "since": since}), compress=compress
    )
    while True:
        frame = await sock.frame()
        if frame.opcode == 1 and json.loads(frame.text())["type"] == "welcome":
            return


def revealed_notes(body: dict[str, Any]) -> list[dict[str, Any]] | None:
    items = body.get("events", [body] if body.get("type") == "event" else [])
    for item in items:
        if item["event"]["kind"] == "notes.revealed":
            return list(item["event"]["notes"])
    return None


async def reveal_of(sock: RawSocket) -> tuple[WireFrame, list[WireFrame]]:
    """The frame that carries ``notes.revealed`` (with the phase change: one commit, one
    frame), and the text frames before it."""
    before = []
    while True:
        frame = await sock.frame()
        if frame.opcode != 1:
            continue
        if revealed_notes(json.loads(frame.text())) is not None:
            return frame, before
        before.append(frame)


async def test_a_reveal_is_compressed_once_for_every_socket_that_offered_it(
    live_server: LiveServer,
) -> None:
    w = await open_workshop(live_server, names=("Ann", "Ben", "Cem"))
    await w.advance("ignite")
    for i, client in enumerate(w.participants):
        for k in range(NOTES_EACH):
            text = f"Idee {k} von {client.name}: mehr Zeit für Kunden und klare Ziele im Team"
            await client.ok("note.create", note_id=f"n{i}-{k}", text=text)
    await w.settle()
    since = w.facilitator.seq
    path = f"/ws/{w.board_id}?batch=1"
    port = live_server.port
    first = await RawSocket.open(port, path, BROWSER_OFFER)
    second = await RawSocket.open(port, path, BROWSER_OFFER)
    plain = await RawSocket.open(port, path, None)
    narrow = await RawSocket.open(port, path, "permessage-deflate; server_max_window_bits=10")
    try:
        for sock in (first, second):
            assert sock.extensions.startswith("permessage-deflate"), sock.extensions
            assert "server_no_context_takeover" in sock.extensions
            assert "client_no_context_takeover" in sock.extensions
        assert plain.extensions == ""
        assert "server_max_window_bits=10" in narrow.extensions
        # a hello sent compressed is read like any other
        await hello(first, w.tokens["Ann"], since, compress=True)
        await hello(second, w.tokens["Ben"], since)
        await hello(plain, w.tokens["Cem"], since)
        await hello(narrow, w.tokens["facilitator"], since)

        await w.advance("generate")
        sockets = {"first": first, "second": second, "plain": plain, "narrow": narrow}
        revealed = {name: await reveal_of(sock) for name, sock in sockets.items()}
        text = revealed["plain"][0].text()
        notes = revealed_notes(json.loads(text))
        assert notes is not None and len(notes) == 3 * NOTES_EACH
        assert len(text) > 8192  # large enough to be compressed
        assert not revealed["plain"][0].compressed
        assert not revealed["narrow"][0].compressed  # the shared copy's window is too big
        one, two = revealed["first"][0], revealed["second"][0]
        assert one.compressed and two.compressed
        assert one.payload == two.payload  # compressed once: the same bytes
        assert len(one.payload) < len(text) / 2
        assert one.text() == text == revealed["narrow"][0].text()
        # small frames stay plain, on every socket
        for _, before in revealed.values():
            assert not any(f.compressed for f in before)

        # the board goes on over the compressed sockets
        await first.send_text(
            json.dumps({"type": "column.create", "cid": "c1", "column_id": "col1"}),
            compress=True,
        )
        await w.facilitator.wait_for(lambda c: c.state is not None and "col1" in c.state.columns)
    finally:
        for sock in (first, second, plain, narrow):
            await sock.close()
        await w.close()
