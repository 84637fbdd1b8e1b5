"""Event versions: a log written by an older Gamestorm still loads, upcast when read.

The log is never rewritten. When the stored form of an event changes, its version in
``CURRENT_VERSIONS`` goes up by one and an upcaster from the old version is added to
``UPCASTERS``; reading applies them in turn (v1 -> v2 -> ... -> current), so each
upcaster only knows the step it was written for. A kind not listed is at version 1.
Pure: dicts in, dicts out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


def _board_created_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 logs were written before a board had a language, a time zone and sharing
    options; ``from_dict`` filled in defaults for them. v2 writes them always, so the
    defaults an old board was played with are stated here once, not inferred forever."""
    return {"language": "en", "timezone": "UTC", "sharing": None, **data}


def _note_moved_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 moves carried no time (``at``): they were made before the packet timeout
    needed one; ``None`` says "unknown", as ``NoteMoved`` reads it."""
    return {"at": None, **data}


#: The version ``append`` writes today, by event kind (a kind not here is at 1).
CURRENT_VERSIONS: dict[str, int] = {
    "board.created": 2,
    "note.moved": 2,
}

#: (kind, from_version) -> the function that turns it into from_version + 1.
UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("board.created", 1): _board_created_v1,
    ("note.moved", 1): _note_moved_v1,
}


class UnknownVersion(ValueError):
    """An event newer than this code, or a version with no upcaster: refuse to guess."""


def current_version(kind: str) -> int:
    return CURRENT_VERSIONS.get(kind, 1)


def upcast(kind: str, version: int, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` as stored at ``version``, brought to the current version of ``kind``."""
    target = current_version(kind)
    if version > target:
        raise UnknownVersion(f"{kind} v{version} is newer than this server (v{target})")
    result = dict(data)
    while version < target:
        step = UPCASTERS.get((kind, version))
        if step is None:
            raise UnknownVersion(f"no upcaster for {kind} v{version}")
        result = step(result)
        version += 1
    return result
