"""A room per board: the live state, the one writer, the connected clients, the fan-out.

Every command of a board goes through one queue and one writer task, so commands apply
one at a time in one order. The writer takes whatever is queued (a batch), decides each
command with ``games.handle`` and applies its events in memory, commits the whole batch
in one transaction, and only then fans the events out and acknowledges: nobody hears of
an event before it is durable, and under load many commands share one commit.

Each event is redacted into at most two variants (its owner's and everyone else's) and
each variant is encoded once, however many clients the board has.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from gamestorm import games
from gamestorm.games.commands import Command, ReleasePackets

from .buckets import TokenBucket
from .connection import CLOSE_INTERNAL, Connection
from .storage import Storage, TokenGrant
from .wire import encode, error_frame

log = logging.getLogger("gamestorm.room")

MAX_BATCH = 512
#: Sockets that only watch (the projector, a shared results link): not counted as online.
READ_ONLY_ROLES = frozenset({"projector", "viewer"})
#: The sender of the room's own commands (the packet tick): no socket has this role.
SYSTEM = games.Actor("system", "system")


@dataclass(slots=True)
class Job:
    command: Command
    actor: games.Actor | None
    #: Who gets the ack or error frame (None for HTTP callers, who use ``future``).
    client: Connection | None = None
    cid: str | None = None
    future: asyncio.Future[int] | None = None
    grants: tuple[TokenGrant, ...] = ()


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


@dataclass
class Room:
    state: games.BoardState
    storage: Storage
    grants: dict[str, TokenGrant]
    #: Shown in every welcome, so a console or projector on another device can show it.
    join_code: str = ""
    #: Where phones join (``--public-url`` or the LAN address) and whether they can.
    public_url: str | None = None
    link_scope: str | None = None
    replay_window: int = 20_000
    presence_interval: float = 0.25
    #: The packet tick (``Settings.packet_tick``) and how long a holder may be offline.
    packet_tick: float = 5.0
    packet_offline_grace: float = 15.0
    #: Participant id -> when their last socket closed (``time.time()``); absent: online,
    #: or not seen since the room loaded (then offline since ``loaded_at``).
    offline_since: dict[str, float] = field(default_factory=dict)
    loaded_at: float = field(default_factory=time.time)
    #: Called when the room can no longer trust its state (a failed commit).
    on_broken: Callable[[Room], None] | None = None
    entries: list[LogEntry] = field(default_factory=list)
    #: ``seq`` of ``entries[0]``.
    first_seq: int = 1
    clients: set[Connection] = field(default_factory=set)
    #: Commands for the writer; ``None`` tells it to stop after what came before.
    queue: asyncio.Queue[Job | None] = field(default_factory=lambda: asyncio.Queue(maxsize=10_000))
    _writer: asyncio.Task[None] | None = None
    _presence_handle: asyncio.TimerHandle | None = None
    _ticker: asyncio.Task[None] | None = None
    broken: bool = False
    #: Shutting down: queued commands still run, new ones are refused.
    stopping: bool = False
    #: Command rate per participant id, shared by all of their sockets.
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    #: ``time.monotonic()`` of the last lookup through the hub (idle boards are unloaded).
    last_used: float = 0.0

    @property
    def board_id(self) -> str:
        return self.state.board_id

    @classmethod
    def from_log(
        cls,
        log_events: Iterable[dict[str, Any]],
        *,
        storage: Storage,
        grants: Iterable[TokenGrant],
        limits: games.Limits,
        **options: Any,
    ) -> Room:
        it = iter(log_events)
        first = games.from_dict(next(it))
        if not isinstance(first, games.events.BoardCreated):
            raise ValueError("a board's log starts with board.created")
        state = games.new_state(first, limits)
        room = cls(state=state, storage=storage, grants={g.hash: g for g in grants}, **options)
        room._record(games.to_dict(first), 1)
        for data in it:
            games.apply(state, games.from_dict(data))
            room._record(data, state.seq)
        return room

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_loop(), name=f"writer-{self.board_id}")
        if self.state.sharing is not None:
            self._ticker = asyncio.create_task(self._tick_loop(), name=f"tick-{self.board_id}")

    async def stop(self) -> None:
        """Finish what is queued, then stop the writer."""
        self.stopping = True
        if self._ticker is not None:
            self._ticker.cancel()
        if self._writer is None:
            return
        if not self._writer.done():
            await self.queue.put(None)
            await asyncio.wait({self._writer}, timeout=10)
            self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        if self._presence_handle is not None:
            self._presence_handle.cancel()

    # -- commands ---------------------------------------------------------------------

    def submit(self, job: Job) -> bool:
        """Queue a command for the writer; False if the room is overloaded or broken."""
        if self.broken or self.stopping:
            return False
        try:
            self.queue.put_nowait(job)
        except asyncio.QueueFull:
            return False
        return True

    async def run(self, command: Command, grants: tuple[TokenGrant, ...] = ()) -> int:
        """Apply a command from the server itself (e.g. a join) and wait for its seq."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        if not self.submit(Job(command, None, future=future, grants=grants)):
            raise games.Rejection("rate_limited", "the board is busy; try again")
        return await future

    async def _tick_loop(self) -> None:
        """Give back packets idle too long or held by someone gone (``packets.release``)."""
        while not (self.broken or self.stopping):
            await asyncio.sleep(self.packet_tick)
            state = self.state
            if state.phase.type != "affinity" or not state.packets:
                continue
            now = time.time()
            self.submit(Job(ReleasePackets(now=now, offline=self.offline(now)), SYSTEM))

    def offline(self, now: float) -> tuple[str, ...]:
        """Holders and waiters with no socket for at least the grace."""
        state = self.state
        online = {c.viewer_id for c in self.clients}
        people = [*state.packet_of_holder, *state.waiting_now()]
        return tuple(
            sorted(
                {
                    p
                    for p in people
                    if p not in online
                    and now - self.offline_since.get(p, self.loaded_at) >= self.packet_offline_grace
                }
            )
        )

    async def _write_loop(self) -> None:
        stopping = False
        while not stopping:
            batch: list[Job] = []
            item = await self.queue.get()
            while True:
                if item is None:
                    stopping = True
                    break
                batch.append(item)
                if len(batch) >= MAX_BATCH or self.queue.empty():
                    break
                item = self.queue.get_nowait()
            if not batch:
                continue
            try:
                await self._run_batch(batch)
            except Exception:
                log.exception("board %s: a batch failed; reloading the board", self.board_id)
                self._break(batch)
                return

    async def _run_batch(self, batch: list[Job]) -> None:
        state = self.state
        now = time.time()
        first_seq = state.seq + 1
        outcomes: list[tuple[Job, list[dict[str, Any]] | games.Rejection]] = []
        new_events: list[dict[str, Any]] = []
        grants: list[TokenGrant] = []
        for job in batch:
            try:
                events = games.handle(state, job.command, job.actor, now)
            except games.Rejection as rejection:
                outcomes.append((job, rejection))
                continue
            dicts = [games.to_dict(e) for e in events]
            for event in events:
                games.apply(state, event)
            if events:
                grants.extend(job.grants)
            new_events.extend(dicts)
            outcomes.append((job, dicts))
        if new_events:
            try:
                await self.storage.append(self.board_id, first_seq, new_events, grants)
            except Exception as error:  # noqa: BLE001 - a disk full, read-only, gone...
                await self._not_saved(batch, first_seq, error)
                return
        for grant in grants:
            self.grants[grant.hash] = grant
        seq = first_seq
        for job, outcome in outcomes:
            if isinstance(outcome, games.Rejection):
                self._reply_error(job, outcome)
                continue
            for data in outcome:
                self._broadcast(data, seq)
                seq += 1
                if data.get("kind") == "phase.changed":
                    self._phase_changed(now)
                if data.get("kind") == "timer.set":
                    self._send_presence()
            self._reply_ack(job, seq - 1 if outcome else state.seq)
        if new_events and state.sharing is not None:
            self._presence_soon()  # the counts moved: presence carries them

    async def _not_saved(self, batch: list[Job], first_seq: int, error: Exception) -> None:
        """The commit failed (disk full, database read-only): nothing of the batch is
        kept. The state is folded again from the log, so memory holds what the log holds,
        every command of the batch gets ``unavailable`` (try again; nothing changed) and
        the clients stay connected: the next batch tries again, and succeeds once the
        disk has room. If the log cannot be read back, or holds the batch after all, the
        board is reloaded (``_break``)."""
        log.error(
            "board %s: could not save %d command(s), nothing kept, clients told to retry: %s",
            self.board_id,
            len(batch),
            error,
        )
        logged = await self.storage.load_events(self.board_id)
        if len(logged) != first_seq - 1:
            raise RuntimeError(f"the log has {len(logged)} events, expected {first_seq - 1}")
        self.state = games.fold((games.from_dict(e) for e in logged), self.state.limits)
        failure = games.Rejection(
            "unavailable",
            "the server could not save this (its disk is full or read-only); nothing was "
            "changed: try again in a moment",
        )
        for job in batch:
            self._reply_error(job, failure)

    def _break(self, batch: list[Job]) -> None:
        """The state may be ahead of the database: stop, and let the hub reload the board."""
        self.broken = True
        failure = games.Rejection("rate_limited", "the board is reloading; send it again")
        for job in batch:
            self._reply_error(job, failure)
        while not self.queue.empty():
            queued = self.queue.get_nowait()
            if queued is not None:
                self._reply_error(queued, failure)
        for client in list(self.clients):
            client.close(CLOSE_INTERNAL, "board reloading; reconnect with since")
        self.clients.clear()
        if self.on_broken is not None:
            self.on_broken(self)

    def _reply_ack(self, job: Job, seq: int) -> None:
        if job.future is not None and not job.future.done():
            job.future.set_result(seq)
        if job.client is not None:
            job.client.send(encode({"type": "ack", "cid": job.cid, "seq": seq}))

    def _reply_error(self, job: Job, rejection: games.Rejection) -> None:
        if job.future is not None and not job.future.done():
            job.future.set_exception(rejection)
        if job.client is not None:
            job.client.send(error_frame(rejection, job.cid))

    # -- fan-out ----------------------------------------------------------------------

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
        self.entries.append(entry)
        if len(self.entries) > self.replay_window * 3 // 2:
            drop = len(self.entries) - self.replay_window
            del self.entries[:drop]
            self.first_seq += drop
        return entry

    def _broadcast(self, data: dict[str, Any], seq: int) -> None:
        entry = self._record(data, seq)
        public = '{"type":"event",' + entry.public[1:]
        if entry.owner_view is None:
            for client in self.clients:
                client.send(public)
            return
        private = '{"type":"event",' + entry.owner_view[1:]
        owner = entry.owner
        for client in self.clients:
            client.send(private if client.viewer_id == owner else public)

    # -- clients ----------------------------------------------------------------------

    def attach(self, client: Connection, since: int | None) -> None:
        """Welcome a client (replay after ``since`` or a snapshot) and start its fan-out.

        Nothing awaits between building the welcome and joining ``clients``, so the
        client gets every later event exactly once.
        """
        client.send(self.welcome(client, since))
        self.clients.add(client)
        self.offline_since.pop(client.viewer_id, None)
        self._presence_soon()

    def detach(self, client: Connection) -> None:
        if client in self.clients:
            self.clients.discard(client)
            if not any(c.viewer_id == client.viewer_id for c in self.clients):
                self.offline_since[client.viewer_id] = time.time()
            self.last_used = time.monotonic()  # idle from the last client's leaving
            self._presence_soon()

    def welcome(self, client: Connection, since: int | None) -> str:
        state = self.state
        head: dict[str, Any] = {
            "type": "welcome",
            "you": {"id": client.viewer_id, "name": client.name, "role": client.role},
            "seq": state.seq,
            "server_time": time.time(),
            "timer": self.state.timer,
            "join_code": self.join_code,
            "public_url": self.public_url,
            "link_scope": self.link_scope,
        }
        if since is not None and self.first_seq - 1 <= since <= state.seq:
            items = ",".join(
                e.for_viewer(client.viewer_id) for e in self.entries[since - self.first_seq + 1 :]
            )
            return encode(head)[:-1] + ',"events":[' + items + "]}"
        head["state"] = games.snapshot(state, client.viewer_id)
        return encode(head)

    def _phase_changed(self, now: float) -> None:
        """A timer belongs to its phase, and so does a draft: both end with it."""
        for client in self.clients:
            client.typing = False
        self._send_presence()

    def typing_changed(self) -> None:
        """A participant started or stopped a draft: presence carries the new count."""
        self._presence_soon()

    def _presence_soon(self) -> None:
        if self._presence_handle is None:
            loop = asyncio.get_running_loop()
            self._presence_handle = loop.call_later(self.presence_interval, self._send_presence)

    def _send_presence(self) -> None:
        if self._presence_handle is not None:
            self._presence_handle.cancel()
            self._presence_handle = None
        online: dict[str, str] = {c.viewer_id: c.role for c in self.clients}
        frame: dict[str, Any] = {
            "type": "presence",
            "online": sum(1 for role in online.values() if role not in READ_ONLY_ROLES),
            "participants_online": sum(1 for role in online.values() if role == "participant"),
            # distinct people with a draft in progress: a count only, never who
            "typing": len({c.viewer_id for c in self.clients if c.typing}),
            "timer": self.state.timer,
            "server_time": time.time(),
            # how far the room has got (counts only, the same for everyone)
            "counts": games.score(self.state),
        }
        public = encode(frame)
        if self.state.anonymous:
            # who is online, when a note appears, names its author: counts only
            for client in self.clients:
                client.send(public)
            return
        facilitator = encode({**frame, "online_ids": sorted(online)})
        for client in self.clients:
            client.send(facilitator if client.role == "facilitator" else public)
