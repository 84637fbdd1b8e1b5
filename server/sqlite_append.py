"""SQLite appends in the event loop's own thread: the hot path of every move.

An append is a few rows and a commit, in WAL mode with ``synchronous=NORMAL``: about
10 µs of SQLite and no fsync. Through SQLAlchemy's async session and aiosqlite's thread
the same append took 0.8 ms (3 ms at p99), all of it thread hops and statement building,
and it was the largest part of what a move waits for on a busy board. Here the rows are
written directly, on a connection of the storage's own, with statements compiled once
from the tables. What could take long stays off the loop:

- a checkpoint (it fsyncs): this connection never checkpoints by itself
  (``wal_autocheckpoint=0``); ``checkpoint`` runs one in a thread, every
  ``CHECKPOINT_EVERY`` appends, on a connection of its own;
- a lock held by another process: ``busy_timeout=0``, so a locked database raises
  ``Busy`` at once and the caller takes the slow path, which waits in aiosqlite's thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Table, insert
from sqlalchemy.dialects import sqlite

from gamestorm.games.upcast import current_version, upcast

if TYPE_CHECKING:
    from .seams import Decision

#: Appends between two checkpoints (a move is about two WAL pages: ~2 MB of WAL at most).
CHECKPOINT_EVERY = 256


class Busy(Exception):
    """Another connection (another process) holds the write lock: try the slow path."""


def _statement(table: Table) -> tuple[str, list[str]]:
    """The positional INSERT for ``table`` and the column order it binds."""
    compiled = insert(table).compile(dialect=sqlite.dialect())
    return str(compiled), list(compiled.positiontup or [])


class SqliteAppender:
    """Events (and the tokens issued with them) committed in one transaction, at once."""

    def __init__(self, database: str, events: Table, tokens: Table) -> None:
        self.database = database
        self.uri = database.startswith("file:")
        self._events_sql, self._event_columns = _statement(events)
        self._tokens_sql, self._token_columns = _statement(tokens)
        self._tail_sql = (
            f"SELECT kind, version, data FROM {events.name} WHERE board_id = ? AND seq > ? "
            "ORDER BY seq"
        )
        self._con: sqlite3.Connection | None = None
        #: Appends since the last checkpoint was started.
        self.since_checkpoint = 0

    def _connection(self) -> sqlite3.Connection:
        if self._con is None:
            con = sqlite3.connect(
                self.database, uri=self.uri, isolation_level=None, check_same_thread=False
            )
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA busy_timeout=0")
            con.execute("PRAGMA wal_autocheckpoint=0")
            self._con = con
        return self._con

    def append(
        self,
        board_id: str,
        first_seq: int,
        events: Sequence[dict[str, Any]],
        grants: Sequence[Any],
    ) -> None:
        """Commit all or nothing. Raises ``Busy`` (nothing written: try elsewhere),
        ``sqlite3.IntegrityError`` (a seq or token taken) or another ``sqlite3.Error``
        (a full disk, a read-only file)."""
        con = self._begin()
        try:
            self._write(con, board_id, first_seq, events, grants)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        self.since_checkpoint += 1

    def append_in_turn(
        self, board_id: str, since: int, decide: Callable[[list[dict[str, Any]]], Decision]
    ) -> None:
        """The board's turn (``TurnLog``): the write lock is taken first, so the events
        after ``since`` that ``decide`` is given are the last ones until it commits.
        ``Busy`` before ``decide`` is called, as ``append``."""
        con = self._begin()
        try:
            rows = con.execute(self._tail_sql, (board_id, since)).fetchall()
            tail = [upcast(kind, version, orjson.loads(data)) for kind, version, data in rows]
            decided = decide(tail)
            self._write(con, board_id, decided.expected_seq, decided.events, decided.grants)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        self.since_checkpoint += 1

    def _begin(self) -> sqlite3.Connection:
        con = self._connection()
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if (error.sqlite_errorcode & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise Busy(str(error)) from error
            raise
        return con

    def _write(
        self,
        con: sqlite3.Connection,
        board_id: str,
        first_seq: int,
        events: Sequence[dict[str, Any]],
        grants: Sequence[Any],
    ) -> None:
        if grants:
            con.executemany(
                self._tokens_sql,
                [tuple(getattr(g, column) for column in self._token_columns) for g in grants],
            )
        if events:
            con.executemany(
                self._events_sql,
                [self._event_row(board_id, first_seq + i, e) for i, e in enumerate(events)],
            )

    def _event_row(self, board_id: str, seq: int, event: dict[str, Any]) -> tuple[Any, ...]:
        values = {
            "board_id": board_id,
            "seq": seq,
            "kind": event["kind"],
            "version": current_version(event["kind"]),
            "data": orjson.dumps(event),
        }
        return tuple(values[column] for column in self._event_columns)

    def checkpoint_due(self) -> bool:
        return self.since_checkpoint >= CHECKPOINT_EVERY

    def checkpoint(self) -> None:
        """Copy the WAL into the database file (blocking, fsyncs: run it in a thread).
        PASSIVE: it never waits for, nor blocks, the writer."""
        self.since_checkpoint = 0
        con = sqlite3.connect(self.database, uri=self.uri, isolation_level=None)
        try:
            con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            con.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
