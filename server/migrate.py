"""Bring a database to the schema this code expects (Alembic, SQLite and PostgreSQL).

Runs at every start (``Storage.open``) and as ``gamestorm migrate``. A database made
before migrations existed (by ``create_all``: the tables, no ``alembic_version``) is
stamped at 0001, the schema it has, and upgraded from there, so its boards keep
working. On PostgreSQL several processes may start at once: the whole upgrade is one
transaction holding an advisory lock, so one upgrades and the others then find the
database at head. (SQLite runs one process per file.)
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

#: Where the revisions live, inside the installed package (no alembic.ini needed).
SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"
#: The revision whose schema ``create_all`` made before migrations existed.
BASELINE = "0001"
#: ``pg_advisory_xact_lock`` key for the upgrade ("gamestorm" in a 64-bit integer).
ADVISORY_LOCK_KEY = 0x67616D6573746F72


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return config


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer Gamestorm: this one must not write to it."""


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


async def upgrade(engine: AsyncEngine) -> str:
    """Upgrade to head; the revision the database is at afterwards."""
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
        return await conn.run_sync(_upgrade)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


def _upgrade(connection: Connection) -> str:
    config = alembic_config()
    config.attributes["connection"] = connection
    tables = set(inspect(connection).get_table_names())
    if "events" in tables and "alembic_version" not in tables:
        command.stamp(config, BASELINE)  # made by create_all before migrations existed
    at = MigrationContext.configure(connection).get_current_revision()
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if at is not None and at not in known:
        raise SchemaTooNew(
            f"the database is at schema revision {at}, which this Gamestorm does not know "
            f"(its newest is {head_revision()}): run the newer version, or restore a backup"
        )
    try:
        command.upgrade(config, "head")
    except CommandError as error:  # pragma: no cover - a broken revision chain
        raise RuntimeError(f"cannot migrate the database: {error}") from error
    revision = MigrationContext.configure(connection).get_current_revision()
    assert revision is not None
    return revision
