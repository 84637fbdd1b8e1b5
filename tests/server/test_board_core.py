"""The sans-I/O board core (server/board_core.py) driven by plain method calls: no
socket, no event loop except where the log (SQLite or PostgreSQL) is awaited."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from gamestorm import games
from gamestorm.games.commands import Command, parse_command
from gamestorm.server.board_core import (
    BoardCore,
    Broadcast,
    NeedLog,
    PhaseEnded,
    PresenceDue,
    Reply,
)
from gamestorm.server.catalog import builtin_games
from gamestorm.server.seams import LogConflict
from gamestorm.server.storage import BoardRow, Storage, TokenGrant
from support.databases import fresh_postgres

#: Storage's bulk insert warns under sqlmodel (its own engineer's part; not ours to fix).
SQLMODEL_EXECUTE = r"ignore:\s+\S+ You probably want to use:DeprecationWarning"
pytestmark = pytest.mark.filterwarnings(SQLMODEL_EXECUTE)

FAC = games.Actor("fac", "facilitator")
SYSTEM = games.Actor("system", "system")
ANN = games.Actor("ann", "participant")
BOB = games.Actor("bob", "participant")


@dataclass(frozen=True)
class Job:
    command: Command
    actor: games.Actor | None
    grants: tuple[TokenGrant, ...] = ()
    name: str = ""


def created(anonymous: bool = True, **options: Any) -> dict[str, Any]:
    event = games.create_board(
        {"title": "Core", "prompt": "Ich will ___", "anonymous": anonymous, **options},
        game=builtin_games()["gamestorm"],
        board_id="b-core",
        facilitator_id=FAC.id,
        now=1000.0,
    )
    return games.to_dict(event)


def frame(kind: str, **fields: Any) -> Command:
    return parse_command({"type": kind, **fields})


def job(actor: games.Actor | None, kind: str, **fields: Any) -> Job:
    return Job(frame(kind, **fields), actor, name=fields.get("note_id", kind))


def joined_core(anonymous: bool = True, **options: Any) -> BoardCore:
    core = BoardCore.from_log([created(anonymous)], games.Limits(), **options)
    commit(core, [Job(games.Join("ann", "Ann"), None), Job(games.Join("bob", "Bob"), None)])
    return core


def commit(core: BoardCore, jobs: list[Job], now: float = 2000.0) -> list[Any]:
    """Decide and take the commit as granted (the log tests below append for real)."""
    return core.committed(core.decide(jobs, now))


def decoded(text: str) -> dict[str, Any]:
    return dict(orjson.loads(text))


# -- deciding, committing, broadcasting ------------------------------------------------


def test_a_batch_is_decided_tentatively_then_broadcast_once_per_variant_and_acked() -> None:
    core = joined_core()
    commit(core, [job(FAC, "phase.advance", **{"from": "ignite"})])
    seq = core.seq
    batch = [
        job(ANN, "note.create", note_id="n1", text="mehr Zeit"),
        job(BOB, "note.edit", note_id="nope", text="x"),  # rejected: not found
        job(BOB, "note.create", note_id="n2", text="Kaffee"),
    ]
    proposal = core.decide(batch, 2001.0)
    assert proposal.expected_seq == seq + 1
    assert [e["kind"] for e in proposal.events] == ["note.created", "note.created"]
    assert core.pending and core.seq == seq  # nothing committed yet
    with pytest.raises(RuntimeError):
        core.welcome({"id": "ann", "name": "Ann", "role": "participant"}, None, 1.0)
    effects = core.committed(proposal)
    assert not core.pending and core.seq == seq + 2
    broadcasts = [e for e in effects if isinstance(e, Broadcast)]
    replies = [e for e in effects if isinstance(e, Reply)]
    assert len(broadcasts) == 2
    # a private note on an anonymous board: text and author for the author only
    first = broadcasts[0]
    assert first.owner == "ann" and first.private is not None
    assert decoded(first.public)["event"]["text"] is None
    assert decoded(first.public)["event"]["author"] is None
    assert decoded(first.for_viewer("ann"))["event"]["text"] == "mehr Zeit"
    assert decoded(first.public)["type"] == "event" and decoded(first.public)["seq"] == seq + 1
    assert [(r.job.name, r.seq, r.rejection and r.rejection.code) for r in replies] == [
        ("n1", seq + 1, None),
        ("nope", 0, "not_found"),
        ("n2", seq + 2, None),
    ]


def test_phase_and_timer_events_ask_for_presence_at_once() -> None:
    core = joined_core()
    effects = commit(core, [job(FAC, "timer.set", seconds=60)], now=5000.0)
    assert PresenceDue(now=True) in effects
    assert core.state.timer == {"ends_at": 5060.0, "seconds": 60}
    presence = decoded(core.presence({"ann": "participant"}, 0, 5001.0).public)
    assert presence["timer"] == {"ends_at": 5060.0, "seconds": 60}
    welcome = decoded(core.welcome({"id": "ann", "name": "Ann", "role": "participant"}, None, 1))
    assert welcome["timer"] == welcome["state"]["timer"] == {"ends_at": 5060.0, "seconds": 60}
    effects = commit(core, [job(FAC, "phase.advance", **{"from": "ignite"})])
    assert PhaseEnded() in effects and core.state.timer is None
    assert decoded(core.presence({}, 0, 1.0).public)["timer"] is None


def test_presence_counts_every_process_and_names_ids_only_to_the_facilitator() -> None:
    core = joined_core(anonymous=False)
    online = {"ann": "participant", "bob": "participant", "fac": "facilitator", "p": "projector"}
    frames = core.presence(online, 1, 1.0)
    public, fac = decoded(frames.public), decoded(frames.facilitator)
    assert (public["online"], public["participants_online"], public["typing"]) == (3, 2, 1)
    assert "online_ids" not in public and fac["online_ids"] == sorted(online)
    anonymous = joined_core(anonymous=True).presence(online, 0, 1.0)
    assert anonymous.public == anonymous.facilitator and "online_ids" not in anonymous.public


# -- replay window and welcome ----------------------------------------------------------


def test_welcome_replays_from_the_window_or_sends_a_snapshot() -> None:
    core = joined_core(replay_window=4)
    for i in range(10):
        commit(core, [job(FAC, "prompt.set", text=f"prompt {i}")])
    assert core.seq == 13 and len(core.entries) <= 6
    you = {"id": "ann", "name": "Ann", "role": "participant"}
    recent = decoded(core.welcome(you, core.seq - 3, 1.0))
    assert [item["seq"] for item in recent["events"]] == [11, 12, 13]
    assert recent["events"][-1]["event"]["text"] == "prompt 9" and "state" not in recent
    assert decoded(core.welcome(you, core.seq, 1.0))["events"] == []
    old = decoded(core.welcome(you, 1, 1.0))  # before the window: a snapshot
    assert "events" not in old and old["state"]["prompt"] == "prompt 9"
    assert decoded(core.welcome(you, 99, 1.0))["state"]["prompt"] == "prompt 9"


# -- remote events and gaps ----------------------------------------------------------


def test_remote_events_apply_in_order_skip_what_is_held_and_report_gaps() -> None:
    here = joined_core()
    there = joined_core()
    log = [created()]
    proposal = there.decide([job(FAC, "prompt.set", text="a"), job(FAC, "prompt.set", text="b")], 1)
    there.committed(proposal)
    events = proposal.events
    seq = here.seq
    assert here.remote(seq + 2, events[1:]) == [NeedLog(seq)]  # the first one is missing
    assert here.seq == seq
    effects = here.remote(seq + 1, events[:1])
    assert [decoded(e.public)["seq"] for e in effects if isinstance(e, Broadcast)] == [seq + 1]
    effects = here.remote(seq + 1, events)  # overlaps: only the new one
    assert [decoded(e.public)["seq"] for e in effects if isinstance(e, Broadcast)] == [seq + 2]
    assert here.remote(seq + 1, events) == []  # all held already
    assert here.state.prompt == there.state.prompt == "b"
    assert here.state == there.state
    assert len(log) == 1


# -- through a real log: SQLite and PostgreSQL ----------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
async def event_log(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    if request.param == "sqlite":
        storage = Storage(f"sqlite+aiosqlite:///{tmp_path / 'core.db'}")
        await storage.open()
        yield storage
        await storage.close()
        return
    with fresh_postgres() as url:
        storage = Storage(url)
        await storage.open()
        yield storage
        await storage.close()


async def stored_core(storage: Storage) -> BoardCore:
    first = created()
    await storage.create_board(BoardRow(id="b-core", join_code="CORE01", created_at=1.0), [], first)
    return BoardCore.from_log(await storage.read("b-core", 0), games.Limits())


async def test_a_conflict_is_caught_up_from_the_log_and_decided_again(event_log: Storage) -> None:
    one = await stored_core(event_log)
    two = BoardCore.from_log(await event_log.read("b-core", 0), games.Limits())
    # both decide against seq 1; the first to append wins
    first = one.decide([Job(games.Join("ann", "Ann"), None)], 10.0)
    second = two.decide([Job(games.Join("bob", "Bob"), None)], 11.0)
    assert first.expected_seq == second.expected_seq == 2
    await event_log.append("b-core", first.expected_seq, first.events, first.grants)
    one.committed(first)
    with pytest.raises(LogConflict):
        await event_log.append("b-core", second.expected_seq, second.events, second.grants)
    effects = two.reload(await event_log.read("b-core", 0))  # tentative bob is gone
    assert not two.pending and "bob" not in two.state.participants
    shown = [decoded(e.public) for e in effects if isinstance(e, Broadcast)]
    assert [(s["seq"], s["event"]["participant_id"]) for s in shown] == [(2, "ann")]
    again = two.decide([Job(games.Join("bob", "Bob"), None)], 12.0)
    assert again.expected_seq == 3
    await event_log.append("b-core", again.expected_seq, again.events, again.grants)
    two.committed(again)
    # the first core hears of it as a remote event; both fold the log's order
    one.remote(3, await event_log.read("b-core", 2))
    logged = await event_log.read("b-core", 0)
    assert [e.get("participant_id") for e in logged] == [None, "ann", "bob"]
    assert one.state == two.state == games.fold(games.from_dict(e) for e in logged)


async def test_a_gap_is_filled_from_the_log(event_log: Storage) -> None:
    writer = await stored_core(event_log)
    reader = BoardCore.from_log(await event_log.read("b-core", 0), games.Limits())
    for text in ("a", "b", "c"):
        proposal = writer.decide([job(FAC, "prompt.set", text=text)], 1.0)
        await event_log.append("b-core", proposal.expected_seq, proposal.events)
        writer.committed(proposal)
        last = proposal
    # only the last one reached the reader: a gap
    need = reader.remote(last.expected_seq, last.events)
    assert need == [NeedLog(1)]
    missing = await event_log.read("b-core", need[0].since)
    effects = reader.remote(need[0].since + 1, missing)
    assert [decoded(e.public)["seq"] for e in effects if isinstance(e, Broadcast)] == [2, 3, 4]
    assert reader.state == writer.state and reader.state.prompt == "c"


def test_two_processes_releasing_the_same_packet_is_harmless() -> None:
    """Both processes' ticks give back an offline holder's packet: the second, decided
    again after its conflict, finds nothing to give back."""
    log = [created(packets_from=0, packet_size=2)]
    core = BoardCore.from_log(log, games.Limits())

    def run(jobs: list[Job], now: float = 2000.0) -> None:
        proposal = core.decide(jobs, now)
        core.committed(proposal)
        log.extend(proposal.events)

    run([Job(games.Join("ann", "Ann"), None)])
    run([job(FAC, "phase.advance", **{"from": "ignite"})])
    run([job(ANN, "note.create", note_id=f"n{i}", text=f"idea {i}") for i in range(4)])
    run([job(FAC, "phase.advance", **{"from": "generate"})])
    run([job(ANN, "packet.request")])
    assert "ann" in core.state.packet_of_holder
    one = BoardCore.from_log(log, games.Limits())
    two = BoardCore.from_log(log, games.Limits())
    release = Job(games.commands.ReleasePackets(now=2100.0, offline=("ann",)), SYSTEM)
    first = one.decide([release], 2100.0)
    second = two.decide([release], 2100.0)
    kinds = [e["kind"] for e in first.events]
    assert kinds and kinds == [e["kind"] for e in second.events]
    assert "packet.returned" in kinds
    one.committed(first)  # the first append wins; the second conflicts
    two.reload([*log, *first.events])
    again = two.decide([release], 2100.0)
    assert again.events == [] and two.state == one.state
    assert "ann" not in two.state.packet_of_holder
