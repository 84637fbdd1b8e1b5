"""Slowloris: connections that dribble request bytes must not take the server down.

1,100 connections each send a request line and then one header byte at a time. Before
issue 16 they held every file descriptor (the server's soft limit was 1,024) and no
normal request got through. Now a request's headers must arrive within a timeout (then
408 and close), one client address holds a bounded number of connections (then 503),
and the server raises its own file-descriptor limit at start.

The dribblers come from 127.0.0.2 to 127.0.0.12 (all of 127/8 is loopback on Linux);
the normal requests come from 127.0.0.1, the address uvicorn trusts as a proxy, which the
per-address cap leaves alone (behind a proxy every client has the proxy's address).
"""

from __future__ import annotations

import asyncio
import resource
import socket
import time
from pathlib import Path

import httpx

from support.live import LiveServer

DRIBBLERS, ADDRESSES, CAP, HEADER_TIMEOUT = 1_100, 11, 60, 3.0


def open_files_limit(pid: int) -> tuple[int, int]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = line.split()[3:5]
            return int(soft), int(hard)
    raise AssertionError("no open files limit")


async def dribbler(port: int, source: str, stop: asyncio.Event) -> bytes:
    """Connect from ``source``, send a request a byte every half second; what came back."""
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setblocking(False)
    try:
        sock.bind((source, 0))
        await asyncio.wait_for(loop.sock_connect(sock, ("127.0.0.1", port)), 10)
        await loop.sock_sendall(sock, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        while not stop.is_set():
            try:
                answer = await asyncio.wait_for(loop.sock_recv(sock, 4096), 0.5)
                return answer or b"closed"
            except TimeoutError:
                pass
            try:
                await loop.sock_sendall(sock, b"a")
            except OSError:
                return b"reset"
        return b"still open"
    except OSError as error:
        return f"error {error.errno}".encode()
    finally:
        sock.close()


async def test_dribbling_connections_do_not_starve_normal_requests(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "GAMESTORM_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "GAMESTORM_CONNECTIONS_PER_ADDRESS": str(CAP),
    }
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard >= DRIBBLERS + 200, "the test needs more file descriptors than this system allows"
    # The server starts as a default system would start it: a soft limit of 1,024.
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        server = LiveServer(tmp_path / "slow.db", env=env).start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the dribblers need it
    try:
        assert server.process is not None
        assert open_files_limit(server.process.pid)[0] == hard, "the limit was not raised"
        stop = asyncio.Event()
        sources = [f"127.0.0.{2 + i % ADDRESSES}" for i in range(DRIBBLERS)]
        tasks = []
        for start in range(0, DRIBBLERS, 100):
            tasks += [
                asyncio.create_task(dribbler(server.port, s, stop))
                for s in sources[start : start + 100]
            ]
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)
        started = time.monotonic()
        statuses = []
        for _ in range(20):
            try:
                async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as http:
                    statuses.append((await http.get("/healthz")).status_code)
            except httpx.HTTPError as error:
                statuses.append(type(error).__name__)
        took = time.monotonic() - started
        await asyncio.sleep(HEADER_TIMEOUT + 1.5)
        stop.set()
        answers = await asyncio.gather(*tasks)
        assert statuses == [200] * 20, statuses
        assert took < 10, took
        refused = sum(a.startswith(b"HTTP/1.1 503") for a in answers)
        timed_out = sum(a.startswith(b"HTTP/1.1 408") for a in answers)
        assert refused >= DRIBBLERS - ADDRESSES * CAP, answers[:5]
        assert refused + timed_out == DRIBBLERS, sorted(set(a[:30] for a in answers))
        assert b"too many connections" in next(a for a in answers if a.startswith(b"HTTP/1.1 503"))
        # and the server is fine afterwards
        async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as http:
            assert (await http.get("/healthz")).status_code == 200
    finally:
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]
