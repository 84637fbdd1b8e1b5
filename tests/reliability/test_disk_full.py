"""A full disk: writes fail with a clear error, nothing is half-applied, and the board
carries on by itself once there is room again.

The database lives on a tmpfs of its own (``mount -t tmpfs -o size=...``, so this test
needs root; it is skipped otherwise), which a filler file then fills to the last byte.
Then every command that would write gets an error frame ``unavailable`` with its
``cid`` and a message to retry, the sockets stay open, joins and new boards get
``503 unavailable``, and what the server holds in memory stays what the log holds (a
fresh client sees no trace of the refused commands). Once the filler is deleted the same
commands, resent, are acknowledged, without a restart.

A read-only database takes the same path (SQLite's ``attempt to write a readonly
database`` is an ``OperationalError`` too) but is not tested here: a tmpfs cannot be
remounted read-only while the server holds the database open for writing (EBUSY), and
root ignores file modes.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from reliability_kit import Board, db_events, db_state, fresh_address, join_from

from support.live import LiveServer

TEXT = "voll " * 199


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Fill the disk to the last byte with one file; return it (delete it to make room)."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):  # unbuffered: every byte the disk takes
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


async def test_a_full_disk_refuses_cleanly_and_recovers(small_disk: Path) -> None:
    server = LiveServer(small_disk / "board.db", env={"GAMESTORM_COMMANDS_PER_SECOND": "100000"})
    server.log_path = small_disk.parent / "server.log"
    server.start()
    try:
        board = await Board.open(server)
        await board.join("Ann", "Ben")
        fac, ann = await board.connect("facilitator"), await board.connect("Ann")
        await fac.ok("phase.advance", **{"from": "ignite"})
        filler = fill(small_disk)

        # write until the disk says no (SQLite may still have free pages at first)
        refused = None
        for i in range(2000):
            reply = await fac.command("prompt.set", text=f"{i} {TEXT}")
            if reply["type"] == "error":
                refused = reply
                break
        assert refused is not None, "the full disk never refused a write"
        assert refused["code"] == "unavailable", refused
        assert refused["cid"] and "try again" in refused["message"].lower(), refused
        note = await ann.command("note.create", note_id="while-full", text="kept later")
        assert note["type"] == "error" and note["code"] == "unavailable", note
        assert fac.closed is None and ann.closed is None, "a failed write closed sockets"

        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            created = await http.post("/api/boards", json={"title": "new"})
            assert created.status_code == 503, created.text
            assert created.json()["error"] == "unavailable"
        joined = await join_from(server.base_url, board.join_code, "Cem", fresh_address())
        assert joined.status_code == 503 and joined.json()["error"] == "unavailable", joined.text

        # memory is what the log holds: a fresh client sees none of the refused commands
        fresh = await board.connect("Ben", since=None)
        assert fresh.welcome is not None
        logged = db_events(server.db_path, board.board_id)
        assert fresh.welcome["seq"] == len(logged) == logged[-1][0]
        assert all(n["id"] != "while-full" for n in fresh.welcome["state"]["notes"])
        assert fresh.welcome["state"]["prompt"] == db_state(server.db_path, board.board_id).prompt
        await fresh.close()

        # room again: the same commands, resent, go through; no restart
        filler.unlink()
        assert (await ann.ok("note.create", note_id="while-full", text="kept later")) > 0
        assert await fac.ok("prompt.set", text="after the disk had room") > 0
        joined = await join_from(server.base_url, board.join_code, "Cem", fresh_address())
        assert joined.status_code == 201, joined.text
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            assert (await http.post("/api/boards", json={"title": "new"})).status_code == 201
        assert fac.closed is None and ann.closed is None
        assert not fac.order_errors and not ann.order_errors
        state = db_state(server.db_path, board.board_id)
        assert "while-full" in state.notes and state.prompt == "after the disk had room"
        assert [seq for seq, _ in db_events(server.db_path, board.board_id)] == list(
            range(1, state.seq + 1)
        )
        await fac.close()
        await ann.close()
        log = server.log_text()
        assert "Traceback" not in log, log[-3000:]
        assert "database or disk is full" in log, "the operator is told why"
    finally:
        server.stop()
