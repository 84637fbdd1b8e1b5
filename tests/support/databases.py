"""Fresh databases on the machine's real PostgreSQL, one per use, dropped afterwards.

PostgreSQL answers on 127.0.0.1:5432 with trust authentication (``.ci/run`` starts it
when it does not); ``GAMESTORM_TEST_PG`` (``host:port``) points elsewhere. ``psql`` does
the admin work, so this works inside and outside an event loop.

``PrivatePostgres`` is a PostgreSQL server of a test's own (initdb in a temporary
directory, a free port), for tests that stop and restart the database under a running
server; the shared one is never restarted.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_ADDRESS = os.environ.get("GAMESTORM_TEST_PG", "127.0.0.1:5432")


def _psql(sql: str, address: str = PG_ADDRESS) -> None:
    host, port = address.rsplit(":", 1)
    subprocess.run(
        [
            "psql",
            "-h",
            host,
            "-p",
            port,
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def postgres_url(name: str, address: str = PG_ADDRESS) -> str:
    return f"postgresql+asyncpg://postgres@{address}/{name}"


@contextmanager
def fresh_postgres(address: str = PG_ADDRESS) -> Iterator[str]:
    """The URL of a new, empty database; dropped (connections and all) afterwards."""
    name = "gs_" + uuid.uuid4().hex[:12]
    _psql(f'CREATE DATABASE "{name}"', address)
    try:
        yield postgres_url(name, address)
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', address)


def _pg_bin(name: str) -> str:
    """A PostgreSQL server program (initdb, pg_ctl): the newest under /usr/lib/postgresql."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path is None:
        raise RuntimeError(f"{name} not found: install postgresql (.ci/run does)")
    return on_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL server of one's own, to stop and restart (trust auth, user postgres).

    ``with PrivatePostgres() as pg: url = pg.url()`` ... ``pg.restart()``. Runs as the
    ``postgres`` user when started as root (PostgreSQL refuses to run as root); the data
    directory is removed afterwards. ``stop`` is a fast shutdown: open connections are
    cut, as in a real restart.
    """

    def __init__(self, port: int | None = None) -> None:
        self.port = port or _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="gs-pg-"))
        self.data = self.root / "data"
        self.running = False
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(_pg_bin("initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres")

    def _run(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if self._as_postgres else list(args)
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, database: str = "postgres") -> str:
        return postgres_url(database, self.address)

    def start(self) -> PrivatePostgres:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False

    def restart(self) -> None:
        self.stop()
        self.start()

    def wait_refusing(self, timeout: float = 10.0) -> None:
        """Until the port takes no connection (after ``stop``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.05)
        raise TimeoutError(f"PostgreSQL on {self.port} still answers")

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh database on this server, as ``fresh_postgres`` gives on the shared one
        (dropped afterwards; the server is started again for that if a test stopped it)."""
        name = "gs_" + uuid.uuid4().hex[:12]
        _psql(f'CREATE DATABASE "{name}"', self.address)
        try:
            yield postgres_url(name, self.address)
        finally:
            if not self.running:
                self.start()
            _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', self.address)

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivatePostgres:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()
