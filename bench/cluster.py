"""The storm on one board across several server processes, against one, in the same run.

    python -m bench.cluster                                  # 1 and 2 processes
    python -m bench.cluster --processes 1,2,3 --participants 600 --rate 20

Every target runs on PostgreSQL (a fresh database each) with Redis carrying events
between the processes (``--fanout``); one process gets the same setup, so the figures
differ only in the number of processes. Clients connect round robin over the processes,
as a load balancer without sticky sessions spreads them. Scenarios: ``storm`` (one board,
``--rate`` moves a second) and ``many`` (``--boards`` boards, ``--board-rate`` each).
The checks are the load benchmark's: every client gets every seq once and in order,
and every acknowledged seq is in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson

from .load import raise_nofile
from .run import ROOT, Bench, affinity_board, free_port, parse_args, print_table

PG = os.environ.get("GAMESTORM_BENCH_PG", "127.0.0.1:5432")
REDIS = os.environ.get("GAMESTORM_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def psql(sql: str, database: str = "postgres") -> str:
    host, port = PG.rsplit(":", 1)
    done = subprocess.run(
        ["psql", "-h", host, "-p", port, "-U", "postgres", "-d", database, "-At",
         "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.stdout.strip()


class ClusterTarget:
    """N ``gamestorm serve`` processes on one fresh PostgreSQL database and Redis."""

    def __init__(self, size: int, cpus: list[int] | None, workdir: Path) -> None:
        self.kind = f"{size}-proc"
        self.host = "127.0.0.1"
        self.database = "gsbench_" + uuid.uuid4().hex[:10]
        psql(f'CREATE DATABASE "{self.database}"')
        url = f"postgresql://postgres@{PG}/{self.database}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self._ports: list[int] = []
        self.logs: list[Path] = []
        for _ in range(size):
            port = free_port()
            cmd = [
                sys.executable, "-m", "gamestorm.server.cli", "serve", "--port", str(port),
                "--db", url, "--fanout", REDIS, "--log-level", "warning",
                "--joins-per-minute", "1000000", "--commands-per-second", "1000",
                "--boards-per-minute", "1000000", "--sockets-per-token", "1000000",
            ]  # fmt: skip
            if cpus and shutil.which("taskset"):
                cmd = ["taskset", "-c", ",".join(map(str, cpus)), *cmd]
            log = workdir / f"cluster-{port}.log"
            with open(log, "ab") as out:
                self.processes.append(
                    subprocess.Popen(
                        cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, preexec_fn=raise_nofile
                    )  # fmt: skip
                )
            self._ports.append(port)
            self.logs.append(log)
            self._wait(port, self.processes[-1], log)

    @staticmethod
    def _wait(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("server did not come up")

    @property
    def port(self) -> int:
        """Boards are made through the first process (any would do)."""
        return self._ports[0]

    @property
    def ports(self) -> list[int]:
        return self._ports

    @property
    def pid(self) -> int:
        return self.processes[0].pid

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def committed(self, boards: list[dict[str, Any]]) -> dict[int, int]:
        out = {}
        for b, board in enumerate(boards):
            top = psql(
                f"SELECT coalesce(max(seq), 0) FROM events WHERE board_id = '{board['board_id']}'",
                self.database,
            )
            out[b] = int(top)
        return out

    def sync_counts(self) -> dict[str, int]:
        """Appends lost to another process and refusals decided again, over all."""
        out = {"conflicts": 0, "stale_refusals": 0}
        for port in self._ports:
            sync = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()["sync"]
            for key in out:
                out[key] += int(sync.get(key, 0))
        return out

    def stop(self) -> str:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with contextlib.suppress(subprocess.CalledProcessError):
            psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        return "\n".join(log.read_text(errors="replace") for log in self.logs)


class ClusterBench(Bench):
    def start_cluster(self, size: int) -> ClusterTarget:
        return ClusterTarget(size, self.args.server_cpus, self.workdir)

    def stop(self, target: Any) -> None:
        log = target.stop()
        if "Traceback" in log:
            print(f"!! {target.kind} log has a traceback:\n{log[-3000:]}", file=sys.stderr)

    async def storm_on(self, size: int) -> dict[str, Any]:
        a = self.args
        target = self.start_cluster(size)
        try:
            board = await affinity_board(target, a.participants, a.notes, a.columns)
            result = await self.moves(
                target, [board], mode="drive", rate=a.rate, duration=a.duration,
                stalled=a.stalled, batch=a.batch,
            )  # fmt: skip
            result.update(target.sync_counts())
        finally:
            self.stop(target)
        result.update({"rate": a.rate, "duration_s": a.duration, "processes": size})
        return result

    async def many_on(self, size: int) -> dict[str, Any]:
        a = self.args
        target = self.start_cluster(size)
        try:
            gate = asyncio.Semaphore(8)

            async def one() -> dict[str, Any]:
                async with gate:
                    return await affinity_board(target, a.board_participants, 10, 3)

            boards = list(await asyncio.gather(*(one() for _ in range(a.boards))))
            result = await self.moves(
                target, boards, mode="drive", rate=a.board_rate * a.boards,
                duration=a.duration, stalled=0, batch=a.batch,
            )  # fmt: skip
            result.update(target.sync_counts())
        finally:
            self.stop(target)
        result.update({"rate": a.board_rate * a.boards, "processes": size})
        return result

    async def run(self) -> dict[str, Any]:
        a = self.args
        report: dict[str, Any] = {
            "meta": {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(),
                     "loadavg_before": os.getloadavg()},
            "scenarios": {},
        }  # fmt: skip
        for size in a.processes:
            if "storm" in a.cluster_scenarios:
                print(f"-- storm on {size} process(es) ...", flush=True)
                report["scenarios"][f"storm_{size}p"] = await self.storm_on(size)
            if "many" in a.cluster_scenarios:
                print(f"-- many boards on {size} process(es) ...", flush=True)
                report["scenarios"][f"many_{size}p"] = await self.many_on(size)
        report["meta"]["loadavg_after"] = os.getloadavg()
        return report


def main(argv: list[str] | None = None) -> dict[str, Any]:
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--processes", default="1,2", help="comma-separated cluster sizes")
    extra.add_argument("--cluster-scenarios", default="storm,many")
    known, rest = extra.parse_known_args(argv)
    defaults = ["--participants", "1000", "--boards", "40", "--report", "bench-cluster.json",
                "--server-cpus", "none", "--load-cpus", "none", "--workers", "2"]  # fmt: skip
    args = parse_args([*defaults, *rest])
    args.processes = [int(x) for x in known.processes.split(",")]
    args.cluster_scenarios = known.cluster_scenarios.split(",")
    raise_nofile()
    bench = ClusterBench(args)
    try:
        report = asyncio.run(bench.run())
    finally:
        bench.close()
    args.report.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2, default=str))
    print_table(report)
    print(f"report: {args.report}")
    return report


if __name__ == "__main__":
    main()
