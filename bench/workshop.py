"""A whole workshop of a thousand over the wire (issue 12): ``python -m bench.workshop``.

One server process (as ``bench.run`` starts it), one client process running every
participant on one event loop with the light client of ``bench.wsclient`` (``?batch=1``,
as the browser connects). The phases:

- join: N participants join over HTTP and connect;
- generate: each writes ``--notes-each`` notes (5,000 for 1,000 people);
- affinity: the facilitator makes ``--columns`` columns; every participant asks for
  packets and places each note of theirs in its true column (``note i -> column i mod
  C``), packet after packet, then confirms second-look packets until none is left;
- name: the facilitator names every column;
- rank: each participant asks for their subset (k = ``--subset-size``) and orders it by a
  true order (column 0 best) plus seeded Gaussian noise (``--noise``, in places);
- close: results computed; the JSON export fetched.

It reports each phase's duration and server CPU seconds, frames and events per client,
and the recovered top 3 against the truth.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson

from .load import BenchClient, cid
from .run import ROOT, free_port, proc_cpu_seconds, raise_nofile


class Person(BenchClient):
    """A participant who keeps track of their own packet and subset from their events.

    The public variant of a packet event has ``holder`` null, so only frames that carry
    this participant's id are parsed in full: one scan per frame, no JSON for the rest.
    """

    def __init__(self, path: str, token: str) -> None:
        super().__init__(0, path, token, batch=True)
        self.me = b""
        self.packet: dict[str, Any] | None = None
        self.waiting = False
        self.subsets: dict[str, list[str]] = {}
        self.counts: dict[str, Any] = {}
        self.changed = asyncio.Event()

    def take(self, buf: bytes | bytearray, start: int, end: int, now: int) -> None:
        super().take(buf, start, end, now)
        if buf.startswith(b'{"type":"presence"', start):
            self.counts = orjson.loads(buf[start:end]).get("counts", {})
            return
        if (
            self.me
            and buf.startswith(b'{"type":"event', start)
            and buf.find(self.me, start, end) >= 0
        ):
            frame = orjson.loads(buf[start:end])
            items = frame["events"] if frame["type"] == "events" else [frame]
            for item in items:
                self._own(item["event"])

    def _own(self, event: dict[str, Any]) -> None:
        kind = event["kind"]
        me = self.me.decode()[1:-1]
        if kind == "packet.assigned" and event["holder"] == me:
            self.packet = event
            self.waiting = False
        elif kind == "packet.returned" and event["holder"] == me:
            if self.packet is not None and self.packet["packet_id"] == event["packet_id"]:
                self.packet = None
        elif kind == "packet.requested" and event["participant_id"] == me:
            self.waiting = True
        elif kind == "subset.assigned" and event["participant_id"] == me:
            self.subsets[event["criterion"]] = event["candidates"]
        self.changed.set()

    async def open(self, host: str, port: int, since: int | None) -> None:
        await super().open(host, port, since)
        assert self.welcome is not None
        self.me = b'"' + self.welcome["you"]["id"].encode() + b'"'


class Server:
    """``gamestorm serve`` on a free port with its own SQLite file, like bench.run's."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        db = workdir / "workshop.db"
        cmd = [
            sys.executable, "-m", "gamestorm.server.cli", "serve", "--port", str(self.port),
            "--db", f"sqlite+aiosqlite:///{db}", "--log-level", "warning",
            "--joins-per-minute", "1000000", "--commands-per-second", "1000",
            "--outbox-limit", "100000",
        ]  # fmt: skip
        self.log = workdir / "server.log"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, preexec_fn=raise_nofile
            )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        raise RuntimeError(self.log.read_text()[-2000:])

    def cpu(self) -> float:
        return proc_cpu_seconds(self.process.pid)

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return self.log.read_text(errors="replace")


async def gather_limited(n: int, jobs: list[Callable[[], Any]]) -> list[Any]:
    gate = asyncio.Semaphore(n)

    async def one(job: Callable[[], Any]) -> Any:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def sort_notes(person: Person, column_of: Callable[[str], str]) -> dict[str, int]:
    """Ask for packets and place (or confirm) them until nothing is left for this person."""
    done = {"sort": 0, "review": 0}
    idle_rounds = 0
    while True:
        if person.packet is None:
            person.changed.clear()
            await person.ok({"type": "packet.request", "cid": cid()})
        packet = person.packet
        if packet is None:
            counts = person.counts
            if not person.waiting or (
                counts.get("packets_open") == 0 and counts.get("placed") == counts.get("notes")
            ):
                return done
            idle_rounds += 1
            if idle_rounds > 600:
                return done
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(person.changed.wait(), 0.5)
            continue
        if packet["pass"] == "review":
            await person.ok(
                {"type": "packet.confirm", "cid": cid(), "packet_id": packet["packet_id"]}
            )
        else:
            for note_id in packet["note_ids"]:
                frame = {"type": "note.move", "cid": cid(), "note_id": note_id}
                await person.ok({**frame, "column_id": column_of(note_id)})
        done[packet["pass"]] += 1
        if person.packet is not None and person.packet["packet_id"] == packet["packet_id"]:
            person.packet = None  # someone else placed the last note: done meanwhile


async def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="workshop-"))
    server = Server(workdir)
    phases: dict[str, dict[str, float]] = {}
    mark = {"t": time.monotonic(), "cpu": server.cpu()}

    def phase(name: str) -> None:
        now, cpu = time.monotonic(), server.cpu()
        phases[name] = {
            "seconds": round(now - mark["t"], 2),
            "server_cpu_seconds": round(cpu - mark["cpu"], 2),
        }
        mark.update(t=now, cpu=cpu)
        print(f"  {name}: {phases[name]}", flush=True)

    n, columns, k = args.participants, args.columns, args.subset_size
    try:
        async with httpx.AsyncClient(base_url=server.base, timeout=120) as http:
            body = {
                "title": "Workshop of a thousand",
                "prompt": "Ich will ___",
                "criteria": ["impact"],
                "top_n": 3,
                "max_columns": max(columns, 1),
                "subset_size": k,
                "packets_from": args.packets_from,
            }
            created = (await http.post("/api/boards", json=body)).json()
            board_id, code = created["board_id"], created["join_code"]
            path = f"/ws/{board_id}"

            async def join(i: int) -> str:
                r = await http.post("/api/join", json={"join_code": code, "name": f"P{i}"})
                return str(r.json()["token"])

            tokens = await gather_limited(32, [lambda i=i: join(i) for i in range(n)])
            fac = Person(path, created["facilitator_token"])
            await fac.open("127.0.0.1", server.port, 0)
            people = [Person(path, t) for t in tokens]
            await gather_limited(
                64, [lambda p=p: p.open("127.0.0.1", server.port, 0) for p in people]
            )
            phase("join")

            async def advance(current: str) -> None:
                await fac.ok({"type": "phase.advance", "cid": cid(), "from": current})

            await advance("ignite")
            note_column: dict[str, str] = {}

            async def write(i: int, person: Person) -> None:
                for j in range(args.notes_each):
                    note_id = f"n{i}-{j}"
                    note_column[note_id] = f"col-{(i * args.notes_each + j) % columns}"
                    await person.ok(
                        {
                            "type": "note.create",
                            "cid": cid(),
                            "note_id": note_id,
                            "text": f"Idee {i}/{j}",
                        }
                    )

            await asyncio.gather(*(write(i, p) for i, p in enumerate(people)))
            phase("generate")

            await advance("generate")
            await asyncio.gather(
                *(
                    fac.ok({"type": "column.create", "cid": cid(), "column_id": f"col-{c}"})
                    for c in range(columns)
                )
            )
            work = await asyncio.gather(*(sort_notes(p, note_column.__getitem__) for p in people))
            await asyncio.sleep(0.5)
            for _ in range(100):  # a few notes may wait in packets of the idle
                unsorted = [p for p in people if p.packet is not None]
                if not unsorted:
                    break
                await asyncio.gather(*(sort_notes(p, note_column.__getitem__) for p in unsorted))
            affinity_counts = dict(fac.counts)
            phase("affinity")

            await advance("affinity")
            await asyncio.gather(
                *(
                    fac.ok(
                        {
                            "type": "column.name",
                            "cid": cid(),
                            "column_id": f"col-{c}",
                            "name": f"Thema {c}",
                        }
                    )
                    for c in range(columns)
                )
            )
            phase("name")

            await advance("name")

            async def rank(i: int, person: Person) -> None:
                await person.ok({"type": "subset.request", "cid": cid()})
                subset = person.subsets.get("impact")
                if subset is None:  # subsets off (few candidates): the whole list
                    subset = [f"col-{c}" for c in range(columns)]
                noise = random.Random(args.seed * 100_003 + i)
                order = sorted(subset, key=lambda c: int(c[4:]) + noise.gauss(0, args.noise))
                await person.ok(
                    {"type": "ranking.submit", "cid": cid(), "criterion": "impact", "order": order}
                )

            await asyncio.gather(*(rank(i, p) for i, p in enumerate(people)))
            phase("rank")

            await advance("rank")
            export = await http.get(
                f"/api/boards/{board_id}/export.json",
                headers={"Authorization": f"Bearer {created['facilitator_token']}"},
            )
            report = export.json()
            phase("close_and_export")
        frames = sorted(p.frames for p in people)
        events = sorted(p.events for p in people)
        candidates = report.get("candidates", [])
        ranked = sorted(
            (c for c in candidates if c.get("place") is not None), key=lambda c: c["place"]
        )
        top3 = [c["column_id"] for c in ranked[:3]]
        truth = [f"col-{c}" for c in range(3)]
        result = {
            "participants": n,
            "notes": n * args.notes_each,
            "columns": columns,
            "subset_size": k,
            "noise": args.noise,
            "phases": phases,
            "total_seconds": round(sum(p["seconds"] for p in phases.values()), 2),
            "server_cpu_seconds": round(sum(p["server_cpu_seconds"] for p in phases.values()), 2),
            "frames_per_client": {"median": frames[len(frames) // 2], "max": frames[-1]},
            "events_per_client": {"median": events[len(events) // 2], "max": events[-1]},
            "packets": {
                "sort": sum(w["sort"] for w in work),
                "review": sum(w["review"] for w in work),
                "counts_at_end_of_affinity": affinity_counts,
            },
            "lost_or_reordered": sum(len(p.missing) + p.duplicated for p in people),
            "errors": {
                code: sum(p.errors.get(code, 0) for p in people)
                for code in {c for p in people for c in p.errors}
            },
            "top3": top3,
            "truth_top3": truth,
            "top3_recovered": top3 == truth,
            "top3_overlap": len(set(top3) & set(truth)),
            "export_bytes": len(export.content),
        }
        for p in [fac, *people]:
            p.close()
        return result
    finally:
        log = server.stop()
        if "Traceback" in log:
            print(log[-3000:], file=sys.stderr)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--notes-each", type=int, default=5)
    parser.add_argument("--columns", type=int, default=40)
    parser.add_argument("--subset-size", type=int, default=7)
    parser.add_argument("--noise", type=float, default=3.0, help="std dev of the noise, in places")
    parser.add_argument("--packets-from", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", type=Path, help="write the report as JSON here")
    args = parser.parse_args(argv)
    with contextlib.suppress(OSError):
        os.nice(0)
    print(
        f"workshop: {args.participants} participants, {args.participants * args.notes_each} notes, "
        f"{args.columns} columns, subsets of {args.subset_size}",
        flush=True,
    )
    result = asyncio.run(run(args))
    print(json.dumps(result, indent=2))
    if args.report:
        args.report.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
