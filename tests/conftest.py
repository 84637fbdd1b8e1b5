"""Fixtures: real servers on loopback. Test modules never mock the server or the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.live import LiveServer


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the whole session (boards are independent, so tests share it)."""
    server = LiveServer(tmp_path_factory.mktemp("live") / "gamestorm.db").start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-4000:]


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of the test's own, for restarts and kills."""
    server = LiveServer(tmp_path / "gamestorm.db").start()
    yield server
    server.stop()
