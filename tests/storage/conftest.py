"""Fixtures of the storage tests: every EventLog behaviour on BOTH databases.

``backend_url`` is a fresh SQLite file or a fresh database on the machine's real
PostgreSQL; ``storage``/``other_storage`` are two opened ``Storage`` on it, as two
server processes would hold (separate engines, separate connections, no shared lock).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from gamestorm.server.storage import Storage
from support.databases import fresh_postgres

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'gamestorm.db'}"
    else:
        with fresh_postgres() as url:
            yield url


@pytest.fixture
async def storage(backend_url: str) -> AsyncIterator[Storage]:
    store = Storage(backend_url)
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def other_storage(backend_url: str, storage: Storage) -> AsyncIterator[Storage]:
    """A second process's view of the same database (opened after the first)."""
    store = Storage(backend_url)
    await store.open()
    yield store
    await store.close()
