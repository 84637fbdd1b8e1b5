"""A board with a facilitator and participants connected, ready to be driven by a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .live import LiveServer
from .wsclient import BoardClient, create_board, join


@dataclass
class Workshop:
    server: LiveServer
    board: dict[str, Any]
    facilitator: BoardClient
    participants: list[BoardClient]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def board_id(self) -> str:
        return str(self.board["board_id"])

    @property
    def everyone(self) -> list[BoardClient]:
        return [self.facilitator, *self.participants]

    async def advance(self, phase: str) -> int:
        return await self.facilitator.ok("phase.advance", **{"from": phase})

    async def pass_name(self, names: dict[str, str] | None = None) -> int:
        """In the ``name`` phase: the facilitator names every column still unnamed
        (``names``: column id -> name, else "Topic N"), then ends the phase."""
        await self.settle()
        state = self.facilitator.state
        assert state is not None and state.phase.type == "name", "not in the name phase"
        for column in list(state.columns.values()):
            if column.name is None:
                name = (names or {}).get(column.id, f"Topic {column.number}")
                await self.facilitator.ok("column.name", column_id=column.id, name=name)
        return await self.advance("name")

    async def settle(self) -> None:
        """Wait until every client holds every event the board has."""
        top = max(c.seq for c in self.everyone)
        for client in self.everyone:
            await client.wait_seq(top)

    async def close(self) -> None:
        for client in self.everyone:
            await client.close()


async def open_workshop(
    server: LiveServer, names: tuple[str, ...] = ("Ann", "Ben", "Cem"), **options: Any
) -> Workshop:
    board = await create_board(server.base_url, **options)
    facilitator = await BoardClient.connect(
        server.ws_url, board["board_id"], board["facilitator_token"], name="facilitator"
    )
    participants, tokens = [], {"facilitator": board["facilitator_token"]}
    for name in names:
        joined = await join(server.base_url, board["join_code"], name)
        tokens[name] = joined["token"]
        participants.append(
            await BoardClient.connect(server.ws_url, board["board_id"], joined["token"], name=name)
        )
    workshop = Workshop(server, board, facilitator, participants, tokens)
    await workshop.settle()
    return workshop


async def two_columns_ranked(
    w: Workshop, texts: tuple[str, str], orders: tuple[list[str], list[str]]
) -> None:
    """Ann and Ben each write a note (``texts``), one per column c1, c2, name them and
    rank them (``orders``, Ann's then Ben's): the board is then in its close phase."""
    ann, ben = w.participants[:2]
    await w.advance("ignite")
    await ann.ok("note.create", note_id="n1", text=texts[0])
    await ben.ok("note.create", note_id="n2", text=texts[1])
    await w.advance("generate")
    await ann.ok("column.create", column_id="c1")
    await ann.ok("column.create", column_id="c2")
    await ann.ok("note.move", note_id="n1", column_id="c1", index=0)
    await ann.ok("note.move", note_id="n2", column_id="c2", index=0)
    await w.advance("affinity")
    await w.pass_name()
    await ann.ok("ranking.submit", criterion="impact", order=orders[0])
    await ben.ok("ranking.submit", criterion="impact", order=orders[1])
    await w.advance("rank")
