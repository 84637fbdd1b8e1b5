"""Boards as earlier versions of Gamestorm stored them, written straight into a database.

``OLD_TABLES`` is a copy of the SQLModel tables before migrations existed (what
``create_all`` made); ``realistic_log`` is a short real board; ``as_v1`` strips what a
v1 ``board.created`` lacked (no language, time zone or sharing options yet).
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Column, Float, Index, Integer, LargeBinary, MetaData, Table
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.sql.sqltypes import AutoString

from gamestorm import games
from gamestorm.games import events as ev
from gamestorm.server.catalog import builtin_games

OLD_TABLES = MetaData()
Table(
    "boards",
    OLD_TABLES,
    Column("id", AutoString, primary_key=True),
    Column("join_code", AutoString, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_boards_join_code", "join_code", unique=True),
)
Table(
    "tokens",
    OLD_TABLES,
    Column("hash", AutoString, primary_key=True),
    Column("board_id", AutoString, nullable=False),
    Column("participant_id", AutoString, nullable=False),
    Column("role", AutoString, nullable=False),
    Index("ix_tokens_board_id", "board_id"),
)
Table(
    "events",
    OLD_TABLES,
    Column("board_id", AutoString, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", AutoString, nullable=False),
    Column("data", LargeBinary, nullable=False),
)


def realistic_log(board_id: str = "old-board") -> list[dict[str, Any]]:
    game = next(iter(builtin_games().values()))
    created = games.create_board(
        {"title": "Retro, before the upgrade", "facilitator_name": "Fay"},
        game=game,
        board_id=board_id,
        facilitator_id="p-fay",
        now=1_700_000_000.0,
    )
    return [
        games.to_dict(created),
        games.to_dict(ev.ParticipantJoined("p-ann", "Ann", 1_700_000_010.0)),
        games.to_dict(ev.NoteCreated("n-1", "p-ann", "more coffee", False, 1_700_000_020.0)),
    ]


def as_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A ``board.created`` as v1 wrote it: before language, time zone and sharing."""
    if data["kind"] != "board.created":
        return data
    return {k: v for k, v in data.items() if k not in ("language", "timezone", "sharing")}


async def write_old_board(
    engine: AsyncEngine,
    log: list[dict[str, Any]],
    *,
    board_id: str = "old-board",
    with_version: int | None = None,
) -> None:
    """Rows as the old code inserted them (no ``version`` column unless asked for)."""
    async with engine.begin() as conn:
        await conn.execute(
            OLD_TABLES.tables["boards"].insert(),
            {"id": board_id, "join_code": "OLDCODE", "created_at": 1_700_000_000.0},
        )
        await conn.execute(
            OLD_TABLES.tables["tokens"].insert(),
            {"hash": "h-fay", "board_id": board_id, "participant_id": "p-fay"}
            | {"role": "facilitator"},
        )
        rows = [
            {"board_id": board_id, "seq": i + 1, "kind": e["kind"], "data": orjson.dumps(e)}
            for i, e in enumerate(log)
        ]
        if with_version is not None:
            rows = [{**row, "version": with_version} for row in rows]
        await conn.execute(_events_table(with_version is not None).insert(), rows)


def _events_table(versioned: bool) -> Table:
    if not versioned:
        return OLD_TABLES.tables["events"]
    return Table(
        "events",
        MetaData(),
        Column("board_id", AutoString, primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("kind", AutoString, nullable=False),
        Column("data", LargeBinary, nullable=False),
        Column("version", Integer, nullable=False),
    )
