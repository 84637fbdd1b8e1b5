"""The coordinator: starts the server (or the relay), the worker processes, runs scenarios.

    python -m bench                      # every scenario at full size
    python -m bench --scenarios storm,baseline --participants 1000 --rate 20 --duration 20

Scenarios:
  storm     one board, N participants, M moves a second from random participants for T s
  reveal    N participants with K notes each leave ``generate``: until all hold all notes
  many      B boards of P participants, moves on all of them at once
  baseline  the storm and the flood against a bare ``websockets`` broadcast relay
  flood     closed-loop moves as fast as the server acks them: deliveries per second

Each scenario gets a fresh server process, pinned with ``taskset`` to ``--server-cpus``;
the load runs in ``--workers`` processes pinned to ``--load-cpus``. Latency is from the
sender's send (``time.time_ns()``, one clock for all processes of the machine) to each
client's receipt of the event. Every healthy client must receive every seq after its
welcome exactly once and in order; a few ``--stalled`` clients stop reading to show they
hold up no one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path
from typing import Any

import httpx
import orjson

from .load import BenchClient, cid, pin, raise_nofile, worker_main

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")
SCENARIOS = ("storm", "reveal", "many", "baseline", "flood")
#: At this share of its cores the load side, not the target, is what a figure measures.
LOAD_SATURATED_PCT = 90.0


# -- the measured process ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def cpu_seconds(pids: list[int]) -> float:
    return sum(proc_cpu_seconds(pid) for pid in pids)


def rss_kb(pids: list[int]) -> int:
    return sum(proc_memory_kb(pid)["VmRSS"] for pid in pids)


def proc_memory_kb(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


class Target:
    """The server or the relay as a subprocess on its own cores."""

    def __init__(self, kind: str, cpus: list[int] | None, workdir: Path, args: argparse.Namespace):
        self.kind = kind
        self.db_path: Path | None = None
        self.port = free_port()
        self.host = "127.0.0.1"
        cmd: list[str]
        if kind == "server":
            db = self.db_path = workdir / f"bench-{self.port}.db"
            cmd = [
                sys.executable, "-m", "gamestorm.server.cli", "serve", "--port", str(self.port),
                "--db", f"sqlite+aiosqlite:///{db}", "--log-level", "warning",
                "--joins-per-minute", "1000000", "--commands-per-second", "1000",
                "--boards-per-minute", "1000000", "--sockets-per-token", "1000000",
            ]  # fmt: skip
        else:
            cmd = [sys.executable, "-m", "bench.relay", "--port", str(self.port)]
        if cpus and shutil.which("taskset"):
            cmd = ["taskset", "-c", ",".join(map(str, cpus)), *cmd]
        self.log_path = workdir / f"{kind}-{self.port}.log"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, preexec_fn=raise_nofile
            )
        if args.nice:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.process.pid, args.nice)
        self._wait()

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def pids(self) -> list[int]:
        return [self.process.pid]

    @property
    def ports(self) -> list[int]:
        """Where clients connect, round robin (several for a cluster)."""
        return [self.port]

    def committed(self, boards: list[dict[str, Any]]) -> dict[int, int] | None:
        return committed_seqs(self, boards)

    def _wait(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.log_path.read_text()[-2000:]}")
            try:
                if self.kind == "server":
                    r = httpx.get(f"http://{self.host}:{self.port}/healthz", timeout=1)
                    if r.status_code == 200:
                        return
                else:
                    with socket.create_connection((self.host, self.port), timeout=1):
                        return
            except (httpx.HTTPError, OSError):
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.kind} did not come up")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log_path.read_text(errors="replace")


class Sampler:
    """Peak RSS of the target while a scenario runs (VmHWM also counts the setup)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak_kb = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(OSError, ValueError):
                rss = sum(proc_memory_kb(pid).get("VmRSS", 0) for pid in self.pids)
                self.peak_kb = max(self.peak_kb, rss)
            await asyncio.sleep(0.1)

    def __enter__(self) -> Sampler:
        self._task = asyncio.create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


# -- the workers -------------------------------------------------------------------------


class Workers:
    def __init__(self, count: int, cpus: list[int] | None) -> None:
        ctx = mp.get_context("spawn")
        self.pipes = []
        self.procs = []
        for i in range(count):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, i, cpus), daemon=True)
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    def __len__(self) -> int:
        return len(self.pipes)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.pid is not None]

    async def call(self, op: str, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        loop = asyncio.get_running_loop()
        for pipe, spec in zip(self.pipes, specs, strict=True):
            pipe.send((op, spec))
        replies = await asyncio.gather(
            *(loop.run_in_executor(None, pipe.recv) for pipe in self.pipes)
        )
        out = []
        for status, result in replies:
            if status != "ok":
                raise RuntimeError(f"worker failed in {op}: {result}")
            out.append(result)
        return out

    async def same(self, op: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
        return await self.call(op, [spec] * len(self))

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError, BrokenPipeError):
                pipe.send(("stop", {}))
        for proc in self.procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()


# -- board setup over the real wire ---------------------------------------------------------


async def join_many(http: httpx.AsyncClient, code: str, n: int) -> list[str]:
    gate = asyncio.Semaphore(32)

    async def one(i: int) -> str:
        async with gate:
            r = await http.post("/api/join", json={"join_code": code, "name": f"P{i}"})
            if r.status_code != 201:
                raise RuntimeError(f"join failed: {r.status_code} {r.text}")
            return str(r.json()["token"])

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def new_board(
    target: Target, participants: int, options: dict[str, Any] | None = None
) -> dict[str, Any]:
    async with httpx.AsyncClient(
        base_url=f"http://{target.host}:{target.port}", timeout=60
    ) as http:
        body = {"title": "Bench", "prompt": "Load", **(options or {})}
        r = await http.post("/api/boards", json=body)
        if r.status_code != 201:
            raise RuntimeError(f"create failed: {r.text}")
        board = r.json()
        tokens = await join_many(http, board["join_code"], participants)
    return {
        "board_id": board["board_id"],
        "path": f"/ws/{board['board_id']}",
        "facilitator_token": board["facilitator_token"],
        "projector_token": board.get("projector_token"),
        "tokens": tokens,
    }


async def agent(target: Target, path: str, token: str, since: int | None = None) -> BenchClient:
    client = BenchClient(0, path, token)
    await client.open(target.host, target.port, since)
    return client


async def advance(facilitator: BenchClient, phase: str) -> int:
    return await facilitator.ok({"type": "phase.advance", "cid": cid(), "from": phase})


async def affinity_board(
    target: Target, participants: int, notes: int, columns: int
) -> dict[str, Any]:
    """A board in ``affinity`` with ``notes`` notes and ``columns`` columns to move them to."""
    board = await new_board(target, participants)
    fac = await agent(target, board["path"], board["facilitator_token"])
    writer = await agent(target, board["path"], board["tokens"][0])
    try:
        await advance(fac, "ignite")
        note_ids = [f"note-{i}" for i in range(notes)]
        await asyncio.gather(
            *(
                writer.ok({"type": "note.create", "cid": cid(), "note_id": n, "text": f"Idea {n}"})
                for n in note_ids
            )
        )
        await advance(fac, "generate")
        column_ids = [f"col-{i}" for i in range(columns)]
        await asyncio.gather(
            *(fac.ok({"type": "column.create", "cid": cid(), "column_id": c}) for c in column_ids)
        )
    finally:
        fac.close()
        writer.close()
    return {**board, "notes": note_ids, "columns": column_ids}


def relay_board(participants: int, notes: int, columns: int, name: str = "storm") -> dict[str, Any]:
    return {
        "board_id": name,
        "path": f"/ws/{name}",
        "tokens": [f"t{i}" for i in range(participants)],
        "notes": [f"note-{i}" for i in range(notes)],
        "columns": [f"col-{i}" for i in range(columns)],
    }


# -- measuring -----------------------------------------------------------------------------


def percentiles(values_us: array[int]) -> dict[str, float | None]:
    if not values_us:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None, "count": 0}
    ordered = sorted(values_us)
    n = len(ordered)

    def at(q: float) -> float:
        return round(ordered[min(n - 1, int(q * n))] / 1000, 2)

    return {
        "p50_ms": at(0.50),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] / 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) / 1000, 2),
        "count": n,
    }


def split(items: list[Any], parts: int) -> list[list[Any]]:
    return [items[i::parts] for i in range(parts)]


def committed_seqs(target: Target, boards: list[dict[str, Any]]) -> dict[int, int] | None:
    """The highest committed seq of each board, read from the server's SQLite file."""
    if target.db_path is None:
        return None
    import sqlite3

    db = sqlite3.connect(f"file:{target.db_path}?mode=ro", uri=True)
    try:
        return {
            b: int(db.execute(
                "SELECT coalesce(max(seq), 0) FROM events WHERE board_id = ?", (x["board_id"],)
            ).fetchone()[0])
            for b, x in enumerate(boards)
        }  # fmt: skip
    finally:
        db.close()


def merge_sendmaps(results: list[dict[str, Any]]) -> dict[int, dict[int, int]]:
    merged: dict[int, dict[int, int]] = {}
    for r in results:
        for board, seqs in r["sendmap"].items():
            into = merged.setdefault(int(board), {})
            for seq, ns in seqs.items():
                if seq not in into or into[seq] > ns:
                    into[seq] = ns
    return merged


def summarize(finished: list[dict[str, Any]]) -> dict[str, Any]:
    lat = array("i")
    for f in finished:
        lat.frombytes(f["lat_us"])
    errors: dict[str, int] = {}
    for f in finished:
        for code, n in f["errors"].items():
            errors[code] = errors.get(code, 0) + n
    return {
        "latency": percentiles(lat),
        "clients_checked": sum(f["clients"] for f in finished),
        "lost": sum(f["lost"] for f in finished),
        "duplicated": sum(f["duplicated"] for f in finished),
        "reordered": sum(f["reordered"] for f in finished),
        "events_received": sum(f["events_received"] for f in finished),
        "frames_received": sum(f["frames_received"] for f in finished),
        "errors": errors,
        "error_samples": [s for f in finished for s in f["error_samples"]][:3],
        "stalled": sum(f["stalled"] for f in finished),
        "stalled_cut_off": sum(f["stalled_cut_off"] for f in finished),
    }


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir = Path(tempfile.mkdtemp(prefix="gamestorm-bench-", dir=args.workdir))
        self.workers = Workers(args.workers, args.load_cpus)
        self.load_cores = len(args.load_cpus) if args.load_cpus else (os.cpu_count() or 1)

    def start(self, kind: str) -> Target:
        return Target(kind, self.args.server_cpus, self.workdir, self.args)

    def stop(self, target: Target) -> None:
        log = target.stop()
        if "Traceback" in log:
            print(f"!! {target.kind} log has a traceback:\n{log[-3000:]}", file=sys.stderr)

    def profile(self, target: Target, duration: float) -> subprocess.Popen[bytes] | None:
        """py-spy on the target for the measured window (``--profile DIR``)."""
        if self.args.profile is None or shutil.which("py-spy") is None:
            return None
        self.args.profile.mkdir(parents=True, exist_ok=True)
        out = self.args.profile / f"{target.kind}-{target.port}.txt"
        return subprocess.Popen(
            ["py-spy", "record", "--pid", str(target.pid), "--duration", str(int(duration)),
             "--rate", "250", "--format", "raw", "--nonblocking", "-o", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    async def connect(
        self,
        target: Target,
        boards: list[dict[str, Any]],
        *,
        stalled: int = 0,
        since: int | None = None,
        batch: bool = False,
        keep_reveal: int = 0,
    ) -> dict[str, Any]:
        items = []
        ports = target.ports
        for b, board in enumerate(boards):
            for token in board["tokens"]:
                port = ports[len(items) % len(ports)]
                item = {"board": b, "path": board["path"], "token": token, "since": since}
                items.append({**item, "port": port})
        for item in items[:stalled]:
            item["stalled"] = True
        for item in items[stalled : stalled + keep_reveal * len(self.workers)]:
            item["keep_reveal"] = True
        t0 = time.monotonic()
        results = await self.workers.call(
            "connect",
            [
                {
                    "host": target.host,
                    "port": target.port,
                    "clients": part,
                    "batch": batch,
                    "deflate": batch and getattr(self.args, "deflate", False),
                }
                for part in split(items, len(self.workers))
            ],
        )
        failed = sum(r["failed"] for r in results)
        if failed:
            raise RuntimeError(f"{failed} clients failed to connect: {results[0]['failures']}")
        return {"clients": len(items), "connect_s": round(time.monotonic() - t0, 2)}

    async def moves(
        self,
        target: Target,
        boards: list[dict[str, Any]],
        *,
        mode: str,
        rate: float,
        duration: float,
        stalled: int,
        batch: bool = False,
    ) -> dict[str, Any]:
        """Connect everyone, send moves (open loop at ``rate`` or a closed-loop flood),
        check every client got every event once and in order, and measure."""
        rss0 = rss_kb(target.pids)
        connected = await self.connect(target, boards, stalled=stalled, batch=batch)
        await asyncio.sleep(1.0)  # presence settles
        rss1 = rss_kb(target.pids)
        specs_boards = {
            b: {"notes": x["notes"], "columns": x["columns"]} for b, x in enumerate(boards)
        }
        start_ns = time.time_ns() + 300_000_000
        cpu0 = cpu_seconds(target.pids)
        load0 = cpu_seconds(self.workers.pids)
        w = len(self.workers)
        profiler = self.profile(target, duration)
        with Sampler(target.pids) as sampler:
            if mode == "drive":
                sent = await self.workers.call(
                    "drive",
                    [
                        {"start_ns": start_ns, "duration": duration, "rate": rate / w,
                         "phase": i / w, "boards": specs_boards}
                        for i in range(w)
                    ],
                )  # fmt: skip
            else:
                senders = self.args.flood_senders
                sent = await self.workers.call(
                    "flood",
                    [
                        {"start_ns": start_ns, "duration": duration, "senders": len(part),
                         "window": self.args.flood_window, "boards": specs_boards}
                        for part in split(list(range(senders)), w)
                    ],
                )  # fmt: skip
            wall = (time.time_ns() - start_ns) / 1e9
            cpu1 = cpu_seconds(target.pids)
            load1 = cpu_seconds(self.workers.pids)
        if profiler is not None:
            profiler.wait()
        sendmap = merge_sendmaps(sent)
        finals = {b: max(seqs) for b, seqs in sendmap.items() if seqs}
        window = (start_ns + 1_000_000_000, start_ns + int(duration * 1e9))
        finished = await self.workers.same(
            "finish", {"final": finals, "sendmap": sendmap, "timeout": 30, "window": window}
        )
        mem = {"VmHWM": sum(proc_memory_kb(pid).get("VmHWM", 0) for pid in target.pids)}
        await self.workers.same("close", {})
        durable = target.committed(boards)
        ack = array("i")
        for s in sent:
            ack.frombytes(s["ack_us"])
        out = summarize(finished)
        events = sum(len(v) for v in sendmap.values())
        n_clients = connected["clients"]
        out.update(
            {
                "target": target.kind,
                "clients": n_clients,
                "boards": len(boards),
                "commands_sent": sum(s["sent"] for s in sent),
                "commands_unanswered": sum(s["unanswered"] for s in sent),
                "events": events,
                "events_per_s": round(events / duration, 1),
                "deliveries_per_s": round(
                    sum(f["deliveries_in_window"] for f in finished) / max(duration - 1, 0.1)
                ),
                "ack": percentiles(ack),
                "server_cpu_pct": round(100 * (cpu1 - cpu0) / wall, 1),
                # the load side's own CPU, of all its cores: near 100 % it, not the
                # target, sets the latency (the report says so)
                "load_cpu_pct": round(100 * (load1 - load0) / wall / self.load_cores, 1),
                "server_rss_peak_mb": round(sampler.peak_kb / 1024, 1),
                "server_vmhwm_mb": round(mem.get("VmHWM", 0) / 1024, 1),
                "memory_per_connection_kb": round((rss1 - rss0) / max(n_clients, 1), 1),
                "connect_s": connected["connect_s"],
            }
        )
        if durable is not None:
            # Every acked seq must be in the database (acks follow the commit).
            out["acked_not_committed"] = sum(
                1 for b, seqs in sendmap.items() for seq in seqs if seq > durable.get(b, 0)
            )
        return out

    # -- scenarios ----------------------------------------------------------------------

    async def one_board(self, kind: str, target: Any) -> Any:
        """The storm's and the flood's board: in affinity on the server, or the relay's."""
        a = self.args
        if kind == "server":
            return await affinity_board(target, a.participants, a.notes, a.columns)
        return relay_board(a.participants, a.notes, a.columns)

    async def storm(self, kind: str = "server") -> dict[str, Any]:
        a = self.args
        target = self.start(kind)
        try:
            board = await self.one_board(kind, target)
            result = await self.moves(
                target, [board], mode="drive", rate=a.rate, duration=a.duration,
                stalled=a.stalled, batch=a.batch and kind == "server",
            )  # fmt: skip
        finally:
            self.stop(target)
        result.update({"rate": a.rate, "duration_s": a.duration})
        return result

    async def flood(self, kind: str = "server", batch: bool = False) -> dict[str, Any]:
        a = self.args
        target = self.start(kind)
        try:
            board = await self.one_board(kind, target)
            result = await self.moves(
                target, [board], mode="flood", rate=0, duration=a.flood_duration,
                stalled=0, batch=batch,
            )  # fmt: skip
        finally:
            self.stop(target)
        result.update(
            {"senders": a.flood_senders, "window": a.flood_window, "duration_s": a.flood_duration,
             "batch": batch}
        )  # fmt: skip
        return result

    async def many(self) -> dict[str, Any]:
        a = self.args
        target = self.start("server")
        try:
            gate = asyncio.Semaphore(8)

            async def one() -> dict[str, Any]:
                async with gate:
                    return await affinity_board(target, a.board_participants, 10, 3)

            t0 = time.monotonic()
            boards = list(await asyncio.gather(*(one() for _ in range(a.boards))))
            setup = time.monotonic() - t0
            result = await self.moves(
                target, boards, mode="drive", rate=a.board_rate * a.boards, duration=a.duration,
                stalled=0, batch=a.batch,
            )  # fmt: skip
        finally:
            self.stop(target)
        result.update(
            {"rate": a.board_rate * a.boards, "duration_s": a.duration, "setup_s": round(setup, 1)}
        )
        return result

    async def reveal(self) -> dict[str, Any]:
        a = self.args
        target = self.start("server")
        try:
            board = await new_board(target, a.participants)
            fac = await agent(target, board["path"], board["facilitator_token"])
            await advance(fac, "ignite")
            t0 = time.monotonic()
            items = [
                {"path": board["path"], "token": t, "n": i} for i, t in enumerate(board["tokens"])
            ]
            made = await self.workers.call(
                "make_notes",
                [
                    {"host": target.host, "port": target.port, "clients": part, "since": fac.seq,
                     "notes": a.notes_per_participant, "concurrency": 8}
                    for part in split(items, len(self.workers))
                ],
            )  # fmt: skip
            notes_s = time.monotonic() - t0
            expected = len(board["tokens"]) * a.notes_per_participant
            if sum(m["made"] for m in made) != expected:
                raise RuntimeError(f"notes not made: {[m['errors'] for m in made]}")
            seq = await fac.ok({"type": "timer.set", "cid": cid(), "seconds": 0})
            rss0 = rss_kb(target.pids)
            connected = await self.connect(target, [board], since=seq, batch=a.batch, keep_reveal=1)
            await asyncio.sleep(1.0)
            rss1 = rss_kb(target.pids)
            cpu0 = cpu_seconds(target.pids)
            load0 = cpu_seconds(self.workers.pids)
            profiler = self.profile(target, 3)
            with Sampler(target.pids) as sampler:
                send_ns = time.time_ns()
                final = await advance(fac, "generate")
                finished = await self.workers.same(
                    "finish",
                    {"final": {0: final}, "sendmap": {0: {seq + 1: send_ns}}, "timeout": 60},
                )
                wall = (time.time_ns() - send_ns) / 1e9
            cpu1 = cpu_seconds(target.pids)
            load1 = cpu_seconds(self.workers.pids)
            if profiler is not None:
                profiler.wait()
            fac.close()
            await self.workers.same("close", {})
        finally:
            self.stop(target)
        out = summarize(finished)
        counts: dict[int, int] = {}
        for f in finished:
            for k, v in f["reveal_counts"].items():
                counts[int(k)] = counts.get(int(k), 0) + v
        complete = counts.get(expected, 0)
        verified = 0
        for f in finished:
            for payload in f["reveal_payloads"]:
                event = orjson.loads(payload)
                notes = event["event"]["notes"] if "event" in event else []
                if len(notes) == expected and all(n["text"] for n in notes):
                    verified += 1
        lat = out.pop("latency")
        out.update(
            {
                "target": "server",
                "clients": connected["clients"],
                "notes": expected,
                "notes_setup_s": round(notes_s, 1),
                "clients_with_all_notes": complete,
                # frames that came compressed (--deflate): each client's reveal
                "compressed_frames": sum(f["compressed_frames"] for f in finished),
                "payloads_verified": verified,
                "reveal_all_ms": lat["max_ms"],
                "reveal_p50_ms": lat["p50_ms"],
                "reveal_p99_ms": lat["p99_ms"],
                "server_cpu_pct": round(100 * (cpu1 - cpu0) / wall, 1),
                # the load side's own CPU, of all its cores: near 100 % it, not the
                # target, sets the latency (the report says so)
                "load_cpu_pct": round(100 * (load1 - load0) / wall / self.load_cores, 1),
                "server_rss_peak_mb": round(sampler.peak_kb / 1024, 1),
                "memory_per_connection_kb": round((rss1 - rss0) / max(connected["clients"], 1), 1),
            }
        )
        return out

    async def run(self) -> dict[str, Any]:
        a = self.args
        wanted = a.scenarios
        report: dict[str, Any] = {
            "meta": {
                "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "loadavg_before": os.getloadavg(),
                "args": {k: v for k, v in vars(a).items()},
            },
            "scenarios": {},
        }
        s = report["scenarios"]
        steps: list[tuple[str, Any]] = []
        if "baseline" in wanted:
            steps.append(("baseline_storm", lambda: self.storm("relay")))
        if "storm" in wanted:
            steps.append(("storm", lambda: self.storm("server")))
        if "baseline" in wanted and a.flood_duration > 0:
            steps.append(("baseline_flood", lambda: self.flood("relay")))
        if "flood" in wanted:
            steps.append(("flood", lambda: self.flood("server")))
            steps.append(("flood_batch", lambda: self.flood("server", batch=True)))
        if "reveal" in wanted:
            steps.append(("reveal", self.reveal))
        if "many" in wanted:
            steps.append(("many", self.many))
        for name, step in steps:
            print(f"-- {name} ...", flush=True)
            s[name] = await step()
        ratios: dict[str, Any] = {}
        if "storm" in s and "baseline_storm" in s:
            for key in ("p50_ms", "p99_ms"):
                base = s["baseline_storm"]["latency"][key]
                mine = s["storm"]["latency"][key]
                if base and mine:
                    ratios[f"storm_latency_{key}"] = round(mine / base, 2)
            base_cpu = s["baseline_storm"]["server_cpu_pct"]
            if base_cpu:
                ratios["storm_cpu"] = round(s["storm"]["server_cpu_pct"] / base_cpu, 2)
        if "baseline_flood" in s:
            base = s["baseline_flood"]["deliveries_per_s"]
            for name in ("flood", "flood_batch"):
                if name in s and base:
                    ratios[f"{name}_deliveries_per_s"] = round(
                        s[name]["deliveries_per_s"] / base, 2
                    )
        report["ratios_to_relay"] = ratios
        report["meta"]["loadavg_after"] = os.getloadavg()
        return report

    def close(self) -> None:
        self.workers.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def print_table(report: dict[str, Any]) -> None:
    head = (
        f"{'scenario':<15}{'target':<8}{'clients':>8}{'events/s':>9}{'deliv/s':>9}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'lost':>6}{'dup':>5}{'reord':>6}"
        f"{'cpu %':>7}{'load %':>7}{'rss MB':>8}{'KB/conn':>8}"
    )
    print(head)
    print("-" * len(head))
    for name, r in report["scenarios"].items():
        if name == "reveal":
            lat = {
                "p50_ms": r["reveal_p50_ms"],
                "p99_ms": r["reveal_p99_ms"],
                "max_ms": r["reveal_all_ms"],
            }
        else:
            lat = r["latency"]

        def f(v: Any) -> str:
            return "-" if v is None else str(v)

        print(
            f"{name:<15}{r['target']:<8}{r['clients']:>8}{f(r.get('events_per_s')):>9}"
            f"{f(r.get('deliveries_per_s')):>9}{f(lat['p50_ms']):>8}{f(lat['p99_ms']):>8}"
            f"{f(lat['max_ms']):>8}{r['lost']:>6}{r['duplicated']:>5}{r['reordered']:>6}"
            f"{f(r.get('server_cpu_pct')):>7}{f(r.get('load_cpu_pct')):>7}"
            f"{f(r.get('server_rss_peak_mb')):>8}"
            f"{f(r.get('memory_per_connection_kb')):>8}"
        )
    if "reveal" in report["scenarios"]:
        r = report["scenarios"]["reveal"]
        print(
            f"reveal: {r['notes']} notes to {r['clients']} clients, all held in "
            f"{r['reveal_all_ms']} ms; clients with every note: {r['clients_with_all_notes']}"
            f" ({r['compressed_frames']} frames came compressed)"
        )
    for name, r in report["scenarios"].items():
        if r.get("stalled"):
            print(
                f"{name}: {r['stalled']} stalled clients, "
                f"{r['stalled_cut_off']} cut off by the server"
            )
        if (r.get("load_cpu_pct") or 0) >= LOAD_SATURATED_PCT:
            print(
                f"{name}: the load side was saturated ({r['load_cpu_pct']} % of its cores): "
                "its latency is partly the load generator's"
            )
        if r.get("errors"):
            print(f"{name}: error replies {r['errors']} {r.get('error_samples')}")
    if report.get("ratios_to_relay"):
        print("ratios to the bare relay (same run):", report["ratios_to_relay"])


def cpus(text: str) -> list[int] | None:
    if not text or text == "none":
        return None
    return [int(x) for x in text.split(",")]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--scenarios", default=",".join(SCENARIOS),
                   help=f"comma-separated, of {', '.join(SCENARIOS)}")  # fmt: skip
    p.add_argument("--participants", type=int, default=1000, help="clients on the one board")
    p.add_argument("--rate", type=float, default=20, help="storm: moves a second")
    p.add_argument("--duration", type=float, default=20, help="storm and many: seconds")
    p.add_argument("--notes", type=int, default=50, help="storm: notes on the board")
    p.add_argument("--columns", type=int, default=10, help="storm: columns on the board")
    p.add_argument("--stalled", type=int, default=5, help="storm: clients that stop reading")
    p.add_argument("--notes-per-participant", type=int, default=5, help="reveal")
    p.add_argument("--boards", type=int, default=100, help="many: boards")
    p.add_argument("--board-participants", type=int, default=20, help="many: clients per board")
    p.add_argument("--board-rate", type=float, default=1, help="many: moves a second per board")
    p.add_argument("--flood-senders", type=int, default=50, help="flood: clients sending")
    p.add_argument("--flood-window", type=int, default=1, help="flood: moves in flight each")
    p.add_argument("--flood-duration", type=float, default=10, help="flood: seconds (0: skip)")
    p.add_argument("--batch", action="store_true", help="clients ask for batched event frames")
    p.add_argument(
        "--deflate",
        action="store_true",
        help="with --batch, clients offer permessage-deflate as browsers do (large "
        "broadcasts then come compressed)",
    )
    p.add_argument("--workers", type=int, default=3, help="load generator processes")
    p.add_argument("--server-cpus", type=cpus, default=cpus("0"), help="taskset for the server")
    p.add_argument("--load-cpus", type=cpus, default=cpus("1"), help="affinity of the load")
    p.add_argument("--report", type=Path, default=Path("bench-report.json"))
    p.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority of server and load (e.g. -10 on a shared machine)",
    )
    p.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where the server's database goes (default: the temp dir)",
    )
    p.add_argument("--profile", type=Path, default=None, help="py-spy the target into DIR")
    args = p.parse_args(argv)
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        p.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    n = os.cpu_count() or 1
    for name in ("server_cpus", "load_cpus"):
        value = getattr(args, name)
        if value and any(c >= n for c in value):
            setattr(args, name, None)
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    raise_nofile()
    pin(args.load_cpus)
    if args.nice:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # the workers inherit it
    bench = Bench(args)
    try:
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            report = runner.run(bench.run())
    finally:
        bench.close()
    report["meta"]["args"] = {
        k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
    }
    args.report.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print_table(report)
    print(f"report: {args.report}")
    return report
