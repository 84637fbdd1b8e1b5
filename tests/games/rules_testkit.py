"""A board driven only through the public rules API, for the rules tests.

Every board here is built the way the server builds one: a frame is parsed with
``parse_command``, ``handle`` decides, and the events it returns are applied and kept in
a log. So a fixture board is itself a check that the ordinary course of a game works.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gamestorm import games
from gamestorm.games import (
    Actor,
    BoardState,
    Event,
    Game,
    Join,
    apply,
    create_board,
    fold,
    from_dict,
    handle,
    new_state,
    parse_command,
    parse_game_toml,
    to_dict,
)

BUILTIN = Path(games.__file__).parent / "builtin" / "gamestorm.toml"

#: The phases of the default game, in order (RULES.md, "The default game").
PHASES = ("ignite", "generate", "affinity", "name", "rank", "close")

#: The names the realistic board's columns get in its ``name`` phase.
COLUMN_NAMES = {"c-1": "Kundennähe", "c-2": "Fokus", "c-3": "Zeigen statt reden", "c-4": "Daten"}

FACILITATOR = Actor("f", "facilitator")
#: The participant who wrote the note the matrix commands name.
AUTHOR = Actor("p1", "participant")
OTHER = Actor("p2", "participant")
THIRD = Actor("p3", "participant")
#: The read-only screen: it may watch, never act.
PROJECTOR = Actor("proj", "projector")

#: Criteria and top N of the realistic board (top 2 of 4 candidates, so someone is parked).
CRITERIA = ("impact", "effort")
TOP_N = 2


def default_game() -> Game:
    """The builtin game, read the way the server reads game files."""
    return parse_game_toml(BUILTIN.read_text(encoding="utf-8"), str(BUILTIN))


class Board:
    """A board state plus its event log, changed only through parse/handle/apply."""

    def __init__(
        self,
        *,
        anonymous: bool = True,
        criteria: Iterable[str] = ("impact",),
        top_n: int = 3,
        prompt: str | None = None,
        game: Game | None = None,
        sharing: Mapping[str, Any] | None = None,
    ) -> None:
        options: dict[str, Any] = {
            "title": "Kundentag",
            "anonymous": anonymous,
            "criteria": list(criteria),
            "top_n": top_n,
            **(sharing or {}),  # work sharing options (issue 12), top-level like the others
        }
        if prompt is not None:
            options["prompt"] = prompt
        created = create_board(
            options,
            game=game or default_game(),
            board_id="b1",
            facilitator_id=FACILITATOR.id,
            now=0.0,
        )
        self.log: list[Event] = [created]
        self.state: BoardState = new_state(created)
        self.now = 0.0

    def tick(self) -> float:
        """A clock that moves forward by one second per command."""
        self.now += 1.0
        return self.now

    def decide(self, actor: Actor | None, frame: Mapping[str, Any]) -> list[Event]:
        """What the rules answer to a wire frame, without applying anything."""
        return handle(self.state, parse_command(frame), actor, self.tick())

    def commit(self, events: Iterable[Event]) -> None:
        for event in events:
            apply(self.state, event)
            self.log.append(event)

    def send(self, actor: Actor | None, frame: Mapping[str, Any]) -> list[Event]:
        """Decide and apply, as the server does after the events are durable."""
        events = self.decide(actor, frame)
        self.commit(events)
        return events

    def join(self, actor: Actor, name: str | None = None) -> list[Event]:
        events = handle(self.state, Join(actor.id, name or actor.id.upper()), None, self.tick())
        self.commit(events)
        return events

    def advance(self) -> list[Event]:
        return self.send(FACILITATOR, {"type": "phase.advance", "from": self.state.phase.id})

    # Frame shorthands, so tests read like the protocol table.
    def note(self, actor: Actor, note_id: str, text: str) -> list[Event]:
        return self.send(actor, {"type": "note.create", "note_id": note_id, "text": text})

    def column(self, actor: Actor, column_id: str) -> list[Event]:
        return self.send(actor, {"type": "column.create", "column_id": column_id})

    def move(
        self, actor: Actor, note_id: str, column_id: str | None, index: int = 10**6
    ) -> list[Event]:
        frame = {"type": "note.move", "note_id": note_id, "column_id": column_id, "index": index}
        return self.send(actor, frame)

    def rank(self, actor: Actor, criterion: str, order: list[str]) -> list[Event]:
        frame = {"type": "ranking.submit", "criterion": criterion, "order": order}
        return self.send(actor, frame)

    def propose(self, actor: Actor, column_id: str, name: str) -> list[Event]:
        return self.send(actor, {"type": "column.propose", "column_id": column_id, "name": name})

    def name(self, column_id: str, name: str) -> list[Event]:
        return self.send(FACILITATOR, {"type": "column.name", "column_id": column_id, "name": name})

    def name_all(self) -> None:
        """Name every column still unnamed, as the facilitator, so ``name`` may end."""
        for column in list(self.state.columns.values()):
            if column.name is None:
                self.name(column.id, COLUMN_NAMES.get(column.id, f"Thema {column.number}"))

    def pass_name(self) -> list[Event]:
        """In a ``name`` phase: name every column and move on (to rank, by default)."""
        assert self.state.phase.type == "name", self.state.phase.id
        self.name_all()
        return self.advance()

    def place(self, note_id: str) -> str | None:
        return self.state.notes[note_id].column


def board_in(phase: str, *, anonymous: bool = True) -> Board:
    """A realistic board of the default game, played up to the start (or middle) of ``phase``.

    - ignite: prompt set, three participants joined.
    - generate: p1 wrote n-a1, n-a2 (edited); p2 n-b1, n-b2; p3 n-c1, n-c2 (n-c3 deleted).
    - affinity: everything sorted: c-1 [n-a1, n-b1], c-2 [n-a2], c-3 [n-b2], c-4 [n-c1],
      parking [n-c2]; c-5 is empty (dropped when affinity ends).
    - name: p1 and p2 proposed "Kundennähe" for c-1 (p2 spelled it "kundennähe "), p3
      "Nähe"; every column named (COLUMN_NAMES), so the phase may end.
    - rank: candidates c-1..c-4; p1 ranked impact and effort, p2 impact only.
    - close: totals c-1 4, c-2 6, c-3 8, c-4 12 -> c-1, c-2 selected; c-3, c-4 parked.
    """
    if phase not in PHASES:
        raise ValueError(phase)
    stop = PHASES.index(phase)
    board = Board(anonymous=anonymous, criteria=CRITERIA, top_n=TOP_N)
    board.send(FACILITATOR, {"type": "prompt.set", "text": "Ich will ___"})
    for actor in (AUTHOR, OTHER, THIRD):
        board.join(actor)
    if stop == 0:
        return board
    board.advance()
    board.note(AUTHOR, "n-a1", "mehr Zeit mit Kunden")
    board.note(AUTHOR, "n-a2", "weniger Meetngs")
    board.send(AUTHOR, {"type": "note.edit", "note_id": "n-a2", "text": "weniger Meetings"})
    board.note(OTHER, "n-b1", "Kunden früher einbinden")
    board.note(OTHER, "n-b2", "Prototypen statt Folien")
    board.note(THIRD, "n-c1", "Daten teilen")
    board.note(THIRD, "n-c2", "Kaffee")
    board.note(THIRD, "n-c3", "verworfen")
    board.send(THIRD, {"type": "note.delete", "note_id": "n-c3"})
    if stop == 1:
        return board
    board.advance()
    board.column(AUTHOR, "c-1")
    board.column(OTHER, "c-2")
    board.column(FACILITATOR, "c-3")
    board.column(THIRD, "c-4")
    board.column(OTHER, "c-5")
    board.move(OTHER, "n-a1", "c-1")
    board.move(AUTHOR, "n-b1", "c-1")
    board.move(FACILITATOR, "n-a2", "c-2")
    board.move(THIRD, "n-b2", "c-3")
    board.move(OTHER, "n-c1", "c-4")
    board.move(AUTHOR, "n-c2", "parking")
    if stop == 2:
        return board
    board.advance()
    board.propose(AUTHOR, "c-1", "Kundennähe")
    board.propose(OTHER, "c-1", "kundennähe ")
    board.propose(THIRD, "c-1", "Nähe")
    board.propose(OTHER, "c-2", "Fokus")
    board.name_all()
    if stop == 3:
        return board
    board.advance()
    board.rank(AUTHOR, "impact", ["c-1", "c-2", "c-3", "c-4"])
    board.rank(OTHER, "impact", ["c-2", "c-1", "c-3", "c-4"])
    board.rank(AUTHOR, "effort", ["c-1", "c-3", "c-2", "c-4"])
    if stop == 4:
        return board
    board.advance()
    return board


def roundtrip(log: Iterable[Event]) -> list[Event]:
    """The log as storage and the wire carry it: to_dict -> JSON -> from_dict."""
    return [from_dict(json.loads(json.dumps(to_dict(event)))) for event in log]


def refold(board: Board) -> BoardState:
    return fold(roundtrip(board.log))


def strings_in(value: Any) -> set[str]:
    """Every string anywhere in a JSON-like value, keys included."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found
