"""The in-process fan-out: one process, or several hubs in one process (the tests).

Always healthy; delivers every message with ``loop.call_soon`` to every subscriber of
its board, the sender's own room included (the room skips its own origin). The default
when no ``--fanout`` URL is configured.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .seams import Deliver, OnSignal, Published


@dataclass(eq=False)
class _LocalSubscription:
    fanout: InProcessFanout
    board_id: str
    deliver: Deliver
    on_signal: OnSignal | None

    def close(self) -> None:
        subs = self.fanout._subscribers.get(self.board_id)
        if subs is not None and self in subs:
            subs.remove(self)
            if not subs:
                del self.fanout._subscribers[self.board_id]


@dataclass
class InProcessFanout:
    kind: str = "in-process"
    #: Tests: this many of the next published messages are lost (gap fill must recover).
    drop_next: int = 0
    #: Tests: False makes the fan-out report itself unhealthy (rooms then poll the log).
    up: bool = True
    published: int = 0
    dropped: int = 0
    _subscribers: dict[str, list[_LocalSubscription]] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return self.up

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._subscribers.clear()

    async def publish(self, message: Published) -> None:
        self.published += 1
        if self.drop_next > 0 or not self.up:
            self.drop_next = max(0, self.drop_next - 1)
            self.dropped += 1
            return
        loop = asyncio.get_running_loop()
        for sub in list(self._subscribers.get(message.board_id, ())):
            loop.call_soon(sub.deliver, message)

    async def signal(self, board_id: str, origin: str, payload: dict[str, Any]) -> None:
        if not self.up:
            return
        loop = asyncio.get_running_loop()
        for sub in list(self._subscribers.get(board_id, ())):
            if sub.on_signal is not None:
                loop.call_soon(sub.on_signal, origin, payload)

    def subscribe(
        self, board_id: str, deliver: Deliver, on_signal: OnSignal | None = None
    ) -> _LocalSubscription:
        sub = _LocalSubscription(self, board_id, deliver, on_signal)
        self._subscribers.setdefault(board_id, []).append(sub)
        return sub

    def status(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "healthy": self.healthy,
            "boards": len(self._subscribers),
            "published": self.published,
        }
