"""Who is online on the other processes serving a board, from their presence signals.

Each process signals its own sockets' set (``{"type": "presence", "online": {viewer
id: role}, "typing": [viewer ids]}``) when it changes and as a heartbeat; a set not
refreshed within ``expiry`` seconds is dropped (its process died or lost the fan-out).
Sans I/O: the room passes ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: At most this many ids per remote set are taken (a bad peer cannot grow memory).
MAX_IDS = 50_000


@dataclass(slots=True)
class _RemoteSet:
    at: float
    online: dict[str, str]
    typing: frozenset[str]


def presence_payload(online: dict[str, str], typing: set[str]) -> dict[str, Any]:
    """The signal a process sends about its own sockets."""
    return {"type": "presence", "online": online, "typing": sorted(typing)}


@dataclass
class RemotePresence:
    expiry: float = 15.0
    _sets: dict[str, _RemoteSet] = field(default_factory=dict)

    def update(self, origin: str, payload: dict[str, Any], now: float) -> tuple[bool, set[str]]:
        """Take a process's set: whether it changed, and the ids that left it. A malformed
        payload is ignored."""
        online, typing = payload.get("online"), payload.get("typing")
        if not isinstance(online, dict) or not isinstance(typing, list):
            return False, set()
        clean = {
            k: v
            for k, v in list(online.items())[:MAX_IDS]
            if isinstance(k, str) and isinstance(v, str)
        }
        old = self._sets.get(origin)
        new = _RemoteSet(now, clean, frozenset(t for t in typing[:MAX_IDS] if isinstance(t, str)))
        self._sets[origin] = new
        if old is None:
            return True, set()
        changed = old.online != new.online or old.typing != new.typing
        return changed, set(old.online) - set(clean)

    def expire(self, now: float) -> set[str]:
        """Drop sets older than ``expiry``; the ids they held."""
        gone: set[str] = set()
        for origin, entry in list(self._sets.items()):
            if now - entry.at > self.expiry:
                gone |= set(entry.online)
                del self._sets[origin]
        return gone

    def online(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for entry in self._sets.values():
            merged.update(entry.online)
        return merged

    def typing(self) -> set[str]:
        out: set[str] = set()
        for entry in self._sets.values():
            out |= entry.typing
        return out

    def __bool__(self) -> bool:
        return bool(self._sets)
