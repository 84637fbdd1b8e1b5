"""Helpers shared by the reliability tests: callers, the database as ground truth, RSS.

Joins carry an ``X-Forwarded-For`` address of their own (uvicorn trusts that header from
loopback by default), so the join throttle of one test never starves another test that
shares the session's server, and the throttle itself can be tested per address.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx

from gamestorm import games
from support.live import LiveServer
from support.wsclient import BoardClient, create_board

_addresses = itertools.count(1)


def fresh_address() -> str:
    """A client address no other caller in this process has used (for the join throttle)."""
    n = next(_addresses) + (os.getpid() % 200) * 50_000
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def new_id() -> str:
    return uuid.uuid4().hex


async def join_from(
    base_url: str, join_code: str, name: str, address: str | None = None
) -> httpx.Response:
    """``POST /api/join`` as a caller at ``address``; the raw response."""
    headers = {"x-forwarded-for": address or fresh_address()}
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        return await http.post(
            "/api/join", json={"join_code": join_code, "name": name}, headers=headers
        )


async def join_ok(base_url: str, join_code: str, name: str) -> dict[str, Any]:
    response = await join_from(base_url, join_code, name)
    assert response.status_code == 201, response.text
    return dict(response.json())


class Board:
    """A board on a live server with its facilitator and named participants (tokens only)."""

    def __init__(self, server: LiveServer, created: dict[str, Any]) -> None:
        self.server = server
        self.created = created
        self.tokens: dict[str, str] = {"facilitator": created["facilitator_token"]}
        self.ids: dict[str, str] = {}

    @classmethod
    async def open(cls, server: LiveServer, **options: Any) -> Board:
        return cls(server, await create_board(server.base_url, **options))

    @property
    def board_id(self) -> str:
        return str(self.created["board_id"])

    @property
    def join_code(self) -> str:
        return str(self.created["join_code"])

    async def join(self, *names: str) -> None:
        for name in names:
            joined = await join_ok(self.server.base_url, self.join_code, name)
            self.tokens[name] = joined["token"]
            self.ids[name] = joined["participant_id"]

    async def connect(self, who: str, since: int | None = 0) -> BoardClient:
        return await self.connect_token(self.tokens[who], since, name=who)

    async def start_generating(self) -> None:
        """The facilitator moves the board from ignite to generate (notes may be written)."""
        facilitator = await self.connect("facilitator")
        await facilitator.ok("phase.advance", **{"from": "ignite"})
        await facilitator.close()

    async def connect_token(self, token: str, since: int | None = 0, name: str = "") -> BoardClient:
        client = await BoardClient.connect(
            self.server.ws_url, self.board_id, token, since=since, name=name
        )
        assert client.welcome is not None, client.frames
        return client


# -- the database as ground truth ---------------------------------------------------------


def db_events(db_path: Path, board_id: str) -> list[tuple[int, dict[str, Any]]]:
    """``(seq, event)`` of a board straight from SQLite (read-only), in seq order."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT seq, data FROM events WHERE board_id = ? ORDER BY seq", (board_id,)
        ).fetchall()
    finally:
        db.close()
    return [(int(seq), json.loads(data)) for seq, data in rows]


def db_state(db_path: Path, board_id: str) -> games.BoardState:
    """The board as the fold of its committed log (what any restart must show)."""
    return games.fold(games.from_dict(e) for _, e in db_events(db_path, board_id))


def assert_gapless(db_path: Path, board_id: str) -> int:
    seqs = [seq for seq, _ in db_events(db_path, board_id)]
    assert seqs == list(range(1, len(seqs) + 1)), f"gap or repeat in seq: {seqs[:50]}..."
    return len(seqs)


def view(client: BoardClient) -> dict[str, Any]:
    """What a client believes the board is, in the snapshot's form, for comparison."""
    assert client.state is not None, f"{client.name} holds no folded board"
    return games.snapshot(client.state, client.you["id"])


# -- the server process ---------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB, from ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def server_pid(server: LiveServer) -> int:
    assert server.process is not None
    return server.process.pid


def walk(value: Any, path: str = "$") -> Any:
    """Every ``(path, key, value)`` of a JSON document, depth first."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, f"{path}[{i}]")
