"""Three server processes on one board, on real PostgreSQL and Redis (issue 13).

Participants are spread over the processes as a load balancer without sticky sessions
would spread them. Every client must see the same gapless order, the same final state,
and exactly what the log in PostgreSQL holds; killing a process, restarting Redis or
restarting PostgreSQL mid-workshop must lose nothing acknowledged.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

from gamestorm import games
from support.cluster import Cluster, health, resume, until
from support.databases import PrivatePostgres, fresh_postgres
from support.redis_server import PrivateRedis
from support.wsclient import BoardClient, create_board, join

pytestmark = pytest.mark.timeout(300)

_cids = itertools.count(1)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cluster(tmp_path: Path, redis_server: PrivateRedis) -> Iterator[Cluster]:
    with fresh_postgres() as db_url:
        nodes = Cluster(tmp_path, db_url, redis_server.url, size=3).start()
        nodes.db_url = db_url  # type: ignore[attr-defined]
        yield nodes
        nodes.stop()


@dataclass
class Person:
    name: str
    token: str
    client: BoardClient
    server: int
    acks: dict[str, int] = field(default_factory=dict)
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Spread:
    board_id: str
    facilitator: Person
    people: list[Person]

    @property
    def everyone(self) -> list[Person]:
        return [self.facilitator, *self.people]

    async def settle(self, within: float = 30) -> int:
        top = max(p.client.seq for p in self.everyone)
        for person in self.everyone:
            await person.client.wait_seq(top, within)
        return top


async def spread_workshop(
    nodes: Cluster, participants: int = 24, notes_each: int = 3, columns: int = 6
) -> Spread:
    """A board made on process 0, its people joined and connected round robin."""
    board = await create_board(nodes[0].base_url)
    board_id = board["board_id"]
    fac_client = await BoardClient.connect(
        nodes[0].ws_url, board_id, board["facilitator_token"], name="facilitator"
    )
    facilitator = Person("facilitator", board["facilitator_token"], fac_client, 0)
    people = []
    for i in range(participants):
        server = nodes[i + 1]
        joined = await join(server.base_url, board["join_code"], f"P{i}")
        client = await BoardClient.connect(server.ws_url, board_id, joined["token"], name=f"P{i}")
        people.append(Person(f"P{i}", joined["token"], client, (i + 1) % len(nodes.servers)))
    spread = Spread(board_id, facilitator, people)
    await spread.settle()
    await fac_client.ok("phase.advance", **{"from": "ignite"})
    for i, person in enumerate(people):
        for j in range(notes_each):
            await person.client.ok("note.create", note_id=f"n{i}-{j}", text=f"Idee {i}-{j}")
    await fac_client.ok("phase.advance", **{"from": "generate"})
    for c in range(columns):
        await people[c % len(people)].client.ok("column.create", column_id=f"col{c}")
    await spread.settle()
    return spread


async def send_moves(person: Person, moves: list[dict[str, Any]]) -> None:
    """Send moves as fast as the socket takes them; replies are collected later."""
    for move in moves:
        cid = f"{person.name}-m{next(_cids)}"
        await person.client.send_raw(json.dumps({"type": "note.move", "cid": cid, **move}))
        person.acks[cid] = -1


def collect_replies(person: Person) -> None:
    for frame in person.client.frames:
        cid = frame.get("cid")
        if cid in person.acks:
            if frame["type"] == "ack":
                person.acks[cid] = frame["seq"]
            else:
                person.errors[cid] = frame


def random_moves(spread: Spread, count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    state = spread.facilitator.client.state
    assert state is not None
    notes, columns = sorted(state.notes), sorted(state.columns)
    return [
        {"note_id": rng.choice(notes), "column_id": rng.choice(columns), "index": rng.randrange(4)}
        for _ in range(count)
    ]


async def wait_replies(people: list[Person], within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for person in people:
            collect_replies(person)
        if all(all(seq >= 0 or cid in p.errors for cid, seq in p.acks.items()) for p in people):
            return
        await asyncio.sleep(0.05)
    missing = sum(1 for p in people for cid, s in p.acks.items() if s < 0 and cid not in p.errors)
    raise AssertionError(f"{missing} moves without a reply after {within} s")


async def logged(db_url: str, board_id: str) -> list[tuple[int, dict[str, Any]]]:
    conn = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch(
            "SELECT seq, data FROM events WHERE board_id = $1 ORDER BY seq", board_id
        )
    finally:
        await conn.close()
    return [(row["seq"], orjson.loads(row["data"])) for row in rows]


def layout(client: BoardClient) -> dict[str, list[str]]:
    state = client.state
    assert state is not None
    return {cid: list(column.notes) for cid, column in state.columns.items()}


async def assert_one_truth(spread: Spread, db_url: str, since_seq: int) -> int:
    """Every client holds the log's events, gapless, in the log's order, and one layout."""
    top = await spread.settle()
    log = await logged(db_url, spread.board_id)
    assert [seq for seq, _ in log] == list(range(1, len(log) + 1)), "the log has a gap"
    assert len(log) == top, f"clients at {top}, the log at {len(log)}"
    state = spread.facilitator.client.state
    assert state is not None
    tail = [games.redact(event, state.anonymous) for seq, event in log if seq > since_seq]
    first_layout = layout(spread.facilitator.client)
    for person in spread.everyone:
        client = person.client
        assert client.order_errors == [], (person.name, client.order_errors[:5])
        assert client.seq == top
        me = client.you["id"]
        seen = [r.owner_view if r.owner_view is not None and r.owner == me else r.public
                for r in tail]  # fmt: skip
        assert client.events[since_seq:] == seen, f"{person.name} saw another order"
        assert layout(client) == first_layout
    return top


async def close_all(spread: Spread) -> None:
    await asyncio.gather(*(p.client.close() for p in spread.everyone), return_exceptions=True)


async def test_three_processes_one_board_2000_concurrent_moves(cluster: Cluster) -> None:
    spread = await spread_workshop(cluster)
    start = await spread.settle()
    moves = random_moves(spread, 2000, seed=13)
    share = len(moves) // len(spread.people)
    await asyncio.gather(
        *(send_moves(p, moves[i * share : (i + 1) * share]) for i, p in enumerate(spread.people))
    )
    await wait_replies(spread.people)
    errors = [e for p in spread.people for e in p.errors.values()]
    assert errors == [], errors[:3]
    acked = sum(len(p.acks) for p in spread.people)
    assert acked == share * len(spread.people) >= 1992
    top = await assert_one_truth(spread, cluster.db_url, start)  # type: ignore[attr-defined]
    assert top > start + 1000, "most moves change the layout"
    # Every process served the board and saw the others' commits (not just its own).
    for server in cluster.servers:
        assert (await health(server))["ok"] is True
    await close_all(spread)


async def test_a_killed_process_loses_nothing_acknowledged(cluster: Cluster) -> None:
    spread = await spread_workshop(cluster)
    start = await spread.settle()
    moves = random_moves(spread, 1200, seed=7)
    share = len(moves) // len(spread.people)
    sending = asyncio.gather(
        *(send_moves(p, moves[i * share : (i + 1) * share]) for i, p in enumerate(spread.people))
    )
    await asyncio.sleep(0.3)
    victim = cluster.servers[2]
    victim.kill()  # SIGKILL: no drain, no goodbye
    await sending
    orphans = [p for p in spread.people if p.server == 2]
    assert orphans, "someone was on the killed process"
    for person in orphans:
        await person.client.wait_for(lambda c: c.closed is not None, within=10)
        collect_replies(person)
        unanswered = [cid for cid, seq in person.acks.items() if seq < 0]
        for cid in unanswered:  # the browser sends those again after the next welcome
            del person.acks[cid]
        person.client = await resume(person.client, cluster[person.server + 1], spread.board_id,
                                     person.token)  # fmt: skip
        person.server += 1
    survivors = [p for p in spread.people if p not in orphans]
    await wait_replies(survivors)
    for person in orphans:
        collect_replies(person)
    await assert_one_truth(spread, cluster.db_url, start)  # type: ignore[attr-defined]
    # Acknowledged means in the log: every ack's seq is there, and the sender saw it.
    log = await logged(cluster.db_url, spread.board_id)  # type: ignore[attr-defined]
    for person in spread.people:
        assert all(seq <= len(log) for seq in person.acks.values() if seq >= 0)
    await close_all(spread)


async def test_redis_restart_loses_no_event_at_any_client(
    cluster: Cluster, redis_server: PrivateRedis
) -> None:
    spread = await spread_workshop(cluster)
    start = await spread.settle()
    moves = random_moves(spread, 600, seed=5)
    share = len(moves) // len(spread.people)
    half = share // 2
    await asyncio.gather(
        *(send_moves(p, moves[i * share : i * share + half]) for i, p in enumerate(spread.people))
    )
    redis_server.stop()

    # Without Redis the processes say so, and keep their clients current from the log.
    async def redis_lost() -> bool:
        return (await health(cluster[0]))["sync"]["fanout"]["healthy"] is False

    assert await until(redis_lost, 10)
    await asyncio.gather(
        *(
            send_moves(p, moves[i * share + half : (i + 1) * share])
            for i, p in enumerate(spread.people)
        )
    )
    await wait_replies(spread.people)
    await assert_one_truth(spread, cluster.db_url, start)  # type: ignore[attr-defined]
    redis_server.start()

    async def redis_back() -> bool:
        states = [(await health(s))["sync"]["fanout"]["healthy"] for s in cluster.servers]
        return all(states)

    assert await until(redis_back, 15)
    more = random_moves(spread, 120, seed=6)
    await asyncio.gather(
        *(send_moves(p, more[i * 5 : (i + 1) * 5]) for i, p in enumerate(spread.people))
    )
    await wait_replies(spread.people)
    assert [e for p in spread.people for e in p.errors.values()] == []
    await assert_one_truth(spread, cluster.db_url, start)  # type: ignore[attr-defined]
    await close_all(spread)


@pytest.fixture
def pg_cluster(tmp_path: Path, redis_server: PrivateRedis) -> Iterator[tuple[Cluster, Any]]:
    postgres = PrivatePostgres()
    postgres.start()
    nodes = Cluster(tmp_path, postgres.url(), redis_server.url, size=2).start()
    nodes.db_url = postgres.url()  # type: ignore[attr-defined]
    yield nodes, postgres
    nodes.stop()
    postgres.stop()


async def test_postgres_restart_gives_a_retryable_error_then_resumes(
    pg_cluster: tuple[Cluster, Any],
) -> None:
    nodes, postgres = pg_cluster
    spread = await spread_workshop(nodes, participants=6, notes_each=2, columns=3)
    start = await spread.settle()
    ann = spread.people[0]
    postgres.stop()
    failed = await ann.client.command("note.move", within=30, **random_moves(spread, 1, 1)[0])
    assert failed["type"] == "error" and failed["code"] == "unavailable", failed
    assert "try again" in failed["message"]
    postgres.start()
    # The same command again succeeds once the database is back: nobody restarts anything.
    deadline = time.monotonic() + 30
    reply: dict[str, Any] = failed
    while time.monotonic() < deadline:
        reply = await ann.client.command("note.move", within=30, **random_moves(spread, 1, 2)[0])
        if reply["type"] == "ack":
            break
        assert reply["code"] == "unavailable", reply
        await asyncio.sleep(0.5)
    assert reply["type"] == "ack", reply
    moves = random_moves(spread, 120, seed=3)
    await asyncio.gather(
        *(send_moves(p, moves[i * 20 : (i + 1) * 20]) for i, p in enumerate(spread.people))
    )
    await wait_replies(spread.people)
    assert [e for p in spread.people for e in p.errors.values()] == []
    await assert_one_truth(spread, nodes.db_url, start)  # type: ignore[attr-defined]
    await close_all(spread)


async def test_tokens_made_on_one_process_work_on_every_other(cluster: Cluster) -> None:
    """A join, a facilitator link or an invite may reach any process: the token is looked
    up in the database where the process has not heard of it."""
    board = await create_board(cluster[0].base_url)
    auth = {"Authorization": f"Bearer {board['facilitator_token']}"}
    joined = await join(cluster[1].base_url, board["join_code"], "Ann")
    async with httpx.AsyncClient(timeout=10) as http:
        export = await http.get(
            f"{cluster[2].base_url}/api/boards/{board['board_id']}/export.json", headers=auth
        )
        assert export.status_code == 200, export.text
        invite = await http.post(
            f"{cluster[1].base_url}/api/boards/{board['board_id']}/facilitator-invites",
            headers=auth,
        )
        wrong = await http.get(
            f"{cluster[2].base_url}/api/boards/{board['board_id']}/export.json",
            headers={"Authorization": "Bearer not-a-token"},
        )
    assert invite.status_code in (200, 201), invite.text
    assert wrong.status_code == 401
    ann = await BoardClient.connect(cluster[2].ws_url, board["board_id"], joined["token"])
    assert ann.welcome is not None and ann.you["name"] == "Ann"
    await ann.close()
