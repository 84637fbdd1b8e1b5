"""A room per board and process: the asyncio driver around the sans-I/O ``BoardCore``.

Every command of a board on this process goes through one queue and one writer task.
The writer takes whatever is queued (a batch), asks the core to decide it, appends the
events to the log naming the seq it expects (``EventLog.append``), and only then
carries out the core's effects (broadcast, acks) and publishes the events to the
fan-out: nobody hears of an event before it is durable, and under load many commands
share one commit.

Several processes may serve one board: the log decides the order. When another
process took the seq first (``LogConflict``), the writer reads the log, lets the core
take the other events (broadcast to this process's clients) and decides the same
commands again (at most ``APPEND_ATTEMPTS`` times, then ``unavailable``). Events of
other processes arrive through the fan-out; a gap in seq, an unhealthy fan-out, or the
periodic safety net make the room read the log since its seq instead. Presence counts
the sockets of every process (``presence_remote``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

from gamestorm import games
from gamestorm.games.commands import Command, ReleasePackets

from .board_core import (
    BoardCore,
    Broadcast,
    Effect,
    NeedLog,
    PhaseEnded,
    PresenceDue,
    Proposal,
    Reply,
)
from .buckets import TokenBucket
from .connection import CLOSE_INTERNAL, CLOSE_SIGNED_OUT, Connection, batch_frames
from .fanout_link import FanoutLink
from .fanout_local import InProcessFanout
from .seams import EventLog, Fanout, LogConflict, Published, Subscription, TurnLog
from .storage import UNREACHABLE, Storage, TokenGrant
from .wire import encode, error_frame
from .ws_protocol import Framed

log = logging.getLogger("gamestorm.room")

MAX_BATCH = 512
#: Fan-out messages kept while a commit is pending; beyond, the writer reads the log.
MAX_INBOX = 1000
#: Presence never waits longer than this, however large the board.
PRESENCE_MAX_GAP = 2.0
#: Appends tried per batch when other processes keep taking the seq first.
APPEND_ATTEMPTS = 5
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


class _Wake:
    """Queued to wake the writer for events of other processes (no command)."""


WAKE = _Wake()


@dataclass
class Room:
    core: BoardCore
    storage: Storage
    grants: dict[str, TokenGrant]
    #: The log the writer appends to and reads from (the storage unless told otherwise).
    event_log: EventLog | None = None
    fanout: Fanout = field(default_factory=InProcessFanout)
    #: This process, in ``Published.origin`` and signals.
    origin: str = field(default_factory=lambda: uuid.uuid4().hex)
    presence_interval: float = 0.25
    #: ``Settings.presence_writes_per_second``: large boards space presence out.
    presence_writes_per_second: float = 1000.0
    #: The packet tick (``Settings.packet_tick``) and how long a holder may be offline.
    packet_tick: float = 5.0
    packet_offline_grace: float = 15.0
    #: Seconds between log reads while the fan-out is unhealthy, and while it is healthy
    #: (the safety net), for a board with clients; presence heartbeat and its expiry.
    poll_interval: float = 1.0
    poll_safety: float = 5.0
    presence_heartbeat: float = 5.0
    presence_expiry: float = 15.0
    #: The fan-out tick (``Settings.fanout_tick``): while a board is busy, what commits
    #: within one tick goes out together (one frame per batch client); 0: every commit
    #: at once. A quiet board's commit goes out at once either way.
    fanout_tick: float = 0.0
    _tick_effects: list[Effect] | None = None
    _last_flush: float = 0.0
    #: Participant id -> when their last socket closed (``time.time()``); absent: online,
    #: or not seen since the room loaded (then offline since ``loaded_at``).
    offline_since: dict[str, float] = field(default_factory=dict)
    loaded_at: float = field(default_factory=time.time)
    #: Called when the room can no longer trust its state (a failed commit).
    on_broken: Callable[[Room], None] | None = None
    clients: set[Connection] = field(default_factory=set)
    #: Commands for the writer; ``None`` tells it to stop after what came before.
    queue: asyncio.Queue[Job | _Wake | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=10_000)
    )
    broken: bool = False
    #: The database went away mid-batch: fold the state again before deciding anything.
    _stale: bool = False
    #: Shutting down: queued commands still run, new ones are refused.
    stopping: bool = False
    #: Command rate per participant id, shared by all of their sockets.
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    #: ``time.monotonic()`` of the last lookup through the hub (idle boards are unloaded).
    last_used: float = 0.0
    #: Counters for tests and /healthz.
    conflicts: int = 0
    #: Refusals decided again because the log had moved on (see ``_newer_in_log``).
    stale_refusals: int = 0
    #: Other processes serve this board too (a message or signal from one came).
    _peers: bool = False
    gap_fills: int = 0
    log_reads: int = 0
    _writer: asyncio.Task[None] | None = None
    _presence_handle: asyncio.TimerHandle | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    _subscription: Subscription | None = None
    link: FanoutLink = field(init=False)
    #: Clients that said hello while a batch waited for its commit: welcomed after it.
    _held: list[tuple[Connection, int | None]] = field(default_factory=list)
    #: Fan-out messages that came while a batch waited for its commit.
    _inbox: list[Published] = field(default_factory=list)
    _poll_due: bool = False
    _wake_queued: bool = False
    _last_poll_at: float = 0.0

    def __post_init__(self) -> None:
        if self.event_log is None:
            self.event_log = self.storage
        self.link = FanoutLink(self.fanout, self.board_id, self.origin)
        self.link.remote.expiry = self.presence_expiry

    @property
    def state(self) -> games.BoardState:
        return self.core.state

    @property
    def board_id(self) -> str:
        return self.core.board_id

    @property
    def sync_mode(self) -> str:
        """How this room hears of other processes' events: "fanout" or "polling"."""
        return "fanout" if self.fanout.healthy else "polling"

    @property
    def log(self) -> EventLog:
        assert self.event_log is not None
        return self.event_log

    @classmethod
    def from_log(
        cls,
        log_events: Iterable[dict[str, Any]],
        *,
        storage: Storage,
        grants: Iterable[TokenGrant],
        limits: games.Limits,
        replay_window: int = 20_000,
        join_code: str = "",
        public_url: str | None = None,
        link_scope: str | None = None,
        **options: Any,
    ) -> Room:
        extras = {"join_code": join_code, "public_url": public_url, "link_scope": link_scope}
        core = BoardCore.from_log(
            log_events, limits, replay_window=replay_window, welcome_extras=extras
        )
        return cls(core=core, storage=storage, grants={g.hash: g for g in grants}, **options)

    def start(self) -> None:
        self._last_poll_at = time.monotonic()  # the log was just read
        self._writer = asyncio.create_task(self._write_loop(), name=f"writer-{self.board_id}")
        self._subscription = self.fanout.subscribe(self.board_id, self._deliver, self._on_signal)
        self._spawn(self.link.run())
        self._spawn(self._sync_loop())
        if self.state.sharing is not None:
            self._spawn(self._tick_loop())

    async def stop(self) -> None:
        """Finish what is queued, then stop the writer and leave the fan-out."""
        self.stopping = True
        self._unsubscribe()
        if self._writer is not None:
            if not self._writer.done():
                await self.queue.put(None)
                await asyncio.wait({self._writer}, timeout=10)
                self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        self._end_tick()
        if self._presence_handle is not None:
            self._presence_handle.cancel()
        await self.link.flushed(2.0)  # hand the last events to the fan-out
        for task in list(self._tasks):
            task.cancel()
        self.link.close()

    def _unsubscribe(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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
        """Give back packets idle too long or held by someone gone (``packets.release``).

        Every process serving the board may send it: it is decided against the log's
        latest state (again after a conflict), so a second one finds nothing to give back.
        """
        while not (self.broken or self.stopping):
            await asyncio.sleep(self.packet_tick)
            state = self.state
            if state.phase.type != "affinity" or not state.packets:
                continue
            now = time.time()
            self.submit(Job(ReleasePackets(now=now, offline=self.offline(now)), SYSTEM))

    def online(self) -> dict[str, str]:
        """Viewer id -> role of every socket on the board, this process's and others'."""
        merged = self.link.remote.online()
        merged.update({c.viewer_id: c.role for c in self.clients})
        return merged

    def offline(self, now: float) -> tuple[str, ...]:
        """Holders and waiters with no socket on any process for at least the grace."""
        return self.core.offline(
            self.online(), self.offline_since, self.loaded_at, now, self.packet_offline_grace
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
                if isinstance(item, _Wake):
                    self._wake_queued = False
                else:
                    batch.append(item)
                if len(batch) >= MAX_BATCH or self.queue.empty():
                    break
                item = self.queue.get_nowait()
            try:
                if self._stale:
                    await self._reload_stale()
                await self._catch_up()
                if batch:
                    await self._run_batch(batch)
                self._welcome_held()
            except UNREACHABLE as error:
                # the database is away (restarting, network): nothing of this batch was
                # kept; the clients stay, the next batch tries again
                self._unreachable(batch, error)
            except Exception:
                log.exception("board %s: a batch failed; reloading the board", self.board_id)
                self._break(batch)
                return

    async def _run_batch(self, batch: list[Job]) -> None:
        lost = False
        for _attempt in range(APPEND_ATTEMPTS):
            if lost and isinstance(self.log, TurnLog):
                if await self._run_in_turn(batch, self.log):
                    return
                continue
            proposal = self.core.decide(batch, time.time())
            if not proposal.events:
                if self._peers and proposal.rejected and await self._newer_in_log():
                    continue  # refused against an old state: decide again on the new one
                self._carry(self.core.committed(proposal))
                return
            try:
                await self.log.append(
                    self.board_id, proposal.expected_seq, proposal.events, proposal.grants
                )
            except LogConflict:
                await self._lost_race()
                lost = True
                continue
            except Exception as error:  # noqa: BLE001 - a disk full, read-only, gone...
                await self._not_saved(batch, proposal, error)
                return
            self._kept(proposal)
            return
        log.warning("board %s: %d appends lost to other writers", self.board_id, APPEND_ATTEMPTS)
        busy = games.Rejection(
            "unavailable", "the board is busy on another server; nothing was changed: try again"
        )
        self._carry(self.core.refuse(batch, busy))

    async def _lost_race(self) -> None:
        """Another process has the seq: drop what was tentative and take its events."""
        self.conflicts += 1
        self.log_reads += 1
        self._carry(self.core.reload(await self.log.read(self.board_id, 0)))
        # what the others committed while the board was folded again: a short read, so
        # the next attempt decides against the newest state it can
        self._poll_due = True
        await self._catch_up()

    async def _run_in_turn(self, batch: list[Job], turn_log: TurnLog) -> bool:
        """Decide the batch again in the board's turn, against what the others committed
        up to it; False: an older process that ignores turns took the seq after all."""
        decided: list[Proposal[Job]] = []
        since = self.core.seq

        def decide(tail: list[dict[str, Any]]) -> Proposal[Job]:
            # the fan-out may have brought some of the tail while the turn was awaited
            self._carry(self.core.remote(since + 1, tail))
            decided.append(proposal := self.core.decide(batch, time.time()))
            return proposal

        try:
            await turn_log.append_in_turn(self.board_id, since, decide)
        except LogConflict:
            await self._lost_race()
            return False
        except Exception as error:  # noqa: BLE001 - a disk full, read-only, gone...
            if not decided:
                raise  # nothing decided, nothing tentative: the batch loop's handlers
            await self._not_saved(batch, decided[0], error)
            return True
        self._kept(decided[0])
        return True

    def _kept(self, proposal: Proposal[Job]) -> None:
        """The log holds the proposal: out to the clients, then to the other processes."""
        for grant in proposal.grants:
            self.grants[grant.hash] = grant
        self._carry(self.core.committed(proposal))
        if proposal.events:
            message = Published(
                self.board_id, self.origin, proposal.expected_seq, tuple(proposal.events)
            )
            self.link.publish(message)

    async def _not_saved(self, batch: list[Job], proposal: Proposal[Job], error: Exception) -> None:
        """The commit failed (disk full, database read-only): nothing of the batch is
        kept. The state is folded again from the log, so memory holds what the log holds,
        every command of the batch gets ``unavailable`` (try again; nothing changed) and
        the clients stay connected: the next batch tries again, and succeeds once the
        disk has room. If the log cannot be read back, or holds more than before the
        batch (the batch after all, or nobody can tell), the board is reloaded."""
        log.error(
            "board %s: could not save %d command(s), nothing kept, clients told to retry: %s",
            self.board_id,
            len(batch),
            error,
        )
        try:
            logged = await self.log.read(self.board_id, 0)
        except UNREACHABLE as unreachable:
            self._unreachable(batch, unreachable)
            return
        if len(logged) != proposal.expected_seq - 1:
            raise RuntimeError(
                f"the log has {len(logged)} events, expected {proposal.expected_seq - 1}"
            )
        self._carry(self.core.reload(logged))
        failure = games.Rejection(
            "unavailable",
            "the server could not save this (its disk is full or read-only); nothing was "
            "changed: try again in a moment",
        )
        self._carry(self.core.refuse(batch, failure))

    async def _newer_in_log(self) -> bool:
        """Whether other processes committed what this one has not heard of yet (its
        fan-out is a moment behind); if so, take it. A refusal (a phase moved on, a
        note gone) must be decided against the board as the log has it, as an append
        is: without this, a command sent just after a phase change on another process
        would be refused for a phase the board has left."""
        since = self.core.seq
        self.log_reads += 1
        events = await self.log.read(self.board_id, since)
        if not events:
            return False
        self.stale_refusals += 1
        self._carry(self.core.remote(since + 1, events))
        return True

    def _unreachable(self, batch: list[Job], error: BaseException) -> None:
        """The database cannot be reached: every command of the batch gets the retryable
        ``unavailable``; the state is folded again from the log before anything else is
        decided or anyone welcomed (``_stale``), since it may hold what was not kept."""
        if not self._stale:
            log.error("board %s: the database cannot be reached: %s", self.board_id, error)
        self._stale = True
        self._inbox.clear()  # the reload reads it all from the log
        failure = games.Rejection(
            "unavailable",
            "the database cannot be reached just now; nothing was changed: try again in a moment",
        )
        self._carry(self.core.refuse(batch, failure))

    async def _reload_stale(self) -> None:
        """Fold the state again from the log once the database answers (raises while it
        does not): events that did commit after all come out as the board's next ones."""
        logged = await self.log.read(self.board_id, 0)
        self._carry(self.core.reload(logged))
        self._stale = False
        log.warning("board %s: the database answers again; state reloaded", self.board_id)

    def _break(self, batch: list[Job]) -> None:
        """The state may be ahead of the database: stop, and let the hub reload the board."""
        self._end_tick()  # committed: acks and events still go out
        self.broken = True
        self._unsubscribe()
        failure = games.Rejection("rate_limited", "the board is reloading; send it again")
        for job in batch:
            self._reply_error(job, failure)
        while not self.queue.empty():
            queued = self.queue.get_nowait()
            if isinstance(queued, Job):
                self._reply_error(queued, failure)
        for client in [*self.clients, *(c for c, _ in self._held)]:
            client.close(CLOSE_INTERNAL, "board reloading; reconnect with since")
        self.clients.clear()
        self._held.clear()
        for task in list(self._tasks):
            task.cancel()
        self.link.close()
        if self.on_broken is not None:
            self.on_broken(self)

    # -- effects ----------------------------------------------------------------------

    def _carry(self, effects: list[Effect]) -> None:
        """Do what the core asks, at once when the board was quiet for a tick, else with
        everything else of the current tick, when it ends (``fanout_tick``): the fan-out
        then costs per tick, not per event."""
        if self.fanout_tick <= 0:
            self._carry_now(effects)
            return
        if self._tick_effects is not None:
            self._tick_effects.extend(effects)
            return
        mono = time.monotonic()
        wait = self._last_flush + self.fanout_tick - mono
        if wait <= 0:
            self._last_flush = mono
            self._carry_now(effects)
            return
        self._tick_effects = list(effects)
        asyncio.get_running_loop().call_later(wait, self._end_tick)

    def _end_tick(self) -> None:
        """Send what the tick gathered (also before a welcome, which already holds it)."""
        effects, self._tick_effects = self._tick_effects, None
        if effects is not None:
            self._last_flush = time.monotonic()
            self._carry_now(effects)

    def _carry_now(self, effects: list[Effect]) -> None:
        """Do what the core asks: no per-client work but appending pre-encoded strings.

        The events of one commit go out first, then the acks (so a sender holds its
        events before its ack): to a ``?batch=1`` client as one ``events`` frame per
        commit, encoded once per variant, to others one frame per event.
        """
        clients = self.clients
        broadcasts = [e for e in effects if isinstance(e, Broadcast)]
        if broadcasts:
            self._broadcast(broadcasts)
        for effect in effects:
            if isinstance(effect, Broadcast):
                continue
            if isinstance(effect, Reply):
                if effect.rejection is not None:
                    self._reply_error(effect.job, effect.rejection)
                else:
                    self._reply_ack(effect.job, effect.seq)
            elif isinstance(effect, PresenceDue):
                if effect.now:
                    self._send_presence()
                else:
                    self._presence_soon()
            elif isinstance(effect, PhaseEnded):
                for client in clients:
                    client.typing = False
            elif isinstance(effect, NeedLog):
                self._poll_due = True
                self._wake()

    def _broadcast(self, broadcasts: list[Broadcast]) -> None:
        """Every frame is encoded and framed once (per variant), then the same bytes go
        to every socket: per client, only a write."""
        clients = self.clients
        if len(broadcasts) == 1:
            only = broadcasts[0]
            public, wire = only.public, Framed(only.public)
            if only.private is None:
                for client in clients:
                    client.send(public, wire)
            else:
                owner, private = only.owner, only.private
                for client in clients:
                    if client.viewer_id == owner:
                        client.send(private)
                    else:
                        client.send(public, wire)
            return
        owners = {b.owner for b in broadcasts if b.private is not None}
        singles: list[tuple[str, Framed]] | None = (
            None  # framed when a client without batch needs them
        )
        combined = [(f, Framed(f)) for f in batch_frames([b.public for b in broadcasts])]
        own: dict[str, list[str]] = {}
        for client in clients:
            viewer = client.viewer_id
            if viewer in owners:
                if not client.batch:
                    for b in broadcasts:
                        client.send(b.for_viewer(viewer))
                    continue
                frames = own.get(viewer) or own.setdefault(
                    viewer, batch_frames([b.for_viewer(viewer) for b in broadcasts])
                )
                for frame in frames:
                    client.send(frame)
                continue
            if not client.batch and singles is None:
                singles = [(b.public, Framed(b.public)) for b in broadcasts]
            for frame, wire in combined if client.batch else singles or ():
                client.send(frame, wire)

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

    # -- other processes --------------------------------------------------------------

    def _wake(self) -> None:
        if self._wake_queued or self.broken or self.stopping:
            return
        with contextlib.suppress(asyncio.QueueFull):  # busy: it catches up after the batch
            self.queue.put_nowait(WAKE)
            self._wake_queued = True

    def _deliver(self, message: Published) -> None:
        """A batch from the fan-out: applied at once when it is next and nothing waits
        for a commit; else the writer takes it up (in seq order, after its batch)."""
        if message.origin == self.origin or self.broken or self.stopping:
            return
        self._peers = True
        if message.first_seq + len(message.events) - 1 <= self.core.seq:
            return  # already read from the log
        if self.core.pending:
            if len(self._inbox) < MAX_INBOX:
                self._inbox.append(message)
            else:  # memory stays bounded: the log has them all
                self._poll_due = True
            self._wake()
            return
        self._take_remote(message)

    def _take_remote(self, message: Published) -> None:
        effects = self.core.remote(message.first_seq, message.events)
        if effects and isinstance(effects[0], NeedLog):
            self.gap_fills += 1
        self._carry(effects)

    async def _catch_up(self) -> None:
        """Between batches: fan-out messages that came during a commit, then a log read
        if a gap or a poll asked for one."""
        inbox, self._inbox = self._inbox, []
        for message in sorted(inbox, key=lambda m: m.first_seq):
            self._take_remote(message)
        if not self._poll_due:
            return
        self._poll_due = False
        self.log_reads += 1
        self._last_poll_at = time.monotonic()
        since = self.core.seq
        events = await self.log.read(self.board_id, since)
        if events:  # fan-out messages may have moved the state meanwhile: remote() skips
            self._carry(self.core.remote(since + 1, events))

    async def _sync_loop(self) -> None:
        """Poll the log while the fan-out is down (and now and then anyway), send the
        presence heartbeat, drop remote presence that stopped beating."""
        while not (self.broken or self.stopping):
            await asyncio.sleep(min(self.poll_interval, self.presence_heartbeat))
            mono = time.monotonic()
            if self.clients:
                every = self.poll_interval if not self.fanout.healthy else self.poll_safety
                if mono - self._last_poll_at >= every:
                    self._last_poll_at = mono
                    self._poll_due = True
                    self._wake()
            if self._stale:
                self._wake()  # try the database again, even with nobody typing
            if self.clients and mono - self.link.last_signal_at >= self.presence_heartbeat:
                self._signal_presence(force=True)
            now = time.time()
            gone = self.link.remote.expire(now)
            if gone:
                self._remote_left(gone, now)

    def _on_signal(self, origin: str, payload: dict[str, Any]) -> None:
        if origin == self.origin or self.broken or not isinstance(payload, dict):
            return
        self._peers = True
        kind = payload.get("type")
        if kind == "presence":
            now = time.time()
            changed, gone = self.link.remote.update(origin, payload, now)
            self._remote_left(gone, now)
            if changed:  # a heartbeat with the same set changes nothing shown
                self._presence_soon()
        elif kind == "revoke":
            hashes = payload.get("hashes")
            if isinstance(hashes, list):
                self.drop_grants(
                    [h for h in hashes if isinstance(h, str)],
                    str(payload.get("message") or "signed out"),
                    str(payload.get("reason") or "signed_out"),
                )

    def _remote_left(self, gone: set[str], now: float) -> None:
        local = {c.viewer_id for c in self.clients}
        still = self.link.remote.online()
        for viewer_id in gone:
            if viewer_id not in local and viewer_id not in still:
                self.offline_since[viewer_id] = now
        if gone:
            self._presence_soon()

    def _signal_presence(self, force: bool = False) -> None:
        online = {c.viewer_id: c.role for c in self.clients}
        self.link.signal_presence(
            online, {c.viewer_id for c in self.clients if c.typing}, force=force
        )

    async def revoke(self, hashes: list[str], message: str, reason: str) -> None:
        """Tokens deleted from storage: drop them here and on every other process."""
        self.drop_grants(hashes, message, reason)
        payload = {"type": "revoke", "hashes": hashes, "message": message, "reason": reason}
        await self.link.signal(payload)

    def drop_grants(self, hashes: Iterable[str], message: str, reason: str) -> None:
        """Forget tokens and close their sockets on this process (4001, signed out)."""
        gone = set(hashes)
        for hashed in gone:
            self.grants.pop(hashed, None)
        frame = error_frame(games.Rejection("unauthorized", message, reason=reason), None)
        for client in [*self.clients, *(c for c, _ in self._held)]:
            if client.grant_hash in gone:
                client.send(frame)
                client.close(CLOSE_SIGNED_OUT, "signed out", flush=True)
                self.detach(client)

    # -- clients ----------------------------------------------------------------------

    def attach(self, client: Connection, since: int | None) -> None:
        """Welcome a client (replay after ``since`` or a snapshot) and start its fan-out.

        Nothing awaits between building the welcome and joining ``clients``, so the
        client gets every later event exactly once. While a batch waits for its commit
        the welcome waits too (the state holds events that may not commit).
        """
        if self.core.pending:
            self._held.append((client, since))
            return
        self._welcome(client, since)

    def _welcome(self, client: Connection, since: int | None) -> None:
        self._end_tick()  # the welcome holds the gathered events: send them to the rest first
        you = {"id": client.viewer_id, "name": client.name, "role": client.role}
        client.send(self.core.welcome(you, since, time.time()))
        self.clients.add(client)
        self.offline_since.pop(client.viewer_id, None)
        self._presence_soon()

    def _welcome_held(self) -> None:
        if self.core.pending:
            return
        held, self._held = self._held, []
        for client, since in held:
            if not client.closing:
                self._welcome(client, since)

    def detach(self, client: Connection) -> None:
        self._held = [(c, s) for c, s in self._held if c is not client]
        if client in self.clients:
            self.clients.discard(client)
            if not any(c.viewer_id == client.viewer_id for c in self.clients):
                self.offline_since[client.viewer_id] = time.time()
            self.last_used = time.monotonic()  # idle from the last client's leaving
            self._presence_soon()

    @property
    def idle(self) -> bool:
        """No client here and nothing queued or waiting for a welcome."""
        return not self.clients and not self._held and self.queue.empty()

    def typing_changed(self) -> None:
        """A participant started or stopped a draft: presence carries the new count."""
        self._presence_soon()

    def _presence_soon(self) -> None:
        if self._presence_handle is None and not self.broken:
            loop = asyncio.get_running_loop()
            self._presence_handle = loop.call_later(self._presence_gap(), self._send_presence)

    def _presence_gap(self) -> float:
        """Seconds until the next presence frame: ``presence_interval``, longer on a board
        whose sockets would take more than ``presence_writes_per_second`` (at most 2 s)."""
        spread = len(self.clients) / self.presence_writes_per_second
        return max(self.presence_interval, min(PRESENCE_MAX_GAP, spread))

    def _send_presence(self) -> None:
        if self._presence_handle is not None:
            self._presence_handle.cancel()
            self._presence_handle = None
        if self._tick_effects is not None:
            # its counts already hold the events the tick still holds back: were it sent
            # first, a client would count them twice (once from counts, once per event)
            self._tick_effects.append(PresenceDue(now=True))
            return
        self._signal_presence()
        if not self.clients:
            return
        typing = {c.viewer_id for c in self.clients if c.typing} | self.link.remote.typing()
        frames = self.core.presence(self.online(), len(typing), time.time())
        public, facilitator = frames.public, frames.facilitator
        public_wire, facilitator_wire = Framed(public), Framed(facilitator)
        for client in self.clients:
            if client.role == "facilitator":
                client.send(facilitator, facilitator_wire)
            else:
                client.send(public, public_wire)
