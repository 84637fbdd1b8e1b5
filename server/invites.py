"""A facilitator invite as stored, and what a redeem of it finds (pure, no I/O).

The invites themselves live in the database (``Storage.add_invite``/``take_invite``), so
a redeem may reach any server process; only the hash of a code is kept.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Invite:
    board_id: str
    expires_at: float
    used: bool = False


def invite_status(invite: Invite | None, board_id: str | None, now: float) -> str:
    """``ok``, ``unknown`` (no such code for this board, or for any board if ``board_id``
    is None: a code typed by hand), ``used`` or ``expired``."""
    if invite is None or (board_id is not None and invite.board_id != board_id):
        return "unknown"
    if invite.used:
        return "used"
    if now >= invite.expires_at:
        return "expired"
    return "ok"
