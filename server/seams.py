"""The two seams between a board and the machines it runs on: the log and the fan-out.

A board's order is decided by its log alone: ``EventLog.append`` names the seq it
expects to write, and the unique key (board_id, seq) refuses a second writer, which
then catches up from the log and decides its commands again (optimistic concurrency);
a writer that lost once decides again in the board's turn (``TurnLog``), which it cannot lose.
``Fanout`` only carries committed events between the processes serving one board; it
may drop or delay messages, so a gap in seq is filled from the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .storage import TokenGrant


class LogConflict(Exception):
    """Another writer committed ``expected_seq`` of this board first: nothing was kept."""

    def __init__(self, board_id: str, expected_seq: int) -> None:
        super().__init__(f"board {board_id}: seq {expected_seq} is taken")
        self.board_id = board_id
        self.expected_seq = expected_seq


class EventLog(Protocol):
    """The append-only, per-board numbered event log (SQLite or PostgreSQL)."""

    async def append(
        self,
        board_id: str,
        expected_seq: int,
        events: Sequence[dict[str, Any]],
        grants: Iterable[TokenGrant] = (),
    ) -> None:
        """Commit ``events`` as seq ``expected_seq``, ``expected_seq + 1``, ... with the
        tokens issued by them, all or nothing; raise ``LogConflict`` if the seq is taken."""
        ...

    async def read(self, board_id: str, since: int = 0) -> list[dict[str, Any]]:
        """The events after seq ``since``, in order, upcast to the current version."""
        ...


class Decision(Protocol):
    """What a board decided to append: its events from ``expected_seq`` and their tokens."""

    @property
    def expected_seq(self) -> int: ...
    @property
    def events(self) -> list[dict[str, Any]]: ...
    @property
    def grants(self) -> list[TokenGrant]: ...


@runtime_checkable
class TurnLog(EventLog, Protocol):
    """A log that can give one writer the board's turn, for a writer that lost a race.

    Optimistic appends alone can starve a process: the winner of the last append needs
    no read before its next one, the loser a reload, so under steady load the same
    process keeps winning. In a turn nobody else appends to the board, so the loser's
    next append cannot lose.
    """

    async def append_in_turn(
        self, board_id: str, since: int, decide: Callable[[list[dict[str, Any]]], Decision]
    ) -> None:
        """Hold the board's turn, call ``decide`` with the events after seq ``since``, and
        commit what it decided; ``LogConflict`` only if a writer that ignores turns (an
        older release) took the seq."""
        ...


@dataclass(frozen=True, slots=True)
class Published:
    """Committed events of one board as one process sent them to the others."""

    board_id: str
    #: The process that committed them (its own messages come back; it skips them).
    origin: str
    first_seq: int
    events: tuple[dict[str, Any], ...]


#: What a subscriber is called with, on the event loop, for each message of its board.
Deliver = Callable[[Published], None]
#: Called with (origin, payload) for a board's signals: presence of another process's
#: clients, tokens revoked elsewhere. Best effort, like events, but never refetched.
OnSignal = Callable[[str, dict[str, Any]], None]


class Subscription(Protocol):
    def close(self) -> None:
        """Stop delivering (the board was unloaded)."""
        ...


class Fanout(Protocol):
    """Carries committed events to every process serving the same board."""

    #: A name for /healthz: "in-process" or "redis".
    kind: str

    @property
    def healthy(self) -> bool:
        """False while messages may be lost for good (Redis unreachable): boards with
        clients then poll the log instead."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, message: Published) -> None:
        """Send committed events; never raises for a lost connection (it is reported
        through ``healthy``: the log still holds the events)."""
        ...

    async def signal(self, board_id: str, origin: str, payload: dict[str, Any]) -> None:
        """Send a small JSON payload to the board's other processes (best effort)."""
        ...

    def subscribe(
        self, board_id: str, deliver: Deliver, on_signal: OnSignal | None = None
    ) -> Subscription: ...

    def status(self) -> dict[str, Any]:
        """What /healthz shows of the fan-out."""
        ...
