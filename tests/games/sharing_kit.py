"""Boards for the work sharing tests (issue 12): many notes, many columns, many people.

Built only through parse/handle/apply (``rules_testkit.Board``), like every rules board.
"""

from __future__ import annotations

from typing import Any

from rules_testkit import FACILITATOR, Board

from gamestorm.games import Actor, Event, to_dict
from gamestorm.games.redaction import redact

PACKET_KINDS = frozenset({"packet.assigned", "packet.returned", "packet.requested"})


def people(n: int) -> list[Actor]:
    return [Actor(f"p{i}", "participant") for i in range(n)]


def affinity_board(
    *,
    writers: int = 4,
    notes_each: int = 6,
    helpers: int = 0,
    anonymous: bool = True,
    **sharing: Any,
) -> tuple[Board, list[Actor]]:
    """A board in affinity: ``writers`` wrote ``notes_each`` notes each (ids ``n-<w>-<i>``),
    ``helpers`` more joined later to sort only. Returns the board and every participant."""
    board = Board(anonymous=anonymous, sharing=sharing)
    everyone = people(writers + helpers)
    for actor in everyone:
        board.join(actor)
    board.advance()  # generate
    for w, actor in enumerate(everyone[:writers]):
        for i in range(notes_each):
            board.note(actor, f"n-{w}-{i}", f"Idee {w}/{i}")
    board.advance()  # affinity
    assert board.state.phase.type == "affinity"
    return board, everyone


def request(board: Board, actor: Actor) -> list[Event]:
    return board.send(actor, {"type": "packet.request"})


def held(board: Board, actor: Actor) -> list[str]:
    """The note ids of ``actor``'s open packet (empty without one)."""
    packet_id = board.state.packet_of_holder.get(actor.id)
    return list(board.state.packets[packet_id].note_ids) if packet_id else []


def ranking_board(
    *, candidates: int, participants: int, criteria: tuple[str, ...] = ("impact",), **sharing: Any
) -> tuple[Board, list[Actor]]:
    """A board in rank with ``candidates`` columns (one note each) and ``participants``."""
    board = Board(criteria=criteria, top_n=3, sharing=sharing)
    everyone = people(participants)
    for actor in everyone:
        board.join(actor)
    board.advance()
    for c in range(candidates):
        board.note(everyone[c % participants], f"n{c}", f"Idee {c}")
    board.advance()
    for c in range(candidates):
        board.column(FACILITATOR, f"k{c}")
        board.move(FACILITATOR, f"n{c}", f"k{c}")
    board.advance()
    board.name_all()
    board.advance()
    assert board.state.phase.type == "rank"
    return board, everyone


def public_variant(event: Event, anonymous: bool = True) -> dict[str, Any]:
    return redact(to_dict(event), anonymous).public
