"""Ranking subsets: with many candidates, each participant ranks k of them per criterion.

A subset is drawn greedily: the candidates handed out least so far first (so every
candidate's count stays within one of every other's), ties broken by the fewest pair
meetings with those chosen already (so pairs meet as evenly as the counts allow), then
by a hash of board, participant, criterion and candidate (stable, and no one's subset
depends on the order people asked in beyond those counts).
"""

from __future__ import annotations

import hashlib

from . import events as ev
from .errors import Rejection
from .state import BoardState


def _rank(board_id: str, participant_id: str, criterion: str, candidate: str) -> int:
    text = "\x00".join((board_id, participant_id, criterion, candidate))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def draw(state: BoardState, participant_id: str, criterion: str) -> list[str]:
    """The k candidates ``participant_id`` ranks for ``criterion``."""
    shown = state.subset_shown.get(criterion, {})
    pairs = state.subset_pairs.get(criterion, {})
    remaining = list(state.candidates)
    chosen: list[str] = []
    for _ in range(state.subset_size()):
        best = min(
            remaining,
            key=lambda c: (
                shown.get(c, 0),
                sum(pairs.get(_pair(c, x), 0) for x in chosen),
                _rank(state.board_id, participant_id, criterion, c),
            ),
        )
        chosen.append(best)
        remaining.remove(best)
    return chosen


def request(state: BoardState, participant_id: str) -> list[ev.Event]:
    """``subset.request``: a subset for every criterion the sender has none for yet."""
    if not state.subsets_on():
        raise Rejection("invalid", "this board ranks every candidate; there are no subsets")
    return [
        ev.SubsetAssigned(participant_id, criterion, draw(state, participant_id, criterion))
        for criterion in state.criteria
        if (participant_id, criterion) not in state.subsets
    ]


def expected(state: BoardState, participant_id: str, criterion: str) -> tuple[str, ...]:
    """What one order must be a permutation of: the sender's subset, or every candidate."""
    if not state.subsets_on():
        return state.candidates
    subset = state.subsets.get((participant_id, criterion))
    if subset is None:
        raise Rejection(
            "no_subset",
            f"ask for your candidates first (subset.request); this board ranks subsets of "
            f"{state.subset_size()}",
        )
    return subset
