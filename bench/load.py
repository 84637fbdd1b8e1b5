"""Simulated participants: the per-client bookkeeping and the worker process that runs them.

A ``BenchClient`` speaks the wire contract (hello, commands, acks, events) over the raw
``wsclient`` and checks, per client, that every ``seq`` after its welcome arrives once and
in order; it stamps each event's arrival with ``time.time_ns()`` (one clock for every
process of the machine), so latency is arrival minus the sender's send time.

A worker process runs many clients on one event loop and obeys the coordinator
(``bench.run``) over a pipe: connect, drive (open-loop moves at a rate), flood
(closed-loop moves, for throughput), make_notes, finish (check and measure), close.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import resource
import time
from array import array
from collections.abc import Callable
from multiprocessing.connection import Connection as Pipe
from typing import Any

import orjson

from .wsclient import WSClient, connect, inflate

EVENT_PREFIX = b'{"type":"event","seq":'
EVENTS_PREFIX = b'{"type":"events"'
SEQ_KEY = b'{"seq":'
ACK_PREFIX = b'{"type":"ack"'
REVEALED = b'"kind":"notes.revealed"'
#: Frames held behind a compressed one are read once nothing arrived for this long.
QUIET_NS = 300_000_000


#: Words for note texts that compress like real ones (a run of one letter would make
#: a compressed reveal look ten times smaller than a real one).
WORDS = (
    "mehr Zeit für Kunden weniger Meetings klare Ziele bessere Werkzeuge schnelleres "
    "Feedback gemeinsame Planung offene Kommunikation eigene Verantwortung Weiterbildung "
    "flexible Arbeitszeiten ruhige Räume direkte Wege einfache Prozesse Vertrauen im Team "
    "Austausch mit anderen Abteilungen Entscheidungen schneller treffen digitale Abläufe "
    "weniger Papier mehr Mut Fehler erlaubt bessere Einarbeitung klare Rollen Transparenz "
    "Budget Prioritäten Kundenbesuche Prototypen testen"
).split()


def note_text(participant: int, k: int) -> str:
    """A note of 4 to 11 words after the prompt, the same for the same participant and k."""
    rng = random.Random(participant * 1000 + k)
    return "Ich will " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 11)))


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < want:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def pin(cpus: list[int] | None) -> None:
    if cpus:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, set(cpus))


class BenchClient:
    """One simulated participant (or facilitator) and what it received."""

    def __init__(
        self, board: int, path: str, token: str, *, batch: bool = False, deflate: bool = False
    ) -> None:
        self.board = board
        self.path = path
        self.token = token
        self.batch = batch
        self.deflate = deflate
        #: Frames held from the first compressed one on, in order, with their arrival
        #: times: inflated once the worker is quiet (``drain``), not while frames arrive.
        self.deferred: list[tuple[bytes, bool, int]] | None = None
        self.compressed_frames = 0
        self.last_arrival = 0
        self.ws: WSClient | None = None
        self.welcome: dict[str, Any] | None = None
        self.welcomed: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.base = 0  # seq of the welcome
        self.expected = 1
        self.recv_ns = array("q")  # arrival of seq base+1, base+2, ... (in order only)
        self.missing: set[int] = set()
        self.duplicated = 0
        self.reordered = 0
        self.frames = 0
        self.events = 0
        self.errors: dict[str, int] = {}
        self.error_samples: list[str] = []
        self.revealed_notes: int | None = None
        self.revealed_payload: bytes | None = None
        self.keep_reveal = False
        self.replies: dict[str, Callable[[dict[str, Any], int], None]] = {}
        self.stalled = False

    async def open(self, host: str, port: int, since: int | None) -> None:
        path = self.path + ("?batch=1" if self.batch else "")
        self.ws = await connect(
            host, port, path, self.on_frame, deflate=self.deflate, on_compressed=self.on_compressed
        )
        if self.deflate and not self.ws.extensions.startswith("permessage-deflate"):
            raise RuntimeError(f"permessage-deflate not agreed: {self.ws.extensions!r}")
        hello: dict[str, Any] = {"type": "hello", "token": self.token, "since": since}
        self.ws.send(orjson.dumps(hello))
        await asyncio.wait_for(asyncio.shield(self.welcomed), 60)

    # -- receiving ----------------------------------------------------------------------

    def on_compressed(self, buf: bytes | bytearray, start: int, end: int, now: int) -> None:
        """A compressed frame (a large broadcast): its arrival counts now, its content
        once the worker is quiet. Inflating a thousand copies of a reveal as they come
        (2 ms each) would put two seconds of the load side into the measured latency; a
        phone inflates its own copy."""
        self.compressed_frames += 1
        self.last_arrival = now
        if self.deferred is None:
            self.deferred = []
        self.deferred.append((bytes(buf[start:end]), True, now))

    def on_frame(self, buf: bytes | bytearray, start: int, end: int, now: int) -> None:
        if self.deferred is not None:  # behind a compressed frame: keep the order
            self.last_arrival = now
            self.deferred.append((bytes(buf[start:end]), False, now))
            return
        self.take(buf, start, end, now)

    def drain(self) -> None:
        """Read the frames held behind a compressed one, in order, as of their arrival."""
        held, self.deferred = self.deferred or [], None
        for payload, compressed, now in held:
            data = inflate(payload) if compressed else payload
            self.take(data, 0, len(data), now)

    def take(self, buf: bytes | bytearray, start: int, end: int, now: int) -> None:
        """Event frames are read where they lie (their seqs, not the whole JSON); the rest
        goes to ``on_message``."""
        self.frames += 1
        if buf.startswith(EVENT_PREFIX, start):
            comma = buf.index(b",", start + 22)
            self._event(int(buf[start + 22 : comma]), now, buf, start, end)
            return
        if buf.startswith(EVENTS_PREFIX, start):
            pos = buf.find(SEQ_KEY, start, end)
            while pos >= 0:
                comma = buf.index(b",", pos + 7)
                nxt = buf.find(SEQ_KEY, comma, end)
                # the item alone: without the comma before the next, or the closing "]}"
                stop = nxt - 1 if nxt >= 0 else end - 2
                self._event(int(buf[pos + 7 : comma]), now, buf, pos, stop)
                pos = nxt
            return
        self.on_message(bytes(buf[start:end]), now)

    def on_message(self, payload: bytes, now: int) -> None:
        """A frame other than events: acks, errors, the welcome (and presence)."""
        frame = orjson.loads(payload)
        kind = frame.get("type")
        if kind in ("ack", "error"):
            if kind == "error":
                code = str(frame.get("code"))
                self.errors[code] = self.errors.get(code, 0) + 1
                if len(self.error_samples) < 3:
                    self.error_samples.append(str(frame.get("message"))[:200])
            callback = self.replies.pop(frame.get("cid") or "", None)
            if callback is not None:
                callback(frame, now)
        elif kind == "welcome":
            self.welcome = frame
            if "events" in frame:
                self.base = frame["events"][0]["seq"] - 1 if frame["events"] else frame["seq"]
            else:
                self.base = frame["seq"]
            self.expected = self.base + 1
            for item in frame.get("events", ()):
                self._event(item["seq"], now, b"", 0, 0)
            self.recv_ns = array("q")
            self.base = frame["seq"]
            if not self.welcomed.done():
                self.welcomed.set_result(frame)

    def _event(self, seq: int, now: int, payload: bytes | bytearray, start: int, end: int) -> None:
        self.events += 1
        if seq == self.expected:
            self.expected = seq + 1
            self.recv_ns.append(now)
        elif seq > self.expected:
            self.reordered += 1
            self.missing.update(range(self.expected, seq))
            self.recv_ns.extend(array("q", [0]) * (seq - self.expected))
            self.recv_ns.append(now)
            self.expected = seq + 1
        elif seq in self.missing:
            self.missing.discard(seq)
            self.reordered += 1
            self.recv_ns[seq - self.base - 1] = now
        else:
            self.duplicated += 1
        if end > start and payload.find(REVEALED, start, end) >= 0:
            self.revealed_notes = payload.count(b'"note_id":', start, end)
            if self.keep_reveal:
                self.revealed_payload = bytes(payload[start:end])

    # -- sending ------------------------------------------------------------------------

    def command(
        self, frame: dict[str, Any], on_reply: Callable[[dict[str, Any], int], None] | None = None
    ) -> None:
        assert self.ws is not None
        if on_reply is not None:
            self.replies[frame["cid"]] = on_reply
        self.ws.send(orjson.dumps(frame))

    async def call(self, frame: dict[str, Any], within: float = 30) -> dict[str, Any]:
        """Send a command and wait for its reply."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

        def done(reply: dict[str, Any], _now: int) -> None:
            if not future.done():
                future.set_result(reply)

        self.command(frame, done)
        return await asyncio.wait_for(future, within)

    async def ok(self, frame: dict[str, Any]) -> int:
        reply = await self.call(frame)
        if reply.get("type") != "ack":
            raise RuntimeError(f"{frame['type']} refused: {reply}")
        return int(reply["seq"])

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws.abort()

    @property
    def seq(self) -> int:
        return self.expected - 1


_cids = itertools.count(1)


def cid() -> str:
    return f"b{os.getpid()}-{next(_cids)}"


# -- the worker process ---------------------------------------------------------------


class Worker:
    def __init__(self, index: int) -> None:
        self.index = index
        self.clients: list[BenchClient] = []
        self.host = "127.0.0.1"
        self.port = 0
        self.rng = random.Random(index)

    async def connect(self, spec: dict[str, Any]) -> dict[str, Any]:
        self.host, self.port = spec["host"], spec["port"]
        gate = asyncio.Semaphore(spec.get("concurrency", 50))
        failures: list[str] = []

        async def one(item: dict[str, Any]) -> None:
            client = BenchClient(
                item["board"], item["path"], item["token"],
                batch=spec["batch"], deflate=spec.get("deflate", False),
            )  # fmt: skip
            client.keep_reveal = item.get("keep_reveal", False)
            async with gate:
                try:
                    port = item.get("port", self.port)
                    await client.open(self.host, port, item.get("since"))
                except Exception as exc:  # noqa: BLE001 - reported, not raised
                    failures.append(repr(exc)[:200])
                    return
            if item.get("stalled"):
                client.stalled = True
                assert client.ws is not None
                client.ws.pause_reading()
            self.clients.append(client)

        await asyncio.gather(*(one(item) for item in spec["clients"]))
        return {"connected": len(self.clients), "failures": failures[:5], "failed": len(failures)}

    def _healthy(self) -> list[BenchClient]:
        return [c for c in self.clients if not c.stalled]

    def _move(self, client: BenchClient, boards: dict[int, dict[str, list[str]]]) -> dict[str, Any]:
        board = boards[client.board]
        return {
            "type": "note.move",
            "cid": cid(),
            "note_id": self.rng.choice(board["notes"]),
            "column_id": self.rng.choice(board["columns"]),
            "index": self.rng.randrange(0, 1000),
        }

    async def drive(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Open loop: moves at ``rate`` a second from random healthy clients."""
        boards = {int(k): v for k, v in spec["boards"].items()}
        senders = self._healthy()
        sendmap: dict[int, dict[int, int]] = {}
        ack_us = array("i")
        pending = 0
        sent = 0
        done = asyncio.Event()

        def replied(send_ns: int, board: int) -> Callable[[dict[str, Any], int], None]:
            def on_reply(reply: dict[str, Any], now: int) -> None:
                nonlocal pending
                pending -= 1
                if reply.get("type") == "ack":
                    seqs = sendmap.setdefault(board, {})
                    seq = reply["seq"]
                    if seq not in seqs or seqs[seq] > send_ns:
                        seqs[seq] = send_ns
                    ack_us.append((now - send_ns) // 1000)
                if pending == 0 and stopped:
                    done.set()

            return on_reply

        stopped = False
        rate = spec["rate"]
        start = spec["start_ns"]
        end = start + int(spec["duration"] * 1e9)
        interval = 1e9 / rate if rate > 0 else 0
        offset = spec.get("phase", 0.0) * interval
        loop = asyncio.get_running_loop()
        i = 0
        while rate > 0 and senders:
            due = start + int(offset + i * interval)
            if due >= end:
                break
            delay = (due - time.time_ns()) / 1e9
            if delay > 0.0005:
                await asyncio.sleep(delay)
            client = self.rng.choice(senders)
            now = time.time_ns()
            frame = self._move(client, boards)
            pending += 1
            sent += 1
            client.command(frame, replied(now, client.board))
            i += 1
        stopped = True
        if pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), spec.get("ack_timeout", 30))
        del loop
        return {"sent": sent, "unanswered": pending, "sendmap": sendmap, "ack_us": ack_us.tobytes()}

    async def flood(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Closed loop: ``senders`` clients each keep ``window`` moves in flight."""
        boards = {int(k): v for k, v in spec["boards"].items()}
        senders = self._healthy()[: spec["senders"]]
        end = spec["start_ns"] + int(spec["duration"] * 1e9)
        sendmap: dict[int, dict[int, int]] = {}
        ack_us = array("i")
        sent = 0
        pending = 0
        all_done = asyncio.Event()

        def fire(client: BenchClient) -> None:
            nonlocal sent, pending
            send_ns = time.time_ns()
            if send_ns >= end:
                if pending == 0:
                    all_done.set()
                return
            sent += 1
            pending += 1

            def on_reply(reply: dict[str, Any], now: int) -> None:
                nonlocal pending
                pending -= 1
                if reply.get("type") == "ack":
                    seqs = sendmap.setdefault(client.board, {})
                    seq = reply["seq"]
                    if seq not in seqs or seqs[seq] > send_ns:
                        seqs[seq] = send_ns
                    ack_us.append((now - send_ns) // 1000)
                fire(client)

            client.command(self._move(client, boards), on_reply)

        delay = (spec["start_ns"] - time.time_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        for client in senders:
            for _ in range(spec["window"]):
                fire(client)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_done.wait(), spec["duration"] + spec.get("ack_timeout", 30))
        return {"sent": sent, "unanswered": pending, "sendmap": sendmap, "ack_us": ack_us.tobytes()}

    async def make_notes(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Each participant connects, writes its notes (acked), and leaves, a few at a time."""
        host, port = spec["host"], spec["port"]
        known = spec["since"]
        gate = asyncio.Semaphore(spec.get("concurrency", 10))
        made: list[str] = []
        errors: list[str] = []

        async def one(item: dict[str, Any]) -> None:
            nonlocal known
            async with gate:
                client = BenchClient(0, item["path"], item["token"])
                try:
                    await client.open(host, port, known)
                    replies = [
                        client.call(
                            {
                                "type": "note.create",
                                "cid": cid(),
                                "note_id": f"n{item['n']}-{k}",
                                "text": note_text(item["n"], k),
                            }
                        )
                        for k in range(spec["notes"])
                    ]
                    for reply in await asyncio.gather(*replies):
                        if reply.get("type") == "ack":
                            known = max(known, reply["seq"])
                        else:
                            errors.append(str(reply)[:200])
                    made.extend(f"n{item['n']}-{k}" for k in range(spec["notes"]))
                except Exception as exc:  # noqa: BLE001 - reported
                    errors.append(repr(exc)[:200])
                finally:
                    client.close()

        await asyncio.gather(*(one(item) for item in spec["clients"]))
        return {"made": len(made), "errors": errors[:5], "error_count": len(errors)}

    async def finish(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Wait for every healthy client to reach its board's final seq, then measure."""
        finals = {int(k): v for k, v in spec["final"].items()}
        healthy = self._healthy()
        deadline = time.monotonic() + spec.get("timeout", 30)
        while time.monotonic() < deadline:
            held = [c for c in healthy if c.deferred]
            if held:
                quiet_ns = time.time_ns() - max(c.last_arrival for c in held)
                if quiet_ns > QUIET_NS or deadline - time.monotonic() < 2:
                    for c in held:
                        c.drain()
            elif all(c.seq >= finals.get(c.board, 0) for c in healthy):
                break
            await asyncio.sleep(0.05)
        for c in healthy:
            c.drain()
        sendmaps = {int(k): v for k, v in spec["sendmap"].items()}
        lat_us = array("i")
        w0, w1 = spec.get("window", (0, 0))
        in_window = 0
        lost = dup = reordered = 0
        errors: dict[str, int] = {}
        samples: list[str] = []
        reveal_counts: dict[int, int] = {}
        reveal_payloads: list[bytes] = []
        for c in healthy:
            final = finals.get(c.board, 0)
            c_lost = len(c.missing) + max(0, final - c.seq)
            lost += c_lost
            dup += c.duplicated
            reordered += c.reordered
            for code, n in c.errors.items():
                errors[code] = errors.get(code, 0) + n
            samples.extend(c.error_samples[:1])
            sends = sendmaps.get(c.board, {})
            base = c.base
            for i, t in enumerate(c.recv_ns):
                if t == 0:
                    continue
                if w0 <= t < w1:
                    in_window += 1
                sent = sends.get(base + 1 + i)
                if sent is not None:
                    lat_us.append((t - sent) // 1000)
            if c.revealed_notes is not None:
                reveal_counts[c.revealed_notes] = reveal_counts.get(c.revealed_notes, 0) + 1
            if c.revealed_payload is not None:
                reveal_payloads.append(c.revealed_payload)
        stalled = [c for c in self.clients if c.stalled]
        return {
            "clients": len(healthy),
            "lost": lost,
            "duplicated": dup,
            "reordered": reordered,
            "lat_us": lat_us.tobytes(),
            "deliveries_in_window": in_window,
            "events_received": sum(c.events for c in healthy),
            "frames_received": sum(c.frames for c in healthy),
            "errors": errors,
            "error_samples": samples[:3],
            "reveal_counts": reveal_counts,
            "reveal_payloads": reveal_payloads[:1],
            "compressed_frames": sum(c.compressed_frames for c in healthy),
            "stalled": len(stalled),
            "stalled_cut_off": sum(1 for c in stalled if c.ws is not None and c.ws.closed.done()),
        }

    async def close(self, _spec: dict[str, Any]) -> dict[str, Any]:
        for c in self.clients:
            c.close()
        await asyncio.sleep(0.1)
        self.clients.clear()
        return {}


async def _serve(pipe: Pipe, index: int) -> None:
    worker = Worker(index)
    loop = asyncio.get_running_loop()
    while True:
        op, spec = await loop.run_in_executor(None, pipe.recv)
        if op == "stop":
            pipe.send(("ok", {}))
            return
        try:
            result = await getattr(worker, op)(spec)
            pipe.send(("ok", result))
        except Exception as exc:  # noqa: BLE001 - the coordinator reports it
            import traceback

            pipe.send(("error", traceback.format_exc()[-3000:] + repr(exc)))


def worker_main(pipe: Pipe, index: int, cpus: list[int] | None) -> None:
    pin(cpus)
    raise_nofile()
    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_serve(pipe, index))
