"""The board core: one board's state, replay window, welcome and presence, sans I/O.

No asyncio, no clock, no sockets, no database: the driver (``room.Room``) calls plain
methods with commands, committed or remote events and ``now``, and carries out the
effects they return (send these strings, reply to that job, read the log since a seq).
So the whole of a board's decision logic runs in tests without an event loop, the way
the websockets library's protocol objects do.

The order of a board is the log's: ``decide`` proposes events for ``expected_seq``
onward and applies them tentatively (later commands of the batch see earlier ones);
the driver appends them, and then calls ``committed`` (broadcast, acks) or, when
another process took the seq first (``LogConflict``), ``reload`` with the log, which
throws the tentative events away, takes the other process's events (broadcast to the
local clients) and lets the driver ``decide`` the same commands again.

Each event is redacted into at most two variants and each variant encoded once, into
a ``LogEntry`` that both the live broadcast and a later ``since`` replay reuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from gamestorm import games
from gamestorm.games.commands import Command

from .storage import TokenGrant
from .wire import encode

#: Sockets that only watch (the projector, a shared results link): not counted as online.
READ_ONLY_ROLES = frozenset({"projector", "viewer"})


class Decidable(Protocol):
    """What the core needs of a queued command (the driver's ``Job``)."""

    @property
    def command(self) -> Command: ...
    @property
    def actor(self) -> games.Actor | None: ...
    @property
    def grants(self) -> tuple[TokenGrant, ...]: ...


J = TypeVar("J", bound=Decidable)


@dataclass(slots=True)
class LogEntry:
    """One event as stored for replay: ``{"seq","event"}`` encoded per variant."""

    public: str
    owner: str | None
    owner_view: str | None

    def for_viewer(self, viewer_id: str) -> str:
        if self.owner_view is not None and viewer_id == self.owner:
            return self.owner_view
        return self.public


# -- effects ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Broadcast:
    """An event frame for every client: ``private`` for the viewer ``owner``, if any."""

    public: str
    private: str | None = None
    owner: str | None = None

    def for_viewer(self, viewer_id: str) -> str:
        if self.private is not None and viewer_id == self.owner:
            return self.private
        return self.public


@dataclass(frozen=True, slots=True)
class Reply(Generic[J]):
    """The ack (``seq``) or the error (``rejection``) for one job, after its commit."""

    job: J
    seq: int = 0
    rejection: games.Rejection | None = None


@dataclass(frozen=True, slots=True)
class PresenceDue:
    """Presence should go out: ``now`` at once (a timer changed), else coalesced."""

    now: bool = False


@dataclass(frozen=True, slots=True)
class PhaseEnded:
    """A phase changed: drafts end with it (the driver clears its sockets' typing)."""


@dataclass(frozen=True, slots=True)
class NeedLog:
    """Events are missing between the state and a remote batch: read the log since."""

    since: int


Effect = Broadcast | Reply[Any] | PresenceDue | PhaseEnded | NeedLog


@dataclass(slots=True)
class Proposal(Generic[J]):
    """A decided batch: the events to append at ``expected_seq``, and each job's part."""

    expected_seq: int
    events: list[dict[str, Any]]
    grants: list[TokenGrant]
    outcomes: list[tuple[J, list[dict[str, Any]] | games.Rejection]]

    @property
    def rejected(self) -> bool:
        """Some command of the batch was refused."""
        return any(isinstance(outcome, games.Rejection) for _, outcome in self.outcomes)


@dataclass(frozen=True, slots=True)
class PresenceFrames:
    """One presence frame for everyone, and the facilitator's (with ``online_ids``)."""

    public: str
    facilitator: str


# -- the core --------------------------------------------------------------------------


@dataclass
class BoardCore:
    state: games.BoardState
    replay_window: int = 20_000
    #: Shown in every welcome: ``join_code``, ``public_url``, ``link_scope``.
    welcome_extras: dict[str, Any] = field(default_factory=dict)
    entries: list[LogEntry] = field(default_factory=list)
    #: ``seq`` of ``entries[0]``.
    first_seq: int = 1
    #: The seq the log is known to hold; ``state.seq`` runs ahead while a batch is decided.
    committed_seq: int = 0

    @property
    def board_id(self) -> str:
        return self.state.board_id

    @property
    def seq(self) -> int:
        return self.committed_seq

    @property
    def pending(self) -> bool:
        """A decided batch waits for its commit: the state holds tentative events."""
        return self.state.seq != self.committed_seq

    @classmethod
    def from_log(
        cls, log_events: Iterable[dict[str, Any]], limits: games.Limits, **options: Any
    ) -> BoardCore:
        """Fold a board's log (which starts with ``board.created``)."""
        it = iter(log_events)
        first = games.from_dict(next(it))
        if not isinstance(first, games.events.BoardCreated):
            raise ValueError("a board's log starts with board.created")
        core = cls(state=games.new_state(first, limits), **options)
        core._record(games.to_dict(first), 1)
        for data in it:
            games.apply(core.state, games.from_dict(data))
            core._record(data, core.state.seq)
        core.committed_seq = core.state.seq
        return core

    # -- deciding and committing -------------------------------------------------------

    def decide(self, jobs: Sequence[J], now: float) -> Proposal[J]:
        """Decide each job against the state, applying its events tentatively."""
        state = self.state
        if state.seq != self.committed_seq:
            raise RuntimeError("a proposal is already pending")
        proposal: Proposal[J] = Proposal(state.seq + 1, [], [], [])
        for job in jobs:
            try:
                events = games.handle(state, job.command, job.actor, now)
            except games.Rejection as rejection:
                proposal.outcomes.append((job, rejection))
                continue
            dicts = [games.to_dict(e) for e in events]
            for event in events:
                games.apply(state, event)
            if events:
                proposal.grants.extend(job.grants)
            proposal.events.extend(dicts)
            proposal.outcomes.append((job, dicts))
        return proposal

    def committed(self, proposal: Proposal[J]) -> list[Effect]:
        """The log holds the proposal: broadcast its events, then ack or refuse each job."""
        if proposal.expected_seq != self.committed_seq + 1:
            raise RuntimeError("committed out of order")
        self.committed_seq = self.state.seq
        effects: list[Effect] = []
        seq = proposal.expected_seq
        for job, outcome in proposal.outcomes:
            if isinstance(outcome, games.Rejection):
                effects.append(Reply(job, rejection=outcome))
                continue
            for data in outcome:
                effects.extend(self._published(data, seq))
                seq += 1
            effects.append(Reply(job, seq=seq - 1 if outcome else self.committed_seq))
        if proposal.events and self.state.sharing is not None:
            effects.append(PresenceDue())  # the counts moved: presence carries them
        return effects

    def refuse(self, jobs: Iterable[J], rejection: games.Rejection) -> list[Effect]:
        """Every job gets ``rejection`` (nothing of them was kept)."""
        return [Reply(job, rejection=rejection) for job in jobs]

    def reload(self, log_events: Sequence[dict[str, Any]]) -> list[Effect]:
        """Drop what is tentative and fold the state again from the whole log; events
        beyond what this core had committed came from another process: broadcast."""
        old = self.committed_seq
        if len(log_events) < old:
            raise RuntimeError(f"the log has {len(log_events)} events, expected {old} or more")
        self.state = games.fold((games.from_dict(e) for e in log_events), self.state.limits)
        self.committed_seq = self.state.seq
        effects: list[Effect] = []
        for seq in range(old + 1, self.committed_seq + 1):
            effects.extend(self._published(log_events[seq - 1], seq))
        if effects and self.state.sharing is not None:
            effects.append(PresenceDue())
        return effects

    def remote(self, first_seq: int, events: Sequence[dict[str, Any]]) -> list[Effect]:
        """Events another process committed (fan-out or a log read), from ``first_seq``.

        Already held: nothing. A gap before them: ``NeedLog`` (read the log since the
        state's seq). Only called with nothing tentative pending.
        """
        if self.state.seq != self.committed_seq:
            raise RuntimeError("remote events while a proposal is pending")
        seq = self.committed_seq
        if first_seq > seq + 1:
            return [NeedLog(seq)]
        effects: list[Effect] = []
        for data in events[seq + 1 - first_seq :]:
            games.apply(self.state, games.from_dict(data))
            effects.extend(self._published(data, self.state.seq))
        self.committed_seq = self.state.seq
        if effects and self.state.sharing is not None:
            effects.append(PresenceDue())
        return effects

    # -- encoding --------------------------------------------------------------------

    def _published(self, data: dict[str, Any], seq: int) -> list[Effect]:
        entry = self._record(data, seq)
        effects: list[Effect] = [
            Broadcast(
                '{"type":"event",' + entry.public[1:],
                '{"type":"event",' + entry.owner_view[1:] if entry.owner_view else None,
                entry.owner,
            )
        ]
        kind = data.get("kind")
        if kind == "phase.changed":
            effects += [PhaseEnded(), PresenceDue(now=True)]
        elif kind == "timer.set":
            effects.append(PresenceDue(now=True))
        return effects

    def _record(self, data: dict[str, Any], seq: int) -> LogEntry:
        redacted = games.redact(data, self.state.anonymous)
        entry = LogEntry(
            public=encode({"seq": seq, "event": redacted.public}),
            owner=redacted.owner,
            owner_view=(
                encode({"seq": seq, "event": redacted.owner_view})
                if redacted.owner_view is not None
                else None
            ),
        )
        expected = self.first_seq + len(self.entries)
        if seq != expected:  # a reload rebuilt the state: entries continue from here
            self.entries.clear()
            self.first_seq = seq
        self.entries.append(entry)
        if len(self.entries) > self.replay_window * 3 // 2:
            drop = len(self.entries) - self.replay_window
            del self.entries[:drop]
            self.first_seq += drop
        return entry

    # -- clients ---------------------------------------------------------------------

    def welcome(self, you: dict[str, Any], since: int | None, now: float) -> str:
        """The welcome: the events after ``since`` from the window, else a snapshot.

        Not while ``pending`` (the snapshot would show events that may never commit).
        """
        if self.pending:
            raise RuntimeError("no welcome while a proposal is pending")
        state = self.state
        seq = self.committed_seq
        head: dict[str, Any] = {
            "type": "welcome",
            "you": you,
            "seq": seq,
            "server_time": now,
            "timer": state.timer,
            **self.welcome_extras,
        }
        viewer_id = you["id"]
        if since is not None and self.first_seq - 1 <= since <= seq:
            start = since - self.first_seq + 1
            stop = seq - self.first_seq + 1
            items = ",".join(e.for_viewer(viewer_id) for e in self.entries[start:stop])
            return encode(head)[:-1] + ',"events":[' + items + "]}"
        head["state"] = games.snapshot(state, viewer_id)
        return encode(head)

    def presence(self, online: dict[str, str], typing: int, now: float) -> PresenceFrames:
        """Presence for ``online`` (viewer id -> role, every process) and ``typing``
        (distinct people with a draft): counts for all, ids for the facilitator only
        and never on anonymous boards."""
        frame: dict[str, Any] = {
            "type": "presence",
            "online": sum(1 for role in online.values() if role not in READ_ONLY_ROLES),
            "participants_online": sum(1 for role in online.values() if role == "participant"),
            "typing": typing,
            "timer": self.state.timer,
            "server_time": now,
            "counts": games.score(self.state),
        }
        public = encode(frame)
        if self.state.anonymous:
            return PresenceFrames(public, public)
        return PresenceFrames(public, encode({**frame, "online_ids": sorted(online)}))

    def offline(
        self,
        online: Iterable[str],
        offline_since: dict[str, float],
        default: float,
        now: float,
        grace: float,
    ) -> tuple[str, ...]:
        """Holders and waiters not in ``online`` (any process) for at least ``grace``."""
        state = self.state
        here = set(online)
        people = {*state.packet_of_holder, *state.waiting_now()}
        return tuple(
            sorted(
                p for p in people if p not in here and now - offline_since.get(p, default) >= grace
            )
        )
