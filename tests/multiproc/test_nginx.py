"""docs/deploy/nginx.conf as written, in front of two server processes (issue 13).

No sticky sessions: people joining through nginx land on both processes, see each
other's notes, and keep working through nginx when one process dies.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.cluster import Cluster, health, resume
from support.databases import fresh_postgres
from support.live import ROOT, LiveServer, free_port
from support.redis_server import PrivateRedis
from support.wsclient import BoardClient, create_board, join

pytestmark = pytest.mark.timeout(180)

CONFIG = ROOT / "docs" / "deploy" / "nginx.conf"


def site_config(ports: list[int], listen: int) -> str:
    """The documented site with this test's addresses put in."""
    text = CONFIG.read_text()
    upstream = "".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in ports
    )
    text, n = re.subn(r"(    server 127\.0\.0\.1:\d+ [^\n]*\n)+", upstream, text, count=1)
    assert n == 1, "the documented upstream block moved"
    text, n = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", text)
    assert n == 1
    return text


class Nginx:
    def __init__(self, workdir: Path, site: str) -> None:
        self.workdir = workdir
        self.port = int(re.search(r"listen 127\.0\.0\.1:(\d+);", site).group(1))  # type: ignore[union-attr]
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "logs").mkdir(exist_ok=True)
        (workdir / "nginx.conf").write_text(
            "user root;\n"
            f"pid {workdir}/nginx.pid;\n"
            f"error_log {workdir}/logs/error.log warn;\n"
            "worker_processes 1;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            f"  access_log {workdir}/logs/access.log;\n"
            f"  client_body_temp_path {workdir}/body;\n"
            f"  proxy_temp_path {workdir}/proxy;\n"
            f"  fastcgi_temp_path {workdir}/fastcgi;\n"
            f"  uwsgi_temp_path {workdir}/uwsgi;\n"
            f"  scgi_temp_path {workdir}/scgi;\n"
            f"{site}\n"
            "}\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        conf = str(self.workdir / "nginx.conf")
        check = subprocess.run([binary, "-t", "-p", str(self.workdir), "-c", conf],
                               capture_output=True, text=True)  # fmt: skip
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            [binary, "-p", str(self.workdir), "-c", conf, "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not come up")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def behind_nginx(tmp_path: Path) -> Iterator[tuple[Cluster, LiveServer]]:
    redis = PrivateRedis()
    redis.start()
    with fresh_postgres() as db_url:
        nodes = Cluster(tmp_path, db_url, redis.url, size=2).start()
        nginx = Nginx(tmp_path / "nginx", site_config([s.port for s in nodes.servers], free_port()))
        nginx.start()
        # What the clients talk to: nginx, as if it were one server.
        front = LiveServer(tmp_path / "front.db", port=nginx.port)
        try:
            yield nodes, front
        finally:
            nginx.stop()
            nodes.stop()
            redis.stop()


async def test_people_spread_over_two_processes_through_nginx(
    behind_nginx: tuple[Cluster, LiveServer],
) -> None:
    nodes, front = behind_nginx
    board = await create_board(front.base_url)
    facilitator = await BoardClient.connect(
        front.ws_url, board["board_id"], board["facilitator_token"], name="facilitator"
    )
    people: list[tuple[str, BoardClient]] = []
    for i in range(8):
        joined = await join(front.base_url, board["join_code"], f"P{i}")
        client = await BoardClient.connect(front.ws_url, board["board_id"], joined["token"])
        people.append((joined["token"], client))
    # least_conn spread the sockets: both processes hold the board live.
    for server in nodes.servers:
        assert (await health(server))["boards_live"] >= 1
    await facilitator.ok("phase.advance", **{"from": "ignite"})
    for i, (_, client) in enumerate(people):
        await client.ok("note.create", note_id=f"n{i}", text=f"Idee {i}")
    await facilitator.ok("phase.advance", **{"from": "generate"})
    top = facilitator.seq
    for _, client in people:
        await client.wait_seq(top)
        assert client.state is not None and len(client.state.notes) == 8
        assert client.order_errors == []

    # One process dies: its people come back through nginx, on the other one.
    nodes.servers[1].kill()
    await asyncio.sleep(0.2)
    if facilitator.closed is not None:
        facilitator = await resume(
            facilitator, front, board["board_id"], board["facilitator_token"]
        )
    moved = []
    for i, (token, client) in enumerate(people):
        if client.closed is not None:
            client = await resume(client, front, board["board_id"], token)
            people[i] = (token, client)
            moved.append(i)
        await client.ok("column.create", column_id=f"c{i}")
    assert moved, "someone had been on the killed process"
    await facilitator.wait_seq(top + len(people))
    for _, client in people:
        await client.wait_seq(facilitator.seq)
        assert client.order_errors == []
        assert client.state is not None and len(client.state.columns) == len(people)
    await asyncio.gather(facilitator.close(), *(c.close() for _, c in people))
