"""A careless operator: an in-memory database by accident, the database file deleted.

Nothing may be acknowledged that a restart would not show: a server that cannot keep
what it is told says so (refuses to start, or 503 and error frames), never "ok".
"""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
from reliability_kit import Board, fresh_address, new_id

from support.live import ROOT, LiveServer, free_port


def serve(*args: str, timeout: float = 15) -> subprocess.CompletedProcess[str] | None:
    """Run ``gamestorm serve`` with ``args``; None if it was still serving after ``timeout``."""
    command = [sys.executable, "-m", "gamestorm.server.cli", "serve", "--port", str(free_port())]
    process = subprocess.Popen(
        [*command, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
    )
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None
    return subprocess.CompletedProcess(process.args, process.returncode, out, "")


def test_an_in_memory_database_is_refused_unless_asked_for() -> None:
    for url in ("sqlite+aiosqlite:///", "sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"):
        done = serve("--db", url)
        assert done is not None, f"--db {url} started serving: nothing would be kept"
        assert done.returncode != 0
        assert "in memory" in done.stdout and "--db memory" in done.stdout, done.stdout


def test_db_memory_runs_but_says_nothing_is_kept() -> None:
    done = serve("--db", "memory", timeout=6)
    assert done is None, f"--db memory did not serve: {done.stdout if done else ''}"


async def test_a_deleted_database_file_stops_acknowledging(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = LiveServer(tmp_path / "gone.db").start()
    try:
        board = await Board.open(server)
        await board.join("ana")
        ana = await board.connect("ana")
        facilitator = await board.connect("facilitator")
        await facilitator.ok("phase.advance", **{"from": "ignite"})
        await ana.wait_seq(facilitator.seq)
        await ana.ok("note.create", note_id=new_id(), text="kept")
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            assert (await http.get("/healthz")).status_code == 200
        acked = facilitator.seq
        for suffix in ("", "-wal", "-shm"):
            path = tmp_path / f"gone.db{suffix}"
            if path.exists():
                path.unlink()
        reply = await ana.command("note.create", note_id=new_id(), text="lost?")
        assert reply["type"] != "ack", f"acknowledged with no database file: {reply}"
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            health = await http.get("/healthz")
            assert health.status_code == 503, health.text
            assert health.json()["ok"] is False and "database" in health.json()["message"]
            created = await http.post("/api/boards", json={"title": "t", "prompt": "p"})
            assert created.status_code == 503, created.text
            assert created.json()["error"] == "unavailable"
            joined = await http.post(
                "/api/join",
                json={"join_code": board.join_code, "name": "late"},
                headers={"x-forwarded-for": fresh_address()},
            )
            assert joined.status_code in (503, 429), joined.text
        again = await board.connect("ana")
        reply = await again.command("note.create", note_id=new_id(), text="still lost?")
        assert reply["type"] != "ack", reply
        assert "database" in server.log_text()
        assert acked >= 3
        for client in (ana, facilitator, again):
            await client.close()
    finally:
        server.stop()
