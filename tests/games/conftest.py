"""Fixtures of the rules tests: realistic boards of the default game, one per phase."""

from __future__ import annotations

import warnings

import pytest
from rules_testkit import Board, board_in


@pytest.fixture
def affinity_board() -> Board:
    """Mid-mapping: every note sorted, c-5 still empty (see rules_testkit.board_in)."""
    return board_in("affinity")


@pytest.fixture
def rank_board() -> Board:
    return board_in("rank")


@pytest.fixture
def closed_board() -> Board:
    return board_in("close")


def _import_hypothesis_patch_writer_quietly() -> None:
    """On a failing example Hypothesis writes a patch with libcst, whose import warns
    (mypy_extensions.TypedDict is deprecated). Under ``filterwarnings = error`` that
    warning turns the report of the real failure into an INTERNALERROR; importing it
    here once, with the warning ignored, keeps failure reports readable."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import hypothesis.extra._patching  # noqa: F401
        except ImportError:
            pass


_import_hypothesis_patch_writer_quietly()
