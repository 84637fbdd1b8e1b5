"""A room's link to the fan-out: its publisher, its signals, the others' presence.

Committed batches go out through one task per room, in commit order, so the writer
never waits on the fan-out (a full queue drops the message: the other processes find
the gap and read the log). Signals (presence, revocations) are best effort.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from .presence_remote import RemotePresence, presence_payload
from .seams import Fanout, Published

log = logging.getLogger("gamestorm.fanout")

#: Seconds one publish or signal may take before it is given up (the log has the events).
SEND_TIMEOUT = 5.0


@dataclass
class FanoutLink:
    fanout: Fanout
    board_id: str
    origin: str
    remote: RemotePresence = field(default_factory=RemotePresence)
    queue: asyncio.Queue[Published] = field(default_factory=lambda: asyncio.Queue(1000))
    #: The local set last signalled, and when (``time.monotonic()``).
    last_signal: tuple[dict[str, str], set[str]] | None = None
    last_signal_at: float = 0.0
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def publish(self, message: Published) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(message)

    async def run(self) -> None:
        """The publisher: one message at a time, in commit order."""
        while True:
            message = await self.queue.get()
            try:
                await asyncio.wait_for(self.fanout.publish(message), SEND_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - the log holds them: others read it
                log.warning("board %s: fan-out publish failed: %s", self.board_id, error)
            finally:
                self.queue.task_done()

    async def flushed(self, within: float) -> None:
        """Wait (at most ``within`` seconds) until what was published went out."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.queue.join(), within)

    def signal_presence(
        self, online: dict[str, str], typing: set[str], *, force: bool = False
    ) -> None:
        """Tell the other processes who is on this one, if it changed (or ``force``)."""
        if not force and self.last_signal == (online, typing):
            return
        self.last_signal = (online, typing)
        self.last_signal_at = time.monotonic()
        self._spawn(self.signal(presence_payload(online, typing)))

    async def signal(self, payload: dict[str, Any]) -> None:
        try:
            await asyncio.wait_for(
                self.fanout.signal(self.board_id, self.origin, payload), SEND_TIMEOUT
            )
        except Exception as error:  # noqa: BLE001 - best effort, like the heartbeat
            log.warning("board %s: fan-out signal failed: %s", self.board_id, error)

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
