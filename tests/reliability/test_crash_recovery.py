"""SIGKILL at random points of a scripted workshop loses nothing that was acknowledged.

Each run (seeded, so a failure can be replayed) drives a whole game with dozens of
participants, each sending commands concurrently, and kills the server with SIGKILL at
random points while commands and joins are in flight. After each kill the server restarts
on the same database and the test checks, from the database itself and from the clients:

- every acknowledged command's events are in the log at the seq its ack named, every
  acknowledged join has its participant and a working token;
- nothing is half-applied: the events of one command (e.g. ``notes.revealed`` and
  ``phase.changed``) are all there or none, and a participant exists iff its token does;
- ``seq`` is gapless (1..N) and no client was ever told of a seq beyond the log;
- every client that resumes with ``since`` ends with the same board as a fresh client of
  the same token, and retrying the unanswered commands (same client-made ids) creates no
  duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from reliability_kit import Board, assert_gapless, db_events, db_state, fresh_address, new_id, view

from support.live import LiveServer
from support.wsclient import BoardClient

pytestmark = pytest.mark.slow

SEEDS = (11, 23, 47)
PARTICIPANTS = 24
LATE_JOINERS = 4
NOTES_EACH = 3
COLUMNS = 6
KILLS_PER_RUN = 2


@dataclass
class Op:
    who: str
    kind: str
    args: dict[str, Any]
    #: "acked", "rejected" or "unknown" (no reply: the server died first).
    status: str = "pending"
    seq: int | None = None
    reply: dict[str, Any] | None = None
    #: Sent again after a restart because the first try got no reply.
    retried: bool = False


@dataclass
class Joined:
    name: str
    status: str = "pending"
    participant_id: str | None = None
    token: str | None = None


@dataclass
class Crash:
    """A scripted workshop with a ledger of every command and its fate."""

    server: LiveServer
    rng: random.Random
    board: Board
    clients: dict[str, BoardClient] = field(default_factory=dict)
    ops: list[Op] = field(default_factory=list)
    joins: list[Joined] = field(default_factory=list)
    kill_at: list[int] = field(default_factory=list)
    replies: int = 0
    kills: int = 0
    killed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def db(self) -> Path:
        return self.server.db_path

    # -- sending, with the killer watching the count of replies --------------------------

    def _count_reply(self) -> None:
        self.replies += 1
        if self.kill_at and self.replies >= self.kill_at[0] and not self.killed.is_set():
            self.kill_at.pop(0)
            self.server.kill()
            self.kills += 1
            self.killed.set()

    async def _send(self, op: Op) -> None:
        client = self.clients[op.who]
        try:
            reply = await client.command(op.kind, within=15, **op.args)
        except (ConnectionError, websockets.ConnectionClosed):
            op.status = "unknown"
            return
        op.reply = reply
        if reply["type"] == "ack":
            op.status, op.seq = "acked", int(reply["seq"])
        else:
            op.status = "rejected"
        self._count_reply()

    async def _run_lane(self, lane: list[Op]) -> None:
        for op in lane:
            if self.killed.is_set():
                op.status = "unknown"
                continue
            await self._send(op)

    async def wave(self, ops: list[Op], joiners: tuple[str, ...] | list[str] = ()) -> None:
        """Each sender's ops in order, all senders (and joiners) at once; then recover
        from any kill and connect whoever joined."""
        await asyncio.gather(self._send_all(ops), self._join_all(list(joiners)))
        if self.killed.is_set():
            await self.recover()
        for entry in self.joins:
            if entry.status == "acked" and entry.name not in self.clients:
                self.clients[entry.name] = await self.board.connect(entry.name)

    async def _send_all(self, ops: list[Op]) -> None:
        self.ops.extend(ops)
        lanes: dict[str, list[Op]] = {}
        for op in ops:
            lanes.setdefault(op.who, []).append(op)
        await asyncio.gather(*(self._run_lane(lane) for lane in lanes.values()))
        for op in ops:
            assert op.status != "rejected", (op, op.reply)

    async def _join_all(self, names: list[str]) -> None:
        async def one(entry: Joined) -> None:
            if self.killed.is_set():
                entry.status = "unknown"
                return
            headers = {"x-forwarded-for": fresh_address()}
            body = {"join_code": self.board.join_code, "name": entry.name}
            try:
                async with httpx.AsyncClient(base_url=self.server.base_url, timeout=15) as http:
                    response = await http.post("/api/join", json=body, headers=headers)
            except httpx.TransportError:
                entry.status = "unknown"
                return
            assert response.status_code == 201, response.text
            entry.status = "acked"
            entry.participant_id = response.json()["participant_id"]
            entry.token = response.json()["token"]
            self._count_reply()

        entries = [Joined(name) for name in names]
        self.joins.extend(entries)
        await asyncio.gather(*(one(e) for e in entries))
        for entry in entries:
            if entry.status == "acked":
                assert entry.token is not None
                self.board.tokens[entry.name] = entry.token
                self.board.ids[entry.name] = str(entry.participant_id)

    # -- after a kill --------------------------------------------------------------------

    async def recover(self) -> None:
        """Restart on the same database, check it, resume every client, retry, compare."""
        for client in self.clients.values():
            await client.close()
        told = {name: c.seq for name, c in self.clients.items()}
        self.server.start()
        self.check_log()
        top = assert_gapless(self.db, self.board.board_id)
        for name, seq in told.items():
            assert seq <= top, f"{name} was told of seq {seq}; the log ends at {top}"
        for name in list(self.clients):
            self.clients[name] = await resume(self.server, self.board, self.clients[name])
        self.killed.clear()
        await self.retry_unanswered()
        await self.compare_with_fresh_clients()

    async def retry_unanswered(self) -> None:
        """Resend what got no reply, with the same client-made ids; every retry succeeds."""
        for op in self.ops:
            if op.status != "unknown":
                continue
            op.retried = True
            reply = await self.clients[op.who].command(op.kind, **op.args)
            if reply["type"] == "ack":
                op.status, op.seq, op.reply = "acked", int(reply["seq"]), reply
                continue
            # The lost command did commit: the phase moved on, the note is gone already.
            allowed = {"phase.advance": "stale_phase", "note.delete": "not_found"}
            assert reply.get("code") == allowed.get(op.kind), (op, reply)
            op.status, op.reply = "done-before", reply
        await self.retry_acknowledged_creates()

    async def retry_acknowledged_creates(self) -> None:
        """A create already acknowledged, sent again, is acknowledged and makes nothing."""
        top = len(db_events(self.db, self.board.board_id))
        creates = [o for o in self.ops if o.kind.endswith(".create") and o.status == "acked"]
        for op in self.rng.sample(creates, min(5, len(creates))):
            reply = await self.clients[op.who].command(op.kind, **op.args)
            assert reply == {"type": "ack", "cid": reply["cid"], "seq": top}, reply
        assert len(db_events(self.db, self.board.board_id)) == top

    async def compare_with_fresh_clients(self) -> None:
        """Everyone's resumed board equals a fresh client's board of the same token."""
        top = len(db_events(self.db, self.board.board_id))
        for client in self.clients.values():
            await client.wait_seq(top)
        for name, client in self.clients.items():
            assert not client.order_errors, (name, client.order_errors)
            fresh = await self.board.connect(name, since=0)
            try:
                assert fresh.seq == client.seq == top
                assert view(client) == view(fresh), f"{name}'s resumed board differs"
            finally:
                await fresh.close()

    # -- what the log must hold ------------------------------------------------------------

    def check_log(self) -> None:
        board_id = self.board.board_id
        log = dict(db_events(self.db, board_id))
        db_state(self.db, board_id)  # folds without error
        for op in self.ops:
            if op.status == "acked":
                assert_effect(log, op, self.board.ids.get(op.who, ""))
        kinds = [log[s]["kind"] for s in sorted(log)]
        companions = {"notes.revealed", "columns.dropped", "results.computed"}
        for i, kind in enumerate(kinds):
            if kind in companions:
                assert i + 1 < len(kinds), f"{kind} without its phase.changed: half-applied"
                assert kinds[i + 1] in companions | {"phase.changed"}, kinds[i : i + 2]
        created = Counter(e["note_id"] for e in log.values() if e["kind"] == "note.created")
        columns = Counter(e["column_id"] for e in log.values() if e["kind"] == "column.created")
        assert all(n == 1 for n in created.values()), "a note was created twice"
        assert all(n == 1 for n in columns.values()), "a column was created twice"
        joined = {e["participant_id"] for e in log.values() if e["kind"] == "participant.joined"}
        assert joined == participant_tokens(self.db, board_id), "a join half-applied"
        for entry in self.joins:
            if entry.status == "acked":
                assert entry.participant_id in joined, f"acked join of {entry.name} lost"


def participant_tokens(db_path: Path, board_id: str) -> set[str]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT participant_id FROM tokens WHERE board_id = ? AND role = 'participant'",
            (board_id,),
        ).fetchall()
    finally:
        db.close()
    return {r[0] for r in rows}


def matches(event: dict[str, Any], op: Op, actor: str) -> bool:
    a = op.args
    match op.kind:
        case "prompt.set":
            return event["kind"] == "prompt.set" and event["text"] == a["text"]
        case "phase.advance":
            return event["kind"] == "phase.changed" and event["previous"] == a["from"]
        case "note.create":
            return (
                event["kind"] == "note.created"
                and event["note_id"] == a["note_id"]
                and (event["author"] == actor)
            )
        case "note.edit":
            return (
                event["kind"] == "note.edited"
                and event["note_id"] == a["note_id"]
                and (event["text"] == a["text"])
            )
        case "note.delete":
            return event["kind"] == "note.deleted" and event["note_id"] == a["note_id"]
        case "column.create":
            return event["kind"] == "column.created" and event["column_id"] == a["column_id"]
        case "note.move":
            return (
                event["kind"] == "note.moved"
                and event["note_id"] == a["note_id"]
                and event["column_id"] == a["column_id"]
            )
        case "ranking.submit":
            return (
                event["kind"] == "ranking.submitted"
                and event["participant_id"] == actor
                and event["order"] == a["order"]
            )
        case "followup.set":
            return event["kind"] == "followup.set" and event["column_id"] == a["column_id"]
        case "column.propose" | "column.name":
            kind = "column.name_proposed" if op.kind == "column.propose" else "column.named"
            return (
                event["kind"] == kind
                and event["column_id"] == a["column_id"]
                and (event["name"] == a["name"])
            )
    raise AssertionError(f"no effect rule for {op.kind}")


def assert_effect(log: dict[int, dict[str, Any]], op: Op, actor: str) -> None:
    """The acked op's event sits at its ack seq (or, for a retry acked without a new
    event, the original event sits before it)."""
    assert op.seq is not None and op.seq in log, f"acked seq {op.seq} of {op} is not in the log"
    if matches(log[op.seq], op, actor):
        return
    assert any(matches(log[s], op, actor) for s in log if s <= op.seq), f"lost: {op}"


async def resume(server: LiveServer, board: Board, old: BoardClient) -> BoardClient:
    """Reconnect with ``since`` = the last seq held, keeping the board folded so far."""
    ws = await websockets.connect(f"{server.ws_url}/ws/{board.board_id}", max_size=None)
    client = BoardClient(ws, old.name)
    client.state, client.seq, client.events = old.state, old.seq, list(old.events)
    await ws.send(json.dumps({"type": "hello", "token": board.tokens[old.name], "since": old.seq}))
    await client.wait_for(lambda c: c.welcome is not None or c.closed is not None)
    assert client.welcome is not None, client.frames
    assert "events" in client.welcome, f"{old.name} got a snapshot, not a replay"
    return client


async def run_workshop(server: LiveServer, seed: int) -> Crash:
    rng = random.Random(seed)
    board = await Board.open(server, title=f"crash {seed}", criteria=["impact", "effort"])
    crash = Crash(server, rng, board)
    names = [f"P{i:02d}" for i in range(PARTICIPANTS)]
    await crash.wave([], joiners=names)
    crash.clients["facilitator"] = await board.connect("facilitator")
    # The number of replies before each kill; the whole script has about 250.
    crash.kill_at = sorted(rng.sample(range(PARTICIPANTS + 5, 230), KILLS_PER_RUN))
    fac = "facilitator"

    await crash.wave([Op(fac, "prompt.set", {"text": f"Ich will ___ ({seed})"})])
    await crash.wave([Op(fac, "phase.advance", {"from": "ignite"})])

    notes: dict[str, list[str]] = {}
    generate: list[Op] = []
    for name in names:
        notes[name] = [new_id() for _ in range(NOTES_EACH)]
        for i, note_id in enumerate(notes[name]):
            generate.append(Op(name, "note.create", {"note_id": note_id, "text": f"{name} #{i}"}))
        generate.append(Op(name, "note.edit", {"note_id": notes[name][0], "text": f"{name} !"}))
        if rng.random() < 0.3:
            generate.append(Op(name, "note.delete", {"note_id": notes[name].pop()}))
    await crash.wave(generate, joiners=[f"L{i}" for i in range(LATE_JOINERS)])
    await crash.wave([Op(fac, "phase.advance", {"from": "generate"})])

    everyone = names + [e.name for e in crash.joins if e.name in crash.clients]
    columns = [new_id() for _ in range(COLUMNS)]
    await crash.wave([Op(rng.choice(names), "column.create", {"column_id": c}) for c in columns])
    all_notes = [n for ids in notes.values() for n in ids]
    rng.shuffle(all_notes)
    await crash.wave(
        [
            Op(rng.choice(everyone), "note.move", {"note_id": n, "column_id": columns[i % 5]})
            for i, n in enumerate(all_notes)
        ]
    )
    await crash.wave([Op(fac, "phase.advance", {"from": "affinity"})])

    mapped = list(crash.clients[fac].state.columns)  # type: ignore[union-attr]
    await crash.wave(
        [
            Op(name, "column.propose", {"column_id": c, "name": f"Idee {i % 3}"})
            for i, (name, c) in enumerate((n, c) for n in everyone[:6] for c in mapped)
        ]
    )
    await crash.wave(
        [
            Op(fac, "column.name", {"column_id": c, "name": f"Thema {i}"})
            for i, c in enumerate(mapped)
        ]
    )
    await crash.wave([Op(fac, "phase.advance", {"from": "name"})])

    candidates = crash.clients[fac].state.candidates  # type: ignore[union-attr]
    ranking: list[Op] = []
    for name in everyone:
        for criterion in ("impact", "effort"):
            order = list(candidates)
            rng.shuffle(order)
            ranking.append(Op(name, "ranking.submit", {"criterion": criterion, "order": order}))
    await crash.wave(ranking)
    await crash.wave([Op(fac, "phase.advance", {"from": "rank"})])
    selected = crash.clients[fac].state.selected  # type: ignore[union-attr]
    await crash.wave(
        [
            Op(fac, "followup.set", {"column_id": c, "owner": "Ann", "status": "open"})
            for c in selected
        ]
    )
    return crash


@pytest.mark.parametrize("seed", SEEDS)
async def test_sigkill_at_random_points_loses_nothing_acknowledged(
    tmp_path: Path, seed: int
) -> None:
    server = LiveServer(tmp_path / f"crash-{seed}.db").start()
    crash: Crash | None = None
    try:
        crash = await run_workshop(server, seed)
        assert crash.kills == KILLS_PER_RUN, f"seed {seed}: only {crash.kills} kills happened"
        assert any(o.retried for o in crash.ops), "no kill caught a command in flight"
        crash.check_log()
        state = db_state(server.db_path, crash.board.board_id)
        assert state.closed and state.results is not None
        assert_gapless(server.db_path, crash.board.board_id)
        await crash.compare_with_fresh_clients()
        acked_notes = {
            o.args["note_id"] for o in crash.ops if o.kind == "note.create" and o.status == "acked"
        }
        deleted = {o.args["note_id"] for o in crash.ops if o.kind == "note.delete"}
        assert set(state.notes) == acked_notes - deleted
    finally:
        if crash is not None:
            for client in crash.clients.values():
                with contextlib.suppress(Exception):
                    await client.close()
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]
