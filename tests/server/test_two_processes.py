"""Two hubs in one process on one SQLite file (and on one PostgreSQL database), sharing
one InProcessFanout: they stand for two server processes with Redis between them (issue
13). The log decides the order; both rooms end with the same state and the same gapless
events, conflicts included."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from gamestorm import games
from gamestorm.games.commands import parse_command
from gamestorm.server.catalog import builtin_games
from gamestorm.server.config import Settings
from gamestorm.server.fanout_local import InProcessFanout
from gamestorm.server.hub import Hub
from gamestorm.server.room import Job, Room
from gamestorm.server.storage import Storage
from gamestorm.server.tokens import hash_token
from gamestorm.server.ws_protocol import Framed, text_frame
from support.databases import fresh_postgres

pytestmark = pytest.mark.filterwarnings(
    r"ignore:\s+\S+ You probably want to use:DeprecationWarning"
)


@dataclass(eq=False)
class Socket:
    """The room's side of a client socket: what a Connection is sent, recorded."""

    viewer_id: str
    role: str
    name: str = ""
    grant_hash: str = ""
    typing: bool = False
    closing: bool = False
    batch: bool = False
    closed_with: int | None = None
    frames: list[dict[str, Any]] = field(default_factory=list)

    def send(self, frame: str, wire: Framed | None = None) -> None:
        # what the room framed once for every socket must be this very frame
        assert wire is None or (wire.text == frame and wire.plain() == text_frame(frame))
        self.frames.append(orjson.loads(frame))

    def close(self, code: int, reason: str = "", *, flush: bool = False) -> None:
        self.closing, self.closed_with = True, code

    def seqs(self) -> list[int]:
        """Event seqs in arrival order, the welcome's replay included."""
        out: list[int] = []
        for f in self.frames:
            if f["type"] == "welcome":
                out += [item["seq"] for item in f.get("events", [])]
            elif f["type"] == "event":
                out.append(f["seq"])
        return out

    def acks(self) -> list[str]:
        return [f["cid"] for f in self.frames if f["type"] == "ack"]

    def presence(self) -> dict[str, Any] | None:
        found = [f for f in self.frames if f["type"] == "presence"]
        return found[-1] if found else None


async def until(check: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until ``check()`` holds (the rooms work on the same loop)."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


@dataclass
class Pair:
    fanout: InProcessFanout
    hubs: tuple[Hub, Hub]
    board: dict[str, Any]
    rooms: tuple[Room, Room]


@pytest.fixture(params=["sqlite", "postgresql"])
async def pair(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Pair]:
    """Two hubs on one database: a SQLite file (the brief's case) or PostgreSQL."""
    if request.param == "sqlite":
        async for made in _pair(f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"):
            yield made
        return
    with fresh_postgres() as url:
        async for made in _pair(url):
            yield made


async def _pair(url: str) -> AsyncIterator[Pair]:
    # fanout_tick=0: frames go out with the commit, so a test reads them once states match
    settings = Settings(
        poll_interval=0.05, poll_safety=30.0, presence_heartbeat=0.2, fanout_tick=0.0
    )
    fanout = InProcessFanout()
    storages = (Storage(url), Storage(url))
    for storage in storages:
        await storage.open()
    catalog = builtin_games()
    hubs = (
        Hub(storages[0], catalog, settings, fanout=fanout, origin="one"),
        Hub(storages[1], catalog, settings, fanout=fanout, origin="two"),
    )
    board = await hubs[0].create_board({"title": "Shared", "prompt": "Ich will ___"})
    rooms = (await hubs[0].room(board["board_id"]), await hubs[1].room(board["board_id"]))
    assert rooms[0] is not None and rooms[1] is not None
    yield Pair(fanout, hubs, board, (rooms[0], rooms[1]))
    for hub, storage in zip(hubs, storages, strict=True):
        await hub.close()
        await storage.close()


def command(actor: games.Actor, kind: str, sock: Socket | None, cid: str, **fields: Any) -> Job:
    return Job(parse_command({"type": kind, **fields}), actor, client=sock, cid=cid)  # type: ignore[arg-type]


async def act(room: Room, actor: games.Actor, kind: str, **fields: Any) -> int:
    """A command from ``actor`` through ``room``, awaited until acked (its seq)."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    job = Job(parse_command({"type": kind, **fields}), actor, future=future)
    assert room.submit(job)
    return await future


def fac_of(room: Room) -> games.Actor:
    return games.Actor(room.state.facilitator_id, "facilitator")


def attach(room: Room, viewer_id: str, role: str) -> Socket:
    sock = Socket(viewer_id, role)
    room.attach(sock, None)  # type: ignore[arg-type]
    return sock


def same_board(one: Room, two: Room) -> bool:
    return one.core.seq == two.core.seq and not one.core.pending and not two.core.pending


async def test_concurrent_commands_through_both_rooms_end_in_one_order(pair: Pair) -> None:
    one, two = pair.rooms
    fac = games.Actor(one.state.facilitator_id, "facilitator")
    people = []
    for i, hub in enumerate(pair.hubs * 3):
        joined = await hub.join(pair.board["join_code"], f"P{i}")
        people.append((games.Actor(joined["participant_id"], "participant"), i % 2))
    await act(one, fac, "phase.advance", **{"from": "ignite"})
    await until(lambda: same_board(one, two))
    socks = (attach(one, fac.id, "facilitator"), attach(two, people[1][0].id, "participant"))
    start = one.core.seq
    sent: list[list[str]] = [[], []]
    for round_ in range(40):
        for n, (actor, side) in enumerate(people):
            cid = f"c{round_}-{n}"
            note = {"note_id": f"n-{round_}-{n}", "text": f"idea {round_} {n}"}
            room = pair.rooms[side]
            assert room.submit(command(actor, "note.create", socks[side], cid, **note))
            sent[side].append(cid)
        await asyncio.sleep(0)  # let the writers interleave
    total = start + 40 * len(people)
    await until(lambda: one.core.seq == total and two.core.seq == total, 30.0)
    await until(lambda: all(len(s.acks()) == len(c) for s, c in zip(socks, sent, strict=True)))
    for sock, cids in zip(socks, sent, strict=True):
        assert sorted(sock.acks()) == sorted(cids)  # every command acked once
        assert sock.seqs() == list(range(start + 1, total + 1))  # gapless, in order
        assert not [f for f in sock.frames if f["type"] == "error"]
    assert one.conflicts + two.conflicts > 0, "the conflict path was never taken"
    assert one.state == two.state
    logged = await pair.hubs[0].storage.read(one.board_id, 0)
    assert len(logged) == total
    assert one.state == games.fold(games.from_dict(e) for e in logged)
    seen_one = [f["event"] for f in socks[0].frames if f["type"] == "event"]
    assert [e["note_id"] for e in seen_one] == [e["note_id"] for e in logged[start:]]


async def test_a_lost_fanout_message_is_filled_from_the_log(pair: Pair) -> None:
    one, two = pair.rooms
    sock = attach(two, "watcher", "projector")
    pair.fanout.drop_next = 1
    await act(one, fac_of(one), "prompt.set", text="lost")
    await asyncio.sleep(0.05)
    assert pair.fanout.dropped == 1 and two.core.seq == one.core.seq - 1
    await act(one, fac_of(one), "timer.set", seconds=120)
    await until(lambda: same_board(one, two))
    assert two.gap_fills >= 1
    assert two.state.prompt == "lost" and two.state.timer == one.state.timer
    assert sock.seqs() == [one.core.seq - 1, one.core.seq]
    await until(lambda: (sock.presence() or {}).get("timer") is not None)


async def test_rooms_poll_the_log_while_the_fanout_is_down(pair: Pair) -> None:
    one, two = pair.rooms
    sock = attach(two, "watcher", "projector")
    pair.fanout.up = False
    assert two.sync_mode == "polling"
    reads = two.log_reads
    await act(one, fac_of(one), "prompt.set", text="while down")
    await until(lambda: same_board(one, two))
    assert two.log_reads > reads and two.state.prompt == "while down"
    assert sock.seqs() == [one.core.seq]
    pair.fanout.up = True
    assert two.sync_mode == "fanout"


async def test_presence_and_the_packet_tick_count_sockets_on_the_other_process(
    pair: Pair,
) -> None:
    one, two = pair.rooms
    joined = await pair.hubs[1].join(pair.board["join_code"], "Remote")
    fac = attach(one, one.state.facilitator_id, "facilitator")
    remote = attach(two, joined["participant_id"], "participant")
    await until(lambda: joined["participant_id"] in one.online())
    await until(lambda: (fac.presence() or {}).get("participants_online") == 1)
    assert (fac.presence() or {})["online"] == 2  # the facilitator here, the participant there
    pid = joined["participant_id"]
    # as if they held a packet: far past any grace they are still not offline
    one.state.packet_of_holder[pid] = "pk-test"
    try:
        now = time.time() + 3600
        assert pid not in one.offline(now)
        two.detach(remote)  # their socket closes on the other process
        await until(lambda: pid not in one.online())
        assert pid in one.offline(now)
    finally:
        del one.state.packet_of_holder[pid]


async def test_tokens_from_the_other_process_and_revocation_across(pair: Pair) -> None:
    one, two = pair.rooms
    joined = await pair.hubs[1].join(pair.board["join_code"], "Elsewhere")
    token = joined["token"]
    assert hash_token(token) not in one.grants  # issued by the other process
    grant = await pair.hubs[0].grant(one, token)
    assert grant is not None and grant.participant_id == joined["participant_id"]
    assert hash_token(token) in one.grants  # kept
    assert await pair.hubs[0].grant(one, "not-a-token") is None
    sock = attach(one, grant.participant_id, "participant")
    sock.grant_hash = grant.hash
    await pair.hubs[1].storage.delete_grants([grant.hash])
    await two.revoke([grant.hash], "signed out elsewhere", "signed_out")
    await until(lambda: sock.closed_with == 4001)
    assert grant.hash not in one.grants and sock not in one.clients
    assert sock.frames[-1]["code"] == "unauthorized"
    assert await pair.hubs[0].grant(one, token) is None


async def test_unloading_a_room_leaves_the_fanout(pair: Pair) -> None:
    one, _two = pair.rooms
    board_id = one.board_id
    assert len(pair.fanout._subscribers[board_id]) == 2
    await pair.hubs[0]._unload(board_id, one, cutoff=time.monotonic() + 1)
    assert board_id not in pair.hubs[0].rooms
    assert len(pair.fanout._subscribers[board_id]) == 1


@dataclass
class RivalLog:
    """The real log, with another writer that always commits the expected seq first."""

    storage: Storage
    wins: int = 0

    async def append(self, board_id: str, expected_seq: int, events: Any, grants: Any = ()) -> None:
        self.wins += 1
        rival = {"kind": "prompt.set", "text": f"rival {self.wins}"}
        await self.storage.append(board_id, expected_seq, [rival])
        await self.storage.append(board_id, expected_seq, events, grants)

    async def read(self, board_id: str, since: int = 0) -> list[dict[str, Any]]:
        return await self.storage.read(board_id, since)


async def test_a_writer_that_always_loses_gives_up_with_unavailable(pair: Pair) -> None:
    one, _two = pair.rooms
    sock = attach(one, "watcher", "projector")
    rival = RivalLog(pair.hubs[0].storage)
    one.event_log = rival
    before = one.core.seq
    with pytest.raises(games.Rejection) as refused:
        await act(one, fac_of(one), "prompt.set", text="mine")
    assert refused.value.code == "unavailable"
    assert rival.wins == 5 and one.conflicts == 5
    # nothing of the command was kept; every rival event reached the client, in order
    logged = await pair.hubs[0].storage.read(one.board_id, 0)
    assert [e["text"] for e in logged[before:]] == [f"rival {i}" for i in range(1, 6)]
    assert sock.seqs() == list(range(before + 1, before + 6))
    assert one.state == games.fold(games.from_dict(e) for e in logged)
    one.event_log = pair.hubs[0].storage  # the rival is gone: the next command commits
    seq = await act(one, fac_of(one), "prompt.set", text="mine")
    assert seq == before + 6 and one.state.prompt == "mine"


@dataclass
class RivalTurnLog(RivalLog):
    """The rival's log with the board's turn: in a turn the rival cannot write first."""

    async def append_in_turn(self, board_id: str, since: int, decide: Any) -> None:
        await self.storage.append_in_turn(board_id, since, decide)


async def test_a_writer_that_lost_wins_its_next_append_in_the_boards_turn(pair: Pair) -> None:
    one, _two = pair.rooms
    sock = attach(one, "watcher", "projector")
    rival = RivalTurnLog(pair.hubs[0].storage)
    one.event_log = rival
    before = one.core.seq
    seq = await act(one, fac_of(one), "prompt.set", text="mine")
    # lost once to the rival, then decided again on the rival's event and committed
    assert rival.wins == 1 and one.conflicts == 1
    assert seq == before + 2 and one.state.prompt == "mine"
    logged = await pair.hubs[0].storage.read(one.board_id, 0)
    assert [e["text"] for e in logged[before:]] == ["rival 1", "mine"]
    assert sock.seqs() == [before + 1, before + 2]
    assert one.state == games.fold(games.from_dict(e) for e in logged)
    one.event_log = pair.hubs[0].storage


@dataclass
class LateTurnLog(RivalTurnLog):
    """A turn that is granted only after the other process committed once more."""

    before_turn: Callable[[], Any] | None = None

    async def append_in_turn(self, board_id: str, since: int, decide: Any) -> None:
        assert self.before_turn is not None
        await self.before_turn()
        await self.storage.append_in_turn(board_id, since, decide)


async def test_what_the_fanout_brings_while_a_turn_is_awaited_is_not_taken_twice(
    pair: Pair,
) -> None:
    one, two = pair.rooms
    sock = attach(one, "watcher", "projector")
    before = one.core.seq

    async def two_commits_meanwhile() -> None:
        await act(two, fac_of(two), "prompt.set", text="from two")
        await until(lambda: one.core.seq == two.core.seq)  # the fan-out brought it

    one.event_log = LateTurnLog(pair.hubs[0].storage, before_turn=two_commits_meanwhile)
    seq = await act(one, fac_of(one), "prompt.set", text="mine")
    assert seq == before + 3
    logged = await pair.hubs[0].storage.read(one.board_id, 0)
    assert [e["text"] for e in logged[before:]] == ["rival 1", "from two", "mine"]
    assert one.state == games.fold(games.from_dict(e) for e in logged)
    assert sock.seqs() == [before + 1, before + 2, before + 3]
    await until(lambda: same_board(one, two))
    assert two.state == one.state
    one.event_log = pair.hubs[0].storage


async def test_the_sync_status_says_fanout_or_polling(pair: Pair) -> None:
    hub = pair.hubs[0]
    status = hub.sync_status()
    assert status["origin"] == "one" and status["mode"] == "fanout"
    assert status["fanout"]["kind"] == "in-process" and status["boards_polling"] == 0
    pair.fanout.up = False
    assert hub.sync_status()["mode"] == "polling" and hub.sync_status()["boards_polling"] == 1
    pair.fanout.up = True


@dataclass
class GatedLog:
    """The real log, whose appends wait until the test opens the gate."""

    storage: Storage
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def append(self, board_id: str, expected_seq: int, events: Any, grants: Any = ()) -> None:
        self.entered.set()
        await self.gate.wait()
        await self.storage.append(board_id, expected_seq, events, grants)

    async def read(self, board_id: str, since: int = 0) -> list[dict[str, Any]]:
        return await self.storage.read(board_id, since)


async def test_a_hello_during_a_pending_commit_is_welcomed_after_it(pair: Pair) -> None:
    one, _two = pair.rooms
    gated = GatedLog(pair.hubs[0].storage)
    one.event_log = gated
    before = one.core.seq
    pending = asyncio.ensure_future(act(one, fac_of(one), "prompt.set", text="pending"))
    await gated.entered.wait()
    assert one.core.pending and one.state.prompt == "pending"  # tentative
    sock = attach(one, "late", "projector")
    assert sock.frames == []  # no welcome from a state that may not commit
    gated.gate.set()
    assert await pending == before + 1
    await until(lambda: bool(sock.frames))
    welcome = sock.frames[0]
    assert welcome["type"] == "welcome" and welcome["seq"] == before + 1
    assert welcome["state"]["prompt"] == "pending"
    assert sock.seqs() == []  # the event is in the snapshot, not sent again
    one.event_log = pair.hubs[0].storage
