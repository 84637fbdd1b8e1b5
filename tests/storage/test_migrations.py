"""Alembic migrations on SQLite and PostgreSQL: from empty, from the old create_all
schema (boards of earlier versions keep working), concurrent starts, the CLI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from old_logs import OLD_TABLES, realistic_log, write_old_board
from sqlalchemy import Connection, select, text
from sqlmodel import SQLModel

from gamestorm import games
from gamestorm.server import migrate
from gamestorm.server.storage import EventRow, Storage
from support.databases import fresh_postgres
from support.live import ROOT


def _schema_diff(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


async def test_an_empty_database_is_migrated_to_the_tables_of_the_code(backend_url: str) -> None:
    store = Storage(backend_url)
    try:
        assert await migrate.current_revision(store.engine) is None
        await store.open()
        assert await migrate.current_revision(store.engine) == migrate.head_revision()
        async with store.engine.connect() as conn:
            assert await conn.run_sync(_schema_diff) == []
        await store.open()  # a second start finds it at head and changes nothing
        assert await migrate.current_revision(store.engine) == migrate.head_revision()
    finally:
        await store.close()


async def test_a_database_of_the_create_all_era_is_stamped_upgraded_and_its_board_loads(
    backend_url: str,
) -> None:
    log = realistic_log()
    old = Storage(backend_url)
    async with old.engine.begin() as conn:
        await conn.run_sync(OLD_TABLES.create_all)
    await write_old_board(old.engine, log)
    await old.close()

    store = Storage(backend_url)
    try:
        await store.open()
        assert await migrate.current_revision(store.engine) == migrate.head_revision()
        async with store.engine.connect() as conn:
            assert await conn.run_sync(_schema_diff) == []
            versions = (await conn.execute(select(EventRow.version))).scalars().all()
        assert versions == [1, 1, 1]  # rows from before versions existed are v1
        board = await store.board_by_code("OLDCODE")
        assert board is not None and board.id == "old-board"
        grant = await store.grant("h-fay")
        assert grant is not None and grant.role == "facilitator"
        state = games.fold(games.from_dict(e) for e in await store.read("old-board"))
        assert state.title == "Retro, before the upgrade"
        assert set(state.participants) >= {"p-ann"}
        assert state.notes["n-1"].text == "more coffee"
        # and the board goes on: the next event is seq 4
        await store.append("old-board", 4, [{"kind": "prompt.set", "text": "go on"}])
        assert len(await store.read("old-board")) == 4
    finally:
        await store.close()


async def test_a_database_of_a_newer_gamestorm_is_refused_with_a_clear_message(
    backend_url: str,
) -> None:
    store = Storage(backend_url)
    try:
        await store.open()
        async with store.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(migrate.SchemaTooNew, match="revision 9999"):
            await store.open()
    finally:
        await store.close()


async def test_processes_starting_at_once_on_postgresql_do_not_race() -> None:
    with fresh_postgres() as url:
        stores = [Storage(url) for _ in range(4)]
        try:
            await asyncio.gather(*(s.open() for s in stores))
            assert {await migrate.current_revision(s.engine) for s in stores} == {
                migrate.head_revision()
            }
        finally:
            for s in stores:
                await s.close()


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gamestorm.server.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_gamestorm_migrate_upgrades_and_prints_the_revision(tmp_path: Path) -> None:
    with fresh_postgres() as url:
        plain = url.replace("postgresql+asyncpg://", "postgresql://")
        done = _cli("migrate", "--db", plain)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith(f"at revision {migrate.head_revision()}")
    db = tmp_path / "board.db"
    done = _cli("migrate", env={"GAMESTORM_DB": f"sqlite+aiosqlite:///{db}"})
    assert done.returncode == 0 and db.exists(), done.stderr
    assert f"at revision {migrate.head_revision()}" in done.stdout


def test_gamestorm_migrate_on_an_unreachable_database_says_so_without_a_traceback() -> None:
    done = _cli("migrate", "--db", "postgres://postgres:secret@127.0.0.1:1/nothing")
    assert done.returncode == 1
    assert "could not migrate" in done.stderr and "Traceback" not in done.stderr
    assert "secret" not in done.stderr + done.stdout  # the password is not printed


def test_the_migrations_are_packages_of_the_install() -> None:
    """pyproject's ``packages.find`` (include ``gamestorm*``) ships what setuptools finds
    here: env.py's package and the revisions' package, through the ``server`` symlink,
    so ``pip install .`` and ``pip install -e .`` both carry every revision."""
    from setuptools import find_packages

    found = set(find_packages(where=str(ROOT), include=["gamestorm*"]))
    assert {"gamestorm.server.migrations", "gamestorm.server.migrations.versions"} <= found
    location = Path(migrate.SCRIPT_LOCATION)
    assert (location / "env.py").is_file()
    shipped = sorted(p.name for p in (location / "versions").glob("0*.py"))
    assert shipped[0].startswith("0001") and len(shipped) >= 3
