"""Who may do what: every command and every HTTP route against every kind of caller.

One table per transport. A row names a command (or route), the phase its board is put
in, and the expected outcome for each caller:

- ``facilitator``, ``author`` (a participant who wrote note N1 and made column C1),
  ``other`` (another participant of the same board), ``projector`` (the read-only token),
  ``viewer`` (a share link's read-only results token, server/access.py),
- ``foreign`` (a participant of another board), ``wrong`` (a random token), ``none`` (no
  token at all): these never get past the WebSocket hello (``unauthorized``, close 1008)
  and get 401 from token-checked routes.

Accepted cells run on a fresh board; rejected ones share a board per phase and check
that a rejection changed nothing (the board's seq stays put).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx
import pytest
import websockets
from reliability_kit import Board

from support.live import LiveServer
from support.wsclient import BoardClient

CALLERS = ("facilitator", "author", "other", "projector", "viewer", "foreign", "wrong", "none")
OUTSIDERS = {"foreign", "wrong", "none"}
PHASES = ("ignite", "generate", "affinity", "name", "rank", "close")

A, F, U = "ack", "forbidden", "unauthorized"


def row(phase: str, command: str, args: dict[str, Any], **outcomes: str) -> tuple[Any, ...]:
    expected = {caller: outcomes.get(caller, F) for caller in CALLERS}
    expected.update({caller: U for caller in OUTSIDERS})
    return (phase, command, args, expected)


#: (phase, command, arguments, {caller: outcome}); unnamed insiders expect ``forbidden``.
COMMANDS = [
    row("ignite", "phase.advance", {"from": "ignite"}, facilitator=A),
    row("ignite", "prompt.set", {"text": "Ich will ___"}, facilitator=A),
    row("ignite", "timer.set", {"seconds": 60}, facilitator=A),
    row("generate", "note.create", {"note_id": "NEW", "text": "mine"}, author=A, other=A),
    row("generate", "note.create", {"note_id": "N1", "text": "again"}, author=A),
    row("generate", "note.edit", {"note_id": "N1", "text": "edited"}, author=A),
    row("generate", "note.delete", {"note_id": "N1"}, author=A),
    row("affinity", "column.create", {"column_id": "NEW"}, facilitator=A, author=A, other=A),
    row("affinity", "column.create", {"column_id": "C1"}, author=A),
    row(
        "affinity",
        "note.move",
        {"note_id": "N2", "column_id": "parking", "index": 0},
        facilitator=A,
        author=A,
        other=A,
    ),
    row(
        "name",
        "column.propose",
        {"column_id": "C1", "name": "Idee"},
        facilitator=A,
        author=A,
        other=A,
    ),
    row("name", "column.name", {"column_id": "C1", "name": "Neu"}, facilitator=A),
    row("name", "phase.advance", {"from": "name"}, facilitator=A),
    row(
        "rank", "ranking.submit", {"criterion": "impact", "order": ["C2", "C1"]}, author=A, other=A
    ),
    row("rank", "phase.advance", {"from": "rank"}, facilitator=A),
    row(
        "close",
        "followup.set",
        {"column_id": "C1", "owner": "Ann", "status": "open"},
        facilitator=A,
    ),
    row(
        "close", "selection.swap", {"selected": "C1", "parked": "C2", "reason": "r"}, facilitator=A
    ),
]


class Staged:
    """A board driven to a phase with a known cast, and the tokens of every caller."""

    def __init__(self, board: Board, tokens: dict[str, str]) -> None:
        self.board = board
        self.tokens = tokens


async def stage(server: LiveServer, phase: str) -> Staged:
    board = await Board.open(server, top_n=1)
    await board.join("author", "other")
    other_board = await Board.open(server)
    await other_board.join("foreign")
    tokens = {
        "facilitator": board.tokens["facilitator"],
        "author": board.tokens["author"],
        "other": board.tokens["other"],
        "projector": board.created["projector_token"],
        "foreign": other_board.tokens["foreign"],
        "wrong": secrets.token_urlsafe(24),
        "viewer": await share_token(server, board),
    }
    clients = [await board.connect(who) for who in ("facilitator", "author", "other")]
    fac, author, other = clients
    try:
        for step in PHASES[1 : PHASES.index(phase) + 1]:
            await fac.ok("phase.advance", **{"from": PHASES[PHASES.index(step) - 1]})
            if step == "generate":
                await author.ok("note.create", note_id="N1", text="author's note")
                await other.ok("note.create", note_id="N2", text="other's note")
            if step == "affinity":
                await author.ok("column.create", column_id="C1")
                await author.ok("column.create", column_id="C2")
                await author.ok("note.move", note_id="N1", column_id="C1", index=0)
                await other.ok("note.move", note_id="N2", column_id="C2", index=0)
            if step == "name":
                await fac.ok("column.name", column_id="C1", name="Eins")
                await fac.ok("column.name", column_id="C2", name="Zwei")
            if step == "rank":
                await author.ok("ranking.submit", criterion="impact", order=["C1", "C2"])
    finally:
        for client in clients:
            await client.close()
    return Staged(board, tokens)


async def share_token(server: LiveServer, board: Board) -> str:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        response = await http.post(
            f"/api/boards/{board.board_id}/share",
            headers={"authorization": f"Bearer {board.tokens['facilitator']}"},
        )
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


async def hello(server: LiveServer, board_id: str, token: str | None) -> BoardClient:
    ws = await websockets.connect(f"{server.ws_url}/ws/{board_id}", max_size=None)
    client = BoardClient(ws)
    frame: dict[str, Any] = {"type": "hello", "since": None}
    if token is not None:
        frame["token"] = token
    await ws.send(json.dumps(frame))
    await client.wait_for(lambda c: c.welcome is not None or c.closed is not None)
    return client


_shared: dict[str, Staged] = {}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("phase", "command", "args", "expected"),
    COMMANDS,
    ids=[f"{r[1]}:{'/'.join(str(v) for v in r[2].values())[:24]}" for r in COMMANDS],
)
async def test_command_matrix(
    live_server: LiveServer,
    phase: str,
    command: str,
    args: dict[str, Any],
    expected: dict[str, str],
    caller: str,
) -> None:
    outcome = expected[caller]
    if outcome == A:
        staged = await stage(live_server, phase)
    else:
        if phase not in _shared:
            _shared[phase] = await stage(live_server, phase)
        staged = _shared[phase]
    token = staged.tokens.get(caller)
    client = await hello(live_server, staged.board.board_id, token)
    try:
        if outcome == U:
            assert client.welcome is None
            assert [f.get("code") for f in client.frames] == ["unauthorized"]
            await client.wait_for(lambda c: c.closed is not None)
            assert client.closed == 1008
            return
        if caller == "viewer" and phase != "close":
            # a share link sees nothing of a board that is still running
            assert client.welcome is None
            assert [(f.get("code"), f.get("reason")) for f in client.frames] == [
                ("forbidden", "not_closed")
            ]
            await client.wait_for(lambda c: c.closed is not None)
            assert client.closed == 4003
            return
        assert client.welcome is not None, client.frames
        assert client.you["role"] == ("participant" if caller in ("author", "other") else caller)
        before = client.welcome["seq"]
        reply = await client.command(command, **args)
        if outcome == A:
            assert reply["type"] == "ack", reply
        else:
            assert (reply["type"], reply.get("code")) == ("error", outcome), reply
            probe = await client.command("timer.set", seconds=-1)  # invalid: changes nothing
            assert probe["code"] in ("invalid", "forbidden")
            assert client.seq == before, "a rejected command changed the board"
    finally:
        await client.close()


# -- HTTP ------------------------------------------------------------------------------------

OK, NO, UNAUTH = 200, 403, 401


def http_row(phase: str, method: str, path: str, default: int, **outcomes: int) -> tuple[Any, ...]:
    return (phase, method, path, {caller: outcomes.get(caller, default) for caller in CALLERS})


EXPORT = "/api/boards/{board}/export.{fmt}"
ROUTES = [
    *(
        http_row("generate", "GET", EXPORT.replace("{fmt}", fmt), UNAUTH,
                 facilitator=OK, author=NO, other=NO, projector=NO, viewer=NO)
        for fmt in ("json", "csv", "md", "html")
    ),
    *(
        http_row("close", "GET", EXPORT.replace("{fmt}", fmt), UNAUTH,
                 facilitator=OK, author=OK, other=OK, projector=OK, viewer=OK)
        for fmt in ("json", "csv", "md", "html")
    ),
    http_row("ignite", "POST", "/api/boards", 201),
    http_row("generate", "POST", "/api/join", 201),
    http_row("close", "POST", "/api/join", 409),
    http_row("ignite", "GET", "/api/games", OK),
    http_row("ignite", "GET", "/api/codes/{code}", OK),
    http_row("ignite", "GET", "/healthz", OK),
    # facilitator access (server/access.py); DELETE .../share is left out: it would
    # withdraw the shared board's viewer token that the other cells use
    *(
        http_row(phase, "POST", path, UNAUTH,
                 facilitator=code, author=NO, other=NO, projector=NO, viewer=NO)
        for phase in ("generate", "close")
        for path, code in (
            ("/api/boards/{board}/facilitator-invites", 201),
            ("/api/boards/{board}/share", 201),
            ("/api/boards/{board}/facilitator-tokens/revoke-others", OK),
        )
    ),
]  # fmt: skip


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("phase", "method", "path", "expected"),
    ROUTES,
    ids=[f"{r[1]} {r[2].split('/')[-1]} in {r[0]}" for r in ROUTES],
)
async def test_http_matrix(
    live_server: LiveServer,
    phase: str,
    method: str,
    path: str,
    expected: dict[str, int],
    caller: str,
) -> None:
    if phase not in _shared:
        _shared[phase] = await stage(live_server, phase)
    staged = _shared[phase]
    board = staged.board
    url = path.format(board=board.board_id, code=board.join_code)
    headers = {"x-forwarded-for": "10.251.0.1"}
    if caller != "none":
        headers["authorization"] = f"Bearer {staged.tokens[caller]}"
    body = None
    if path == "/api/boards":
        body = {"title": "by " + caller}
    elif path == "/api/join":
        body = {"join_code": board.join_code, "name": caller}
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        response = await http.request(method, url, json=body, headers=headers)
    assert response.status_code == expected[caller], response.text[:300]
    if response.status_code >= 400:
        assert response.json()["error"] in {401: "unauthorized", 403: "forbidden"}.get(
            response.status_code, response.json()["error"]
        )
