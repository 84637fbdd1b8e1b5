"""Malformed frames get the contract's error codes, and the connection stays usable."""

from __future__ import annotations

import json

import pytest
import websockets

from support.live import LiveServer
from support.scenario import Workshop, open_workshop
from support.wsclient import BoardClient


@pytest.fixture
async def workshop(live_server: LiveServer) -> Workshop:
    w = await open_workshop(live_server, names=("Ann",))
    await w.advance("ignite")
    return w


CASES = [
    ("not json", "{oops", None, "bad_request"),
    ("not an object", "[1, 2, 3]", None, "bad_request"),
    ("a string", '"hello"', None, "bad_request"),
    ("no type", json.dumps({"cid": "x1"}), "x1", "bad_request"),
    ("type not a string", json.dumps({"type": 5, "cid": "x2"}), "x2", "bad_request"),
    ("unknown type", json.dumps({"type": "note.explode", "cid": "x3"}), "x3", "unknown_type"),
    (
        "no cid",
        json.dumps({"type": "note.create", "note_id": "a", "text": "t"}),
        None,
        "bad_request",
    ),
    (
        "cid not a string",
        json.dumps({"type": "note.create", "cid": 7, "note_id": "a", "text": "t"}),
        None,
        "bad_request",
    ),
    (
        "text not a string",
        json.dumps({"type": "note.create", "cid": "x4", "note_id": "a", "text": 12}),
        "x4",
        "bad_request",
    ),
    (
        "empty text",
        json.dumps({"type": "note.create", "cid": "x5", "note_id": "a", "text": "   "}),
        "x5",
        "invalid",
    ),
    (
        "over-long text",
        json.dumps({"type": "note.create", "cid": "x6", "note_id": "a", "text": "x" * 1001}),
        "x6",
        "invalid",
    ),
    (
        "bad id",
        json.dumps({"type": "note.create", "cid": "x7", "note_id": "../etc", "text": "t"}),
        "x7",
        "invalid",
    ),
    (
        "index a string",
        json.dumps(
            {"type": "note.move", "cid": "x8", "note_id": "a", "column_id": None, "index": "0"}
        ),
        "x8",
        "bad_request",
    ),
    (
        "order not a list",
        json.dumps({"type": "ranking.submit", "cid": "x9", "criterion": "impact", "order": "a,b"}),
        "x9",
        "bad_request",
    ),
    ("from missing", json.dumps({"type": "phase.advance", "cid": "x10"}), "x10", "bad_request"),
    (
        "unknown note",
        json.dumps({"type": "note.delete", "cid": "x11", "note_id": "nope"}),
        "x11",
        "not_found",
    ),
]


@pytest.mark.parametrize(("label", "frame", "cid", "code"), CASES, ids=[c[0] for c in CASES])
async def test_malformed_frame_gets_its_code(
    workshop: Workshop, label: str, frame: str, cid: str | None, code: str
) -> None:
    ann = workshop.participants[0]
    await ann.send_raw(frame)
    reply = await ann.reply(cid)
    assert reply["type"] == "error" and reply["code"] == code, (label, reply)
    assert isinstance(reply["message"], str) and reply["message"]
    # Still usable: a good command right after is acknowledged.
    await ann.ok("note.create", note_id=f"after-{abs(hash(label))}", text="still here")
    await workshop.close()


async def test_binary_frame_is_refused_but_connection_stays(workshop: Workshop) -> None:
    ann = workshop.participants[0]
    await ann.send_raw(b"\x00\x01binary")
    assert (await ann.reply(None))["code"] == "bad_request"
    await ann.ok("note.create", note_id="after-binary", text="ok")
    await workshop.close()


async def test_oversized_frame_gets_too_large_and_a_close(workshop: Workshop) -> None:
    ann = workshop.participants[0]
    await ann.send_raw(
        json.dumps({"type": "note.create", "cid": "big", "note_id": "b", "text": "x" * 70_000})
    )
    reply = await ann.reply(None)
    assert reply["code"] == "too_large"
    await ann.wait_for(lambda c: c.closed is not None)
    assert ann.closed == 1009
    await workshop.close()


async def test_bad_token_gets_unauthorized_and_a_close(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=())
    for token in ("wrong", "", 42):
        async with websockets.connect(f"{live_server.ws_url}/ws/{w.board_id}") as ws:
            await ws.send(json.dumps({"type": "hello", "token": token, "since": None}))
            answer = json.loads(await ws.recv())
            assert answer == {
                "type": "error",
                "cid": None,
                "code": "unauthorized",
                "message": answer["message"],
            }
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    # Another board's token does not open this board.
    other = await open_workshop(live_server, names=())
    probe = await BoardClient.connect(
        live_server.ws_url, w.board_id, other.board["facilitator_token"]
    )
    assert probe.welcome is None and probe.frames[0]["code"] == "unauthorized"
    await w.close()
    await other.close()


async def test_first_frame_must_be_hello(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=())
    async with websockets.connect(f"{live_server.ws_url}/ws/{w.board_id}") as ws:
        await ws.send(json.dumps({"type": "note.create", "cid": "1"}))
        assert json.loads(await ws.recv())["code"] == "bad_request"
    await w.close()


async def test_projector_sees_the_board_but_cannot_act(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    projector = await BoardClient.connect(
        live_server.ws_url, w.board_id, w.board["projector_token"], since=None
    )
    assert projector.you["role"] == "projector"
    assert (await projector.command("column.create", column_id="p1"))["code"] == "forbidden"
    await w.advance("ignite")
    await projector.wait_for(lambda c: any(f.get("type") == "event" for f in c.frames))
    await projector.close()
    await w.close()


async def test_a_socket_off_the_board_path_is_refused(live_server: LiveServer) -> None:
    """Board sockets skip Starlette's router (server/app.py ``sockets_direct``); any other
    socket path still goes through it, and nothing there takes a socket."""
    for path in ("/ws/", "/ws/a/b", "/socket"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(f"{live_server.ws_url}{path}")
        assert refused.value.response.status_code == 403, path
    # a board id that does not exist reaches the endpoint, which says so
    client = await BoardClient.connect(live_server.ws_url, "nosuchboard", "token")
    await client.wait_for(lambda c: c.closed is not None)
    errors = [f for f in client.frames if f.get("type") == "error"]
    assert errors and errors[0]["code"] in ("not_found", "unauthorized"), client.frames
