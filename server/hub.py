"""All boards of the process: creates boards, loads each room once, closes them at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import time
import uuid
import zoneinfo
from typing import Any

from gamestorm import games
from gamestorm.games.commands import Join

from .config import Settings
from .connection import CLOSE_RESTART
from .fanout_local import InProcessFanout
from .keyed_locks import KeyedLocks
from .room import Room
from .seams import EventLog, Fanout
from .storage import BoardRow, Storage, TokenGrant
from .tokens import hash_token, join_code_length, new_id, new_join_code, new_token

CREATE_ATTEMPTS = 20


@functools.cache
def known_timezones() -> frozenset[str]:
    """The IANA zone names of the system's (or the ``tzdata`` package's) zone database."""
    return frozenset(zoneinfo.available_timezones() | {"UTC"})


def timezone_known(name: str) -> bool:
    """A name ``zoneinfo.ZoneInfo`` can load; checked here, since games/ reads no files."""
    return name in known_timezones()


def _idle(room: Room, cutoff: float) -> bool:
    """No client, nothing queued, no timer running, and unused since ``cutoff``."""
    return (
        room.idle
        and room.last_used < cutoff
        and not room.stopping
        and (room.state.timer is None or room.state.timer["ends_at"] < time.time())
    )


class Hub:
    """The boards of one process; several processes may serve the same boards, sharing
    the log (``event_log``, by default the storage) and a ``fanout`` (by default the
    in-process one), each under its own ``origin``."""

    def __init__(
        self,
        storage: Storage,
        catalog: dict[str, games.Game],
        settings: Settings,
        *,
        fanout: Fanout | None = None,
        origin: str | None = None,
        event_log: EventLog | None = None,
    ):
        self.storage = storage
        self.fanout: Fanout = fanout if fanout is not None else InProcessFanout()
        self.origin = origin or uuid.uuid4().hex
        self.event_log: EventLog = event_log if event_log is not None else storage
        self.catalog = catalog
        self.settings = settings
        self.rooms: dict[str, Room] = {}
        #: A lock per board being loaded or unloaded, with its number of users.
        #: Loading and unloading one board never overlap.
        self._loading = KeyedLocks()
        self._sweeper: asyncio.Task[None] | None = None
        #: Boards in the database (every code of theirs resolves); read on first create.
        self.boards_stored: int | None = None

    async def room(self, board_id: str) -> Room | None:
        """The live room of a board, loading it from its log on first use.

        An unknown id costs one indexed query and leaves nothing behind: its lock is
        dropped with its last waiter (it used to stay, about 240 bytes per id).
        """
        room = self.rooms.get(board_id)
        if room is not None:
            room.last_used = time.monotonic()
            return room
        async with self._loading.hold(board_id):
            room = self.rooms.get(board_id)
            if room is not None:
                room.last_used = time.monotonic()
                return room
            log_events = await self.event_log.read(board_id, 0)
            if not log_events:
                return None
            grants = await self.storage.load_grants(board_id)
            board = await self.storage.board(board_id)
            room = Room.from_log(
                log_events,
                storage=self.storage,
                grants=grants,
                join_code=board.join_code if board else "",
                public_url=self.settings.public_url,
                link_scope=self.settings.public_url_scope,
                limits=self.settings.limits,
                replay_window=self.settings.replay_window,
                presence_interval=self.settings.presence_interval,
                presence_writes_per_second=self.settings.presence_writes_per_second,
                packet_tick=self.settings.packet_tick,
                packet_offline_grace=self.settings.packet_offline_grace,
                on_broken=self._forget,
                event_log=self.event_log,
                fanout=self.fanout,
                origin=self.origin,
                poll_interval=self.settings.poll_interval,
                poll_safety=self.settings.poll_safety,
                presence_heartbeat=self.settings.presence_heartbeat,
                presence_expiry=self.settings.presence_expiry,
                fanout_tick=self.settings.fanout_tick,
            )
            room.last_used = time.monotonic()
            room.start()
            self.rooms[board_id] = room
            return room

    async def grant(self, room: Room, token: str) -> TokenGrant | None:
        """The token's grant on this board. One issued by another process (a join or an
        invite redeemed there) is looked up in the database and kept (issue 13)."""
        hashed = hash_token(token)
        grant = room.grants.get(hashed)
        if grant is None:
            stored = await self.storage.grant(hashed)
            if stored is None or stored.board_id != room.board_id:
                return None
            grant = room.grants.setdefault(hashed, stored)
        return grant if hmac.compare_digest(grant.hash, hashed) else None

    def sync_status(self) -> dict[str, Any]:
        """For /healthz: this process, its fan-out, and how its live boards keep current
        ("fanout", or "polling" the log while the fan-out is down)."""
        modes = [room.sync_mode for room in self.rooms.values()]
        return {
            "origin": self.origin,
            "fanout": self.fanout.status(),
            "mode": "fanout" if self.fanout.healthy else "polling",
            "boards_polling": modes.count("polling"),
            # appends lost to another process's (decided again), and refusals decided
            # again on a newer log, over the boards live now
            "conflicts": sum(room.conflicts for room in self.rooms.values()),
            "stale_refusals": sum(room.stale_refusals for room in self.rooms.values()),
        }

    def start(self) -> None:
        """Begin unloading idle boards (from the app's lifespan)."""
        if self.settings.idle_unload_seconds > 0 and self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep(), name="unload-idle-boards")

    async def _sweep(self) -> None:
        idle = self.settings.idle_unload_seconds
        while True:
            await asyncio.sleep(min(30.0, max(0.2, idle / 4)))
            cutoff = time.monotonic() - idle
            for board_id, room in list(self.rooms.items()):
                if _idle(room, cutoff):
                    await self._unload(board_id, room, cutoff)

    async def _unload(self, board_id: str, room: Room, cutoff: float) -> None:
        """Drop an idle room; a hello or join meanwhile waits and loads it from the log.

        Under the board's lock, so a reload starts only after this room's writer has
        finished (and committed) everything queued to it; a caller that already holds
        the room used it within the last ``idle`` seconds, so it is not idle.
        """
        async with self._loading.hold(board_id):
            if self.rooms.get(board_id) is not room or not _idle(room, cutoff):
                return
            del self.rooms[board_id]
            await room.stop()

    def _forget(self, room: Room) -> None:
        if self.rooms.get(room.board_id) is room:
            del self.rooms[room.board_id]

    async def create_board(self, options: dict[str, Any]) -> dict[str, Any]:
        """Check the options, then store the board with its facilitator and projector tokens."""
        game_id = options.get("game", "gamestorm")
        if not isinstance(game_id, str):
            raise games.Rejection("bad_request", "'game' must be a string")
        game = self.catalog.get(game_id)
        if game is None:
            raise games.Rejection(
                "invalid", f"unknown game {game_id[:60]!r}; known: {', '.join(self.catalog)}"
            )
        board_id, facilitator_id = new_id(), new_id()
        created = games.create_board(
            options,
            game=game,
            board_id=board_id,
            facilitator_id=facilitator_id,
            now=time.time(),
            timezone_known=timezone_known,
        )
        facilitator_token, projector_token = new_token(), new_token()
        grants = [
            TokenGrant(hash_token(facilitator_token), board_id, facilitator_id, "facilitator"),
            TokenGrant(hash_token(projector_token), board_id, "projector-" + new_id(), "projector"),
        ]
        if self.boards_stored is None:
            self.boards_stored = await self.storage.count_boards()
        length = join_code_length(self.boards_stored, self.settings.join_code_odds)
        for _ in range(CREATE_ATTEMPTS):
            join_code = new_join_code(length)
            if not await self.storage.join_code_taken(join_code):
                break
        else:  # pragma: no cover - 887 million codes
            raise games.Rejection("rate_limited", "no free join code; try again")
        await self.storage.create_board(
            BoardRow(id=board_id, join_code=join_code, created_at=created.at),
            grants,
            games.to_dict(created),
        )
        self.boards_stored += 1
        return {
            "board_id": board_id,
            "join_code": join_code,
            "facilitator_token": facilitator_token,
            "projector_token": projector_token,
        }

    async def join(self, join_code: str, name: Any) -> dict[str, Any]:
        board = await self.storage.board_by_code(join_code)
        if board is None:
            raise games.Rejection("not_found", "no board has this join code")
        room = await self.room(board.id)
        if room is None:  # pragma: no cover - a board row always has its first event
            raise games.Rejection("not_found", "no board has this join code")
        self.storage.check()  # a join that cannot be kept is refused (503), not queued
        participant_id, token = new_id(), new_token()
        grant = TokenGrant(hash_token(token), board.id, participant_id, "participant")
        if not isinstance(name, str):
            raise games.Rejection("bad_request", "'name' must be a string")
        await room.run(Join(participant_id, name), grants=(grant,))
        return {"board_id": board.id, "participant_id": participant_id, "token": token}

    async def drain(self, within: float = 5.0) -> None:
        """Before the sockets close: finish every queued command and deliver its ack."""
        rooms = list(self.rooms.values())
        await asyncio.gather(*(room.stop() for room in rooms))
        await asyncio.gather(*(c.flushed(within) for room in rooms for c in room.clients))

    async def close(self) -> None:
        """Finish queued commands of every board and tell clients to come back."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for room in list(self.rooms.values()):
            await room.stop()
            for client in list(room.clients):
                client.close(CLOSE_RESTART, "server restarting; reconnect with since")
        self.rooms.clear()
