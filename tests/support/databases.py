"""Fresh databases on the machine's real PostgreSQL, one per use, dropped afterwards.

PostgreSQL answers on 127.0.0.1:5432 with trust authentication (``.ci/run`` starts it
when it does not); ``GAMESTORM_TEST_PG`` (``host:port``) points elsewhere. ``psql`` does
the admin work, so this works inside and outside an event loop.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

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
