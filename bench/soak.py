"""Soak: a real server for many minutes at moderate load, with a few hostile clients.

    python -m bench.soak --minutes 30

100 boards (each from its own address, as facilitators would come), 8 participants each
joining from their board's address (a room behind one NAT); participants write notes at
a moderate rate, some disconnect and resume with ``since``, some leave for good and new
ones join; a few boards empty out for a while (and are unloaded) and come back. Hostile
clients meanwhile: a command flooder on a real board, a socket hoarder on one token, a
join-code guesser, and slow (dribbling) HTTP connections.

Reported: the server's RSS slope after warm-up (MiB per hour), the error frames
well-behaved clients received (must be 0), order errors, and acknowledged commands the
SQLite log does not hold (must be 0). Exits non-zero if any of those fail.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

from .load import raise_nofile

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Stats:
    def __init__(self) -> None:
        self.acked: list[tuple[str, int, str]] = []  # (board, seq, note_id)
        self.good_errors: list[dict[str, Any]] = []
        self.order_errors: list[str] = []
        self.commands = self.reconnects = self.joins = self.leaves = 0
        self.hostile: dict[str, int] = {}

    def bump(self, key: str, n: int = 1) -> None:
        self.hostile[key] = self.hostile.get(key, 0) + n


class Member:
    """A well-behaved participant: one socket, checks seq order, records acks."""

    def __init__(self, base: str, board: dict[str, Any], token: str, stats: Stats) -> None:
        self.base, self.board, self.token, self.stats = base, board, token, stats
        self.seq: int | None = None
        self.ws: Any = None
        self.waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(f"{self.base}/ws/{self.board['board_id']}")
        await self.ws.send(json.dumps({"type": "hello", "token": self.token, "since": self.seq}))
        welcome = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
        if welcome.get("type") != "welcome":
            self.stats.good_errors.append(welcome)
            raise ConnectionError(welcome)
        if "events" in welcome:
            for item in welcome["events"]:
                self._event(item["seq"])
        self.seq = welcome["seq"] if "state" in welcome else self.seq
        self.reader = asyncio.create_task(self._read())

    def _event(self, seq: int) -> None:
        if self.seq is not None and seq != self.seq + 1:
            self.stats.order_errors.append(f"{self.board['board_id']}: {self.seq} -> {seq}")
        self.seq = seq

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "event":
                    self._event(frame["seq"])
                elif kind == "error":
                    self.stats.good_errors.append(frame)
                if kind in ("ack", "error") and frame.get("cid") in self.waiting:
                    self.waiting.pop(frame["cid"]).set_result(frame)

    async def command(self, kind: str, cid: str, **args: Any) -> dict[str, Any]:
        future = asyncio.get_running_loop().create_future()
        self.waiting[cid] = future
        await self.ws.send(json.dumps({"type": kind, "cid": cid, **args}))
        self.stats.commands += 1
        return await asyncio.wait_for(future, 30)

    async def note(self, rng: random.Random) -> None:
        cid, note_id = f"c{rng.getrandbits(48)}", f"n{rng.getrandbits(60):x}"
        text = " ".join(rng.choice(("idea", "Idee", "more", "less", "why")) for _ in range(6))
        reply = await self.command("note.create", cid, note_id=note_id, text=text)
        if reply["type"] == "ack":
            self.stats.acked.append((self.board["board_id"], reply["seq"], note_id))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            with contextlib.suppress(Exception):
                await self.reader


async def create_board(http: httpx.AsyncClient, i: int) -> dict[str, Any]:
    address = f"10.77.{i // 250}.{i % 250 + 1}"
    r = await http.post(
        "/api/boards",
        json={"title": f"Soak {i}", "prompt": "p"},
        headers={"x-forwarded-for": address},
    )
    r.raise_for_status()
    return {**r.json(), "address": address}


async def join(http: httpx.AsyncClient, board: dict[str, Any], name: str) -> str:
    r = await http.post(
        "/api/join",
        json={"join_code": board["join_code"], "name": name},
        headers={"x-forwarded-for": board["address"]},
    )
    r.raise_for_status()
    return str(r.json()["token"])


# -- hostile clients --------------------------------------------------------------------


async def flooder(
    ws_base: str, board: dict[str, Any], token: str, stats: Stats, end: float
) -> None:
    while time.monotonic() < end:
        with contextlib.suppress(Exception):
            async with websockets.connect(f"{ws_base}/ws/{board['board_id']}") as ws:
                await ws.send(json.dumps({"type": "hello", "token": token, "since": None}))
                await ws.recv()
                for i in range(400):
                    frame = {"type": "timer.set", "cid": f"f{i}", "seconds": 5}
                    await ws.send(json.dumps(frame) if i % 7 else "{not json")
                with contextlib.suppress(TimeoutError):
                    while True:
                        raw = await asyncio.wait_for(ws.recv(), 0.5)
                        if '"rate_limited"' in raw:
                            stats.bump("flood_rate_limited")
        await asyncio.sleep(2)


async def hoarder(
    ws_base: str, board: dict[str, Any], token: str, stats: Stats, end: float
) -> None:
    while time.monotonic() < end:
        sockets = []
        for _ in range(12):
            with contextlib.suppress(Exception):
                ws = await websockets.connect(f"{ws_base}/ws/{board['board_id']}")
                await ws.send(json.dumps({"type": "hello", "token": token, "since": None}))
                first = json.loads(await ws.recv())
                if first.get("reason") == "too_many_connections":
                    stats.bump("hoard_refused")
                sockets.append(ws)
        await asyncio.sleep(5)
        for ws in sockets:
            with contextlib.suppress(Exception):
                await ws.close()


async def guesser(http: httpx.AsyncClient, stats: Stats, end: float, rng: random.Random) -> None:
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    while time.monotonic() < end:
        code = "".join(rng.choice(alphabet) for _ in range(6))
        with contextlib.suppress(httpx.HTTPError):
            r = await http.get(f"/api/codes/{code}", headers={"x-forwarded-for": "10.66.6.6"})
            stats.bump(f"guess_{r.status_code}")
        await asyncio.sleep(0.05)


async def dribbler(port: int, stats: Stats, end: float) -> None:
    loop = asyncio.get_running_loop()
    while time.monotonic() < end:
        socks = []
        for _ in range(20):
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(OSError):
                s.bind(("127.0.0.9", 0))
                await loop.sock_connect(s, ("127.0.0.1", port))
                await loop.sock_sendall(s, b"GET / HTTP/1.1\r\nX: ")
                socks.append(s)
        for _ in range(30):
            for s in socks:
                with contextlib.suppress(OSError):
                    await loop.sock_sendall(s, b"a")
            await asyncio.sleep(0.5)
        for s in socks:
            with contextlib.suppress(OSError):
                if (await asyncio.wait_for(loop.sock_recv(s, 64), 0.1)).startswith(b"HTTP/1.1 408"):
                    stats.bump("dribble_408")
            s.close()


# -- the run ----------------------------------------------------------------------------


def start_server(command: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as log:
        return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    raise_nofile()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="soak-"))
    db = workdir / "soak.db"
    port = free_port()
    log_path = workdir / "server.log"
    command = [
        sys.executable, "-m", "gamestorm.server.cli", "serve", "--port", str(port),
        "--db", f"sqlite+aiosqlite:///{db}", "--log-level", "warning",
        "--idle-unload-seconds", str(args.idle_unload_seconds),
    ]  # fmt: skip
    server = start_server(command, log_path)
    base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    rng = random.Random(args.seed)
    stats = Stats()
    samples: list[tuple[float, float]] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(200):
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            members: list[Member] = []
            made = itertools.count()

            async def open_board() -> dict[str, Any]:
                b = next(made)
                board = await create_board(http, b)
                facilitator = Member(ws_base, board, board["facilitator_token"], stats)
                await facilitator.connect()
                await facilitator.command("phase.advance", "go", **{"from": "ignite"})
                await facilitator.close()
                for p in range(args.participants):
                    member = Member(ws_base, board, await join(http, board, f"p{b}-{p}"), stats)
                    await member.connect()
                    members.append(member)
                return board

            boards = [await open_board() for _ in range(args.boards)]
            # Workshops end: every so often the oldest board's people leave for good (it is
            # unloaded once idle) and a new board starts, so each lives --board-minutes.
            retire_every = args.board_minutes * 60 / max(1, args.boards - 2)
            next_retire = time.monotonic() + retire_every
            stats.bump("boards_retired", 0)
            started = time.monotonic()
            end = started + args.minutes * 60
            hostile_board = boards[0]
            flood_token = await join(http, hostile_board, "flood")
            hoard_token = await join(http, boards[1], "hoard")
            hostiles = [
                asyncio.create_task(flooder(ws_base, hostile_board, flood_token, stats, end)),
                asyncio.create_task(hoarder(ws_base, boards[1], hoard_token, stats, end)),
                asyncio.create_task(guesser(http, stats, end, random.Random(args.seed + 1))),
                asyncio.create_task(dribbler(port, stats, end)),
            ]
            away: list[Member] = []
            quiet: list[Member] = []  # the members of boards that empty out for a while
            next_sample = started
            tick = 1.0
            per_tick = len(members) / args.note_interval * tick  # kept as boards rotate
            while time.monotonic() < end:
                t0 = time.monotonic()
                if t0 >= next_sample:
                    samples.append((t0 - started, rss_mib(server.pid)))
                    next_sample += args.sample_seconds
                live = [m for m in members if m not in away and m not in quiet]
                writers = rng.sample(
                    live, min(len(live), int(per_tick) + (rng.random() < per_tick % 1))
                )
                await asyncio.gather(*(m.note(rng) for m in writers), return_exceptions=False)
                # churn: a reconnect with since, a leave, a join
                if live and rng.random() < 0.5:
                    m = rng.choice(live)
                    await m.close()
                    await m.connect()
                    stats.reconnects += 1
                if live and rng.random() < 0.1:
                    m = rng.choice(live)
                    await m.close()
                    away.append(m)
                    stats.leaves += 1
                if rng.random() < 0.1:
                    board = rng.choice(boards[2:])
                    m = Member(ws_base, board, await join(http, board, f"late{stats.joins}"), stats)
                    await m.connect()
                    members.append(m)
                    stats.joins += 1
                if away and rng.random() < 0.05:  # someone comes back
                    m = away.pop(rng.randrange(len(away)))
                    await m.connect()
                    stats.reconnects += 1
                if not quiet and rng.random() < 0.01:  # a board empties out (unloaded later)
                    board = rng.choice(boards[2:])
                    quiet = [m for m in members if m.board is board and m not in away]
                    for m in quiet:
                        await m.close()
                elif quiet and rng.random() < 0.005:
                    for m in quiet:
                        await m.connect()
                        stats.reconnects += 1
                    quiet = []
                if args.board_minutes and time.monotonic() >= next_retire:
                    next_retire += retire_every
                    done = boards.pop(2)  # boards 0 and 1 host the hostile clients
                    for m in [m for m in members if m.board is done]:
                        if m not in away and m not in quiet:
                            await m.close()
                        members.remove(m)
                    away = [m for m in away if m.board is not done]
                    quiet = [m for m in quiet if m.board is not done]
                    boards.append(await open_board())
                    stats.bump("boards_retired")
                await asyncio.sleep(max(0.0, tick - (time.monotonic() - t0)))
            samples.append((time.monotonic() - started, rss_mib(server.pid)))
            await asyncio.gather(*hostiles, return_exceptions=True)
            health = (await http.get("/healthz")).json()
            for m in members:
                if m not in away and m not in quiet:
                    await m.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    lost = missing_acks(db, stats.acked)
    warm = [(t, r) for t, r in samples if t >= args.warmup_minutes * 60] or samples
    slope = slope_per_hour(warm)
    log_text = log_path.read_text(errors="replace")
    return {
        "minutes": args.minutes,
        "boards": args.boards,
        "participants_at_end": len(members),
        "commands_acked": len(stats.acked),
        "commands": stats.commands,
        "reconnects": stats.reconnects,
        "joins": stats.joins,
        "leaves": stats.leaves,
        "hostile": stats.hostile,
        "error_frames_to_well_behaved": len(stats.good_errors),
        "error_examples": stats.good_errors[:5],
        "order_errors": len(stats.order_errors),
        "acked_but_lost": lost,
        "rss_start_mib": round(samples[0][1], 1) if samples else None,
        "rss_after_warmup_mib": round(warm[0][1], 1) if warm else None,
        "rss_end_mib": round(samples[-1][1], 1) if samples else None,
        "rss_slope_mib_per_hour": round(slope, 2),
        "boards_loaded_at_end": health.get("boards_live"),
        "tracebacks_in_log": log_text.count("Traceback"),
        "workdir": str(workdir),
    }


def missing_acks(db: Path, acked: list[tuple[str, int, str]]) -> int:
    """Acked note creates whose event is not in the log at the acked seq."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = {
            (b, s): data for b, s, data in con.execute("SELECT board_id, seq, data FROM events")
        }
    finally:
        con.close()
    return sum(
        1
        for board, seq, note_id in acked
        if note_id.encode() not in bytes(rows.get((board, seq), b""))
    )


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of RSS (MiB) over time, per hour."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mr = sum(r for _, r in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return 0.0 if den == 0 else sum((t - mt) * (r - mr) for t, r in points) / den * 3600


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--boards", type=int, default=100)
    p.add_argument("--participants", type=int, default=8, help="per board at the start")
    p.add_argument(
        "--board-minutes",
        type=float,
        default=5,
        help="each board's life: then its people leave and a new one starts (0: never)",
    )
    p.add_argument(
        "--note-interval", type=float, default=40, help="seconds between one member's notes"
    )
    p.add_argument("--idle-unload-seconds", type=float, default=60)
    p.add_argument("--warmup-minutes", type=float, default=5)
    p.add_argument("--sample-seconds", type=float, default=10)
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--workdir", default=None)
    p.add_argument("--report", default=None, help="write the report as JSON here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    report = asyncio.run(soak(args))
    text = json.dumps(report, indent=2)
    print(text)
    if args.report:
        Path(args.report).write_text(text)
    return report


def ok(report: dict[str, Any]) -> bool:
    return (
        report["error_frames_to_well_behaved"] == 0
        and report["order_errors"] == 0
        and report["acked_but_lost"] == 0
        and report["tracebacks_in_log"] == 0
    )


if __name__ == "__main__":
    sys.exit(0 if ok(main()) else 1)
