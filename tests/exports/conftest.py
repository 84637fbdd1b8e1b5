"""Fixtures: closed boards played through the real rules (see export_boards.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from export_boards import play

from gamestorm.games import BoardState


@pytest.fixture(scope="session")
def closed_board() -> BoardState:
    return play(anonymous=True)


@pytest.fixture(scope="session")
def named_board() -> BoardState:
    return play(anonymous=False)


@pytest.fixture(scope="session")
def player() -> Callable[..., BoardState]:
    return play
