"""Durable storage: boards, hashed tokens and the append-only event log.

The event log is the source of truth: a board's state is the fold of its events. Events
of one board are numbered by ``seq`` (1, 2, 3, ...); the primary key (board_id, seq)
makes a gap or a duplicate impossible to commit, so a second writer of the same seq
(another process) gets ``LogConflict``. Each row carries the version of its stored form;
``read`` upcasts older ones (games/upcast.py), the log is never rewritten.

Two databases, one code path: SQLite (the embedded default) and PostgreSQL over asyncpg
(several processes on one database). The schema is Alembic's (server/migrate.py, run by
``open``). SQLite only: WAL mode with ``synchronous=NORMAL`` (a committed transaction
survives a killed process, not necessarily a power cut), writes serialised by one lock
(SQLite has one writer anyway), and the check that the file is still the one opened.
On PostgreSQL the primary key does the refusing; a lost connection (a restart) is
found by a ping at checkout and replaced, and an operation during an outage fails
within ``PG_CONNECT_TIMEOUT``/``PG_COMMAND_TIMEOUT`` seconds instead of hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson
from sqlalchemy import delete, func, insert, text, update
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, InterfaceError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gamestorm.games.upcast import current_version, upcast

from . import migrate
from .invites import Invite, invite_status
from .seams import Decision, LogConflict
from .sqlite_append import Busy, SqliteAppender

log = logging.getLogger("gamestorm.storage")

#: What ``--db memory`` stands for: SQLite in memory, for a demo (nothing is kept).
MEMORY_URL = "sqlite+aiosqlite://"
#: Seconds to open a PostgreSQL connection, and for one statement: during an outage an
#: operation fails by then (the client is told to retry) rather than hang.
PG_CONNECT_TIMEOUT = 5.0
PG_COMMAND_TIMEOUT = 10.0

#: Every append to a board on PostgreSQL holds the board's advisory lock until it
#: commits, so a writer holding it for a whole read-decide-append (a turn) is never
#: overtaken.
_BOARD_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def board_lock_key(board_id: str) -> int:
    """The board's advisory lock key, the same in every process (a signed 64-bit int)."""
    digest = hashlib.blake2b(board_id.encode(), digest_size=8, person=b"gs-board").digest()
    return int.from_bytes(digest, "big", signed=True)


#: What an operation raises when the database server cannot be reached: refused, timed
#: out, starting up, the connection cut. Nothing was kept; the client may retry.
UNREACHABLE: tuple[type[Exception], ...] = (
    ConnectionError,
    TimeoutError,
    InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
)


def database_url(url: str) -> str:
    """The SQLAlchemy URL for what an operator wrote: ``postgres://`` and
    ``postgresql://`` (the forms libpq and hosting services print) mean asyncpg."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+asyncpg://" + url[len(prefix) :]
    parsed = make_url(url)
    if parsed.drivername == "postgresql+asyncpg" and "sslmode" in parsed.query:
        # libpq's ?sslmode=require is asyncpg's ?ssl=require
        mode = parsed.query["sslmode"]
        parsed = parsed.difference_update_query(["sslmode"]).update_query_dict({"ssl": mode})
        return parsed.render_as_string(hide_password=False)
    return url


def is_postgres(url: str) -> bool:
    return make_url(database_url(url)).get_backend_name() == "postgresql"


def shown_url(url: str) -> str:
    """The URL without its password, for logs and the startup line."""
    return make_url(database_url(url)).render_as_string(hide_password=True)


class StorageUnavailable(Exception):
    """The database cannot keep what it is told (its file was deleted or replaced):
    nothing may be acknowledged until the operator fixes it and restarts."""


def in_memory(url: str) -> bool:
    """A SQLite URL that keeps nothing on disk (``sqlite+aiosqlite:///`` is one)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return False
    return parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory"


def sqlite_file(url: str) -> str | None:
    """The path of a file-backed SQLite database, else None."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or in_memory(url) or not parsed.database:
        return None
    database = parsed.database
    if database.startswith("file:"):  # a URI filename
        database = database[5:]
    return database


class BoardRow(SQLModel, table=True):
    __tablename__ = "boards"
    id: str = Field(primary_key=True)
    join_code: str = Field(unique=True, index=True)
    created_at: float


class TokenRow(SQLModel, table=True):
    __tablename__ = "tokens"
    #: sha256 of the token; the token itself is never stored.
    hash: str = Field(primary_key=True)
    board_id: str = Field(index=True)
    participant_id: str
    role: str


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    board_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    kind: str
    data: bytes
    #: Version of the stored form of this kind (games/upcast.py); rows from before: 1.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class InviteRow(SQLModel, table=True):
    __tablename__ = "invites"
    #: sha256 of the invite code; the code itself is never stored.
    hash: str = Field(primary_key=True)
    board_id: str = Field(index=True)
    expires_at: float
    #: Kept after use until it expires, so a second redeem hears "used", not "unknown".
    used: bool = False


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """A token's hash and what it lets its holder be on one board."""

    hash: str
    board_id: str
    participant_id: str
    role: str


class Storage:
    """The event log, tokens, boards and invites of one database (SQLite or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self.url = url = database_url(url)
        self.postgres = is_postgres(url)
        if self.postgres:
            self.engine: AsyncEngine = create_async_engine(
                url,
                pool_pre_ping=True,  # a connection from before a restart is replaced
                pool_timeout=PG_COMMAND_TIMEOUT,
                connect_args={"timeout": PG_CONNECT_TIMEOUT, "command_timeout": PG_COMMAND_TIMEOUT},
            )
        else:
            self.engine = create_async_engine(url)
            sa_event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        # one writer at a time on SQLite; on PostgreSQL the (board_id, seq) key decides
        self._write_lock: contextlib.AbstractAsyncContextManager[Any] = (
            contextlib.nullcontext() if self.postgres else asyncio.Lock()
        )
        #: The database file and its (device, inode) when opened: a file deleted or
        #: replaced while running means commits go nowhere a restart would find.
        self.path = sqlite_file(url)
        self._identity: tuple[int, int] | None = None
        #: Why the database can no longer be trusted (sticky until a restart), or None.
        self.fault: str | None = None
        #: A file's appends, straight on the loop (sqlite_append.py); None: the slow path.
        self._fast: SqliteAppender | None = None
        if self.path is not None:
            database = make_url(url).database or self.path
            self._fast = SqliteAppender(database, EventRow.__table__, TokenRow.__table__)  # type: ignore[attr-defined]
        self._checkpoint: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Upgrade the schema to this code's (migrate.py), then watch the SQLite file."""
        await migrate.upgrade(self.engine)
        if self.path is not None:
            stat = os.stat(self.path)
            self._identity = (stat.st_dev, stat.st_ino)

    def check(self) -> None:
        """Raise StorageUnavailable if the database file is gone or another file.

        Called before and after every write (a stat, about a microsecond): after a
        commit, so a commit into a deleted file is never acknowledged.
        """
        if self.fault is None and self.path is not None and self._identity is not None:
            try:
                stat = os.stat(self.path)
                if (stat.st_dev, stat.st_ino) != self._identity:
                    self.fault = f"the database file {self.path} was replaced while running"
            except OSError as error:
                self.fault = (
                    f"the database file {self.path} is gone ({error.strerror}); "
                    "restore it or restart the server"
                )
            if self.fault is not None:
                log.critical("%s: nothing is acknowledged any more", self.fault)
        if self.fault is not None:
            raise StorageUnavailable(self.fault)

    async def close(self) -> None:
        if self._checkpoint is not None:
            with contextlib.suppress(Exception):
                await self._checkpoint
        if self._fast is not None:
            self._fast.close()
        await self.engine.dispose()

    async def create_board(
        self, board: BoardRow, grants: Sequence[TokenGrant], first_event: dict[str, Any]
    ) -> None:
        """The board, its first tokens and its ``board.created`` event, all or nothing."""
        async with self._write_lock, AsyncSession(self.engine) as session:
            self.check()
            session.add(board)
            await self._insert(session, board.id, 1, [first_event], grants)
            await session.commit()
            self.check()

    async def append(
        self,
        board_id: str,
        expected_seq: int,
        events: Sequence[dict[str, Any]],
        grants: Iterable[TokenGrant] = (),
    ) -> None:
        """Commit events numbered from ``expected_seq`` (and tokens issued with them);
        ``LogConflict`` if another writer has that seq already (nothing is kept)."""
        async with self._write_lock:
            self.check()
            if self._fast is not None and await self._append_fast(
                board_id, expected_seq, events, list(grants)
            ):
                return
            async with AsyncSession(self.engine) as session:
                await self._lock_board(session, board_id)
                await self._commit(session, board_id, expected_seq, events, list(grants))
            self.check()

    async def append_in_turn(
        self, board_id: str, since: int, decide: Callable[[list[dict[str, Any]]], Decision]
    ) -> None:
        """The board's turn (``TurnLog``): on PostgreSQL its advisory lock is held from the
        read of what came after ``since`` to the commit of what ``decide`` made of it, and
        every other append waits for it. On a SQLite file the turn is the file's write lock
        (taken before the read, on the loop's connection); while another process holds it,
        this is an optimistic append after all."""
        async with self._write_lock:
            self.check()
            if self._fast is not None and self._turn_fast(board_id, since, decide):
                return
            async with AsyncSession(self.engine) as session:
                await self._lock_board(session, board_id)
                decided = decide(await self._read(session, board_id, since))
                if decided.events:
                    await self._commit(
                        session, board_id, decided.expected_seq, decided.events, decided.grants
                    )
            self.check()

    async def _lock_board(self, session: AsyncSession, board_id: str) -> None:
        if self.postgres:
            connection = await session.connection()
            await connection.execute(_BOARD_LOCK, {"key": board_lock_key(board_id)})

    async def _commit(
        self,
        session: AsyncSession,
        board_id: str,
        expected_seq: int,
        events: Sequence[dict[str, Any]],
        grants: Sequence[TokenGrant],
    ) -> None:
        try:
            await self._insert(session, board_id, expected_seq, events, grants)
            await session.commit()
        except IntegrityError as error:
            await session.rollback()
            if await self._seq_taken(board_id, expected_seq):
                raise LogConflict(board_id, expected_seq) from error
            raise

    async def _append_fast(
        self,
        board_id: str,
        expected_seq: int,
        events: Sequence[dict[str, Any]],
        grants: Sequence[TokenGrant],
    ) -> bool:
        """The append on the loop's own connection; False: the database is locked by
        another process, nothing was written (the slow path waits for the lock)."""
        fast = self._fast
        assert fast is not None
        try:
            fast.append(board_id, expected_seq, events, grants)
        except Busy:
            return False
        except sqlite3.IntegrityError as error:
            if await self._seq_taken(board_id, expected_seq):
                raise LogConflict(board_id, expected_seq) from error
            raise
        self.check()
        self._checkpoint_soon(fast)
        return True

    def _turn_fast(
        self, board_id: str, since: int, decide: Callable[[list[dict[str, Any]]], Decision]
    ) -> bool:
        """``append_in_turn`` on the loop's connection; False: locked, nothing decided."""
        fast = self._fast
        assert fast is not None
        try:
            fast.append_in_turn(board_id, since, decide)
        except Busy:
            return False
        except sqlite3.IntegrityError as error:  # a token taken; a seq only by a bug
            raise LogConflict(board_id, since + 1) from error
        self.check()
        self._checkpoint_soon(fast)
        return True

    def _checkpoint_soon(self, fast: SqliteAppender) -> None:
        if fast.checkpoint_due() and self._checkpoint is None:
            self._checkpoint = asyncio.create_task(self._checkpoint_off_loop(fast))

    async def _checkpoint_off_loop(self, fast: SqliteAppender) -> None:
        try:
            await asyncio.to_thread(fast.checkpoint)
        except sqlite3.Error as error:
            log.warning("a WAL checkpoint failed (tried again later): %s", error)
        finally:
            self._checkpoint = None

    async def _seq_taken(self, board_id: str, seq: int) -> bool:
        async with AsyncSession(self.engine) as session:
            row = await session.get(EventRow, (board_id, seq))
            return row is not None

    async def read(self, board_id: str, since: int = 0) -> list[dict[str, Any]]:
        """The events after seq ``since``, in order, upcast to their current versions."""
        async with AsyncSession(self.engine) as session:
            return await self._read(session, board_id, since)

    @staticmethod
    async def _read(session: AsyncSession, board_id: str, since: int) -> list[dict[str, Any]]:
        result = await session.exec(
            select(EventRow.kind, EventRow.version, EventRow.data)
            .where(EventRow.board_id == board_id, EventRow.seq > since)
            .order_by(col(EventRow.seq))
        )
        return [upcast(kind, version, orjson.loads(data)) for kind, version, data in result]

    async def grant(self, token_hash: str) -> TokenGrant | None:
        """A token issued by any process (its room may not have heard of it yet)."""
        async with AsyncSession(self.engine) as session:
            t = await session.get(TokenRow, token_hash)
            return TokenGrant(t.hash, t.board_id, t.participant_id, t.role) if t else None

    @staticmethod
    async def _insert(
        session: AsyncSession,
        board_id: str,
        first_seq: int,
        events: Sequence[dict[str, Any]],
        grants: Sequence[TokenGrant],
    ) -> None:
        if grants:
            await (await session.connection()).execute(
                insert(TokenRow),
                [
                    {
                        "hash": g.hash,
                        "board_id": g.board_id,
                        "participant_id": g.participant_id,
                        "role": g.role,
                    }
                    for g in grants
                ],
            )
        if events:
            await (await session.connection()).execute(
                insert(EventRow),
                [
                    {
                        "board_id": board_id,
                        "seq": first_seq + i,
                        "kind": e["kind"],
                        "version": current_version(e["kind"]),
                        "data": orjson.dumps(e),
                    }
                    for i, e in enumerate(events)
                ],
            )

    async def add_grants(self, grants: Sequence[TokenGrant]) -> None:
        """Store tokens issued without an event (facilitator invites, share links)."""
        if not grants:
            return
        async with self._write_lock, AsyncSession(self.engine) as session:
            self.check()
            await self._insert(session, grants[0].board_id, 0, [], grants)
            await session.commit()
            self.check()

    async def delete_grants(self, hashes: Sequence[str]) -> None:
        """Forget revoked tokens: a revoked token is refused after a restart too."""
        if not hashes:
            return
        async with self._write_lock, AsyncSession(self.engine) as session:
            self.check()
            await (await session.connection()).execute(
                delete(TokenRow).where(TokenRow.hash.in_(list(hashes)))  # type: ignore[attr-defined]
            )
            await session.commit()

    async def add_invite(
        self, invite_hash: str, board_id: str, expires_at: float, now: float, keep: int
    ) -> None:
        """Store an invite; forget expired ones, and the board's oldest open ones beyond
        ``keep`` (each click makes one; the table stays bounded)."""
        async with self._write_lock, AsyncSession(self.engine) as session:
            self.check()
            await (await session.connection()).execute(
                delete(InviteRow).where(col(InviteRow.expires_at) <= now)
            )
            open_ones = await session.exec(
                select(InviteRow.hash)
                .where(InviteRow.board_id == board_id, col(InviteRow.used).is_(False))
                .order_by(col(InviteRow.expires_at).desc())
                .offset(max(0, keep - 1))
            )
            stale = list(open_ones.all())
            if stale:
                await (await session.connection()).execute(
                    delete(InviteRow).where(col(InviteRow.hash).in_(stale))
                )
            session.add(InviteRow(hash=invite_hash, board_id=board_id, expires_at=expires_at))
            await session.commit()
            self.check()

    async def take_invite(
        self, invite_hash: str, board_id: str | None, now: float
    ) -> tuple[str, str | None]:
        """Use up an invite: its status (``ok`` once per invite, across every process on
        this database: the conditional UPDATE lets one redeemer win) and its board."""
        async with self._write_lock, AsyncSession(self.engine) as session:
            self.check()
            row = await session.get(InviteRow, invite_hash)
            found = Invite(row.board_id, row.expires_at, row.used) if row is not None else None
            status = invite_status(found, board_id, now)
            if status == "ok":
                won = await (await session.connection()).execute(
                    update(InviteRow)
                    .where(
                        col(InviteRow.hash) == invite_hash,
                        col(InviteRow.used).is_(False),
                        col(InviteRow.expires_at) > now,
                    )
                    .values(used=True)
                )
                await session.commit()
                self.check()
                if won.rowcount != 1:
                    status = "used"  # another redeemer (another process) came first
            if found is None or status == "unknown":
                return status, None
            return status, found.board_id

    async def drop_invites(self, board_id: str) -> None:
        """Forget a board's invites (its facilitator signed the other devices out)."""
        async with self._write_lock, AsyncSession(self.engine) as session:
            self.check()
            await (await session.connection()).execute(
                delete(InviteRow).where(col(InviteRow.board_id) == board_id)
            )
            await session.commit()

    async def load_events(self, board_id: str) -> list[dict[str, Any]]:
        return await self.read(board_id, 0)

    async def load_grants(self, board_id: str) -> list[TokenGrant]:
        async with AsyncSession(self.engine) as session:
            result = await session.exec(select(TokenRow).where(TokenRow.board_id == board_id))
            return [TokenGrant(t.hash, t.board_id, t.participant_id, t.role) for t in result.all()]

    async def board_by_code(self, join_code: str) -> BoardRow | None:
        async with AsyncSession(self.engine) as session:
            result = await session.exec(select(BoardRow).where(BoardRow.join_code == join_code))
            return result.first()

    async def board(self, board_id: str) -> BoardRow | None:
        async with AsyncSession(self.engine) as session:
            return await session.get(BoardRow, board_id)

    async def join_code_taken(self, join_code: str) -> bool:
        return await self.board_by_code(join_code) is not None

    async def count_boards(self) -> int:
        async with AsyncSession(self.engine) as session:
            result = await session.exec(select(func.count()).select_from(BoardRow))
            return int(result.one())

    async def board_ids(self) -> list[str]:
        async with AsyncSession(self.engine) as session:
            result = await session.exec(select(BoardRow.id))
            return list(result.all())


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
