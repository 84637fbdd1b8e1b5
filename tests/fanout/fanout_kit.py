"""What the fan-out tests share: a recorder of deliveries that tests can wait on."""

from __future__ import annotations

import asyncio
from typing import Any

from gamestorm.server.seams import Published

WAIT = 10.0


class Recorder:
    """Collects what a subscription delivers; ``wait(n)`` returns once n have come."""

    def __init__(self) -> None:
        self.batches: list[Published] = []
        self.signals: list[tuple[str, dict[str, Any]]] = []
        self._arrived = asyncio.Event()

    def deliver(self, message: Published) -> None:
        self.batches.append(message)
        self._arrived.set()

    def on_signal(self, origin: str, payload: dict[str, Any]) -> None:
        self.signals.append((origin, payload))
        self._arrived.set()

    async def wait(self, batches: int = 0, signals: int = 0) -> None:
        async with asyncio.timeout(WAIT):
            while len(self.batches) < batches or len(self.signals) < signals:
                self._arrived.clear()
                await self._arrived.wait()


def batch(board_id: str, origin: str, first_seq: int, size: int = 1) -> Published:
    events = tuple({"type": "note_added", "seq": first_seq + i} for i in range(size))
    return Published(board_id, origin, first_seq, events)
