"""The Redis fan-out between two processes: round-trip latency and batches per second.

    python -m bench.fanout_redis                       # a private redis-server
    python -m bench.fanout_redis --url redis://127.0.0.1:6379/0 --batches 20000

Process A (this one) and process B (a child) each run a ``RedisFanout``. Latency: A
publishes a batch on board ``ping``, B publishes it back on ``pong`` when it arrives, A
times the round trip (publish -> Redis -> B -> Redis -> A: two hops), one at a time.
Throughput: A publishes ``--batches`` batches as fast as each PUBLISH returns (one
connection, one command in flight), or from ``--concurrency`` boards at once; B counts
them and signals the time the last one arrived (one clock on one machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import statistics
import time
from multiprocessing.connection import Connection
from typing import Any

from gamestorm.server.fanout_redis import RedisFanout
from gamestorm.server.seams import Published

WAIT = 60.0


def _events(seq: int, size: int) -> tuple[dict[str, Any], ...]:
    """Events about the size of a note being moved (~120 bytes of JSON each)."""
    return tuple(
        {
            "v": 1,
            "type": "note_moved",
            "seq": seq + i,
            "note": f"n{seq + i:08d}",
            "column": "c3",
            "index": 4,
            "by": "p-0123456789",
            "at": 1764700000.123,
        }
        for i in range(size)
    )


# -- process B ---------------------------------------------------------------------------


def _echo_main(url: str, ready: Connection) -> None:
    asyncio.run(_echo(url, ready))


async def _echo(url: str, ready: Connection) -> None:
    """Echo ``ping`` batches to ``pong``; count ``load`` batches and report the last."""
    fanout = RedisFanout(url)
    await fanout.start()
    stop = asyncio.Event()
    counted = {"n": 0, "expected": 0}
    pending: set[asyncio.Task[None]] = set()

    def echo(message: Published) -> None:
        back = Published("pong", "B", message.first_seq, message.events)
        task = asyncio.create_task(fanout.publish(back))
        pending.add(task)
        task.add_done_callback(pending.discard)

    def count(message: Published) -> None:
        counted["n"] += 1
        if counted["n"] == counted["expected"]:
            done = {"done": counted["n"], "at": time.time()}
            task = asyncio.create_task(fanout.signal("pong", "B", done))
            pending.add(task)
            task.add_done_callback(pending.discard)

    def control(origin: str, payload: dict[str, Any]) -> None:
        if "expect" in payload:
            counted.update(n=0, expected=int(payload["expect"]))
        if payload.get("stop"):
            stop.set()

    fanout.subscribe("ping", echo, control)
    for board in ("load", *(f"load-{n}" for n in range(64))):
        fanout.subscribe(board, count)
    await fanout.wait_subscribed("ping")
    for n in range(64):
        await fanout.wait_subscribed(f"load-{n}")
    await fanout.wait_subscribed("load")
    ready.send("ready")
    await stop.wait()
    await fanout.close()


# -- process A ---------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _latency(fanout: RedisFanout, rounds: int, size: int) -> dict[str, float]:
    arrived: asyncio.Queue[Published] = asyncio.Queue()
    subscription = fanout.subscribe("pong", arrived.put_nowait)
    await fanout.wait_subscribed("pong")
    times: list[float] = []
    for n in range(rounds + 50):  # the first 50 warm up
        started = time.perf_counter()
        await fanout.publish(Published("ping", "A", n, _events(n, size)))
        async with asyncio.timeout(WAIT):
            back = await arrived.get()
        assert back.first_seq == n, (back.first_seq, n)
        if n >= 50:
            times.append((time.perf_counter() - started) * 1000)
    subscription.close()
    return {
        "round_trips": rounds,
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(_percentile(times, 0.99), 3),
        "max_ms": round(max(times), 3),
    }


async def _throughput(
    fanout: RedisFanout, batches: int, size: int, concurrency: int
) -> dict[str, float]:
    done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

    def on_signal(origin: str, payload: dict[str, Any]) -> None:
        if "done" in payload and not done.done():
            done.set_result(payload)

    subscription = fanout.subscribe("pong", lambda message: None, on_signal)
    await fanout.wait_subscribed("pong")
    await fanout.signal("ping", "A", {"expect": batches})
    boards = ["load"] if concurrency == 1 else [f"load-{n}" for n in range(concurrency)]
    per_board = batches // len(boards)
    assert per_board * len(boards) == batches, "--batches must divide by --concurrency"

    async def send(board: str) -> None:
        for n in range(per_board):
            await fanout.publish(Published(board, "A", n * size + 1, _events(n * size, size)))

    started_wall, started = time.time(), time.perf_counter()
    await asyncio.gather(*(send(board) for board in boards))
    published = time.perf_counter() - started
    async with asyncio.timeout(WAIT):
        report = await done
    subscription.close()
    elapsed = report["at"] - started_wall
    return {
        "batches": batches,
        "events_per_batch": size,
        "concurrency": concurrency,
        "publish_per_s": round(batches / published),
        "delivered_per_s": round(batches / elapsed),
        "seconds": round(elapsed, 3),
    }


async def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    context = mp.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_echo_main, args=(url, theirs), daemon=True)
    child.start()
    fanout = RedisFanout(url)
    await fanout.start()
    try:
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(None, ours.poll, WAIT)
        if not ok:
            raise RuntimeError("process B did not get ready")
        ours.recv()
        latency = await _latency(fanout, args.rounds, args.size)
        serial = await _throughput(fanout, args.batches, args.size, 1)
        parallel = await _throughput(fanout, args.batches, args.size, args.concurrency)
        await fanout.signal("ping", "A", {"stop": True})
        status = fanout.status()
    finally:
        await fanout.close()
        child.join(10)
        if child.is_alive():
            child.kill()
    return {
        "latency": latency,
        "throughput": serial,
        "throughput_concurrent": parallel,
        "status_a": status,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a Redis to use (default: start a private one)")
    parser.add_argument("--rounds", type=int, default=2000, help="round trips timed")
    parser.add_argument("--batches", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=3, help="events per batch")
    parser.add_argument("--concurrency", type=int, default=8, help="boards sending at once")
    args = parser.parse_args(argv)
    if args.url:
        result = asyncio.run(run(args, args.url))
    else:
        from tests.support.redis_server import PrivateRedis

        with PrivateRedis() as redis:
            result = asyncio.run(run(args, redis.url))
    result["url"] = args.url or "private redis-server"
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
