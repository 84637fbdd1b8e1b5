"""Closed boards for the export tests, played through the real rules (handle, then apply).

The game, by hand: three participants, four candidate columns A..D, criteria impact and
effort, top 2. The third participant ranks impact only (partial participation).

    impact  p1: A B C D   p2: B A C D   p3: A B D C   sums A 4, B 5, C 10, D 11
    effort  p1: B C A D   p2: A B D C                 sums A 4, B 3, C 6,  D 7
    totals                                             A 8, B 8, C 16, D 18

A and B tie on 8; the tie-break (lower sum on the first criterion) puts A first.
The facilitator then swaps B (selected) for C (parked): selected A, C; parked B, D.

By default the board plays the builtin game as boards made before the ``name`` phase
stored it (no ``name`` phase), so candidates are labelled "Column N"; ``play(names=...)``
plays today's builtin game and names the columns in its ``name`` phase.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gamestorm import games
from gamestorm.games import Actor, BoardState, Join
from gamestorm.server.hub import timezone_known

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_767_261_600.0  # 2026-01-01T10:00:00Z
FACILITATOR = ("fac-9z9z", "Fiona Facilitatrix")
PEOPLE = (
    ("pid-a1b2", "Zorblax Quuxington"),
    ("pid-c3d4", "Mirela Vantablack"),
    ("pid-e5f6", "Ottokar Pfefferminz"),
)
SCRIPT_NOTE = "<script>alert(1)</script>"
FORMULA_NOTE = '=HYPERLINK("x")'
#: note id -> (author index, text, column letter or "parking")
NOTES = {
    "note-1": (0, "Faster onboarding for new customers", "A"),
    "note-2": (1, SCRIPT_NOTE, "B"),
    "note-3": (2, FORMULA_NOTE, "C"),
    "note-4": (0, "Shared roadmap | with partners", "A"),
    "note-5": (1, "Self-service *portal* & [docs]", "D"),
    "note-6": (2, "Coffee machine", "parking"),
    "note-7": (0, "Weekly demo\nwith customers", "C"),
}
IMPACT = (("A", "B", "C", "D"), ("B", "A", "C", "D"), ("A", "B", "D", "C"))
EFFORT = (("B", "C", "A", "D"), ("A", "B", "D", "C"))
COLUMNS = {letter: f"col-{letter.lower()}" for letter in "ABCDE"}  # E stays empty
#: Names for ``play(names=NAMES)``; the first one is proposed by two people.
NAMES = {"A": "Onboarding", "B": "Sicherheit <b>", "C": "Demos & Pilot", "D": "Self-Service"}


class Table:
    """A board driven through ``games.handle`` and ``games.apply``, as the server does."""

    def __init__(
        self,
        anonymous: bool,
        people: tuple[tuple[str, str], ...],
        start: float = T0,
        naming: bool = False,
        **options: Any,
    ) -> None:
        text = (ROOT / "games" / "builtin" / "gamestorm.toml").read_text(encoding="utf-8")
        game = games.parse_game_toml(text, "gamestorm.toml")
        if not naming:
            old = game.to_dict()
            old["phases"] = [p for p in old["phases"] if p["type"] != "name"]
            game = games.parse_game(old, "gamestorm.toml without name")
        created = games.create_board(
            {
                "title": "Customer day <2026> & co",
                "prompt": "Ich will ___",
                "anonymous": anonymous,
                "criteria": ["impact", "effort"],
                "top_n": 2,
                "facilitator_name": FACILITATOR[1],
                **options,
            },
            game=game,
            board_id="board-1",
            facilitator_id=FACILITATOR[0],
            now=start,
            timezone_known=timezone_known,
        )
        #: Every event, in order, as stored (for tests that edit an old log).
        self.log: list[games.Event] = [created]
        self.state: BoardState = games.fold([created])
        self.now = start
        self.facilitator = Actor(FACILITATOR[0], "facilitator")
        self.people = [Actor(pid, "participant") for pid, _ in people]
        for pid, name in people:
            self.run(Join(pid, name), None)

    def run(self, command: Any, actor: Actor | None) -> None:
        self.now += 60
        if isinstance(command, Mapping):
            command = games.parse_command(command)
        for event in games.handle(self.state, command, actor, self.now):
            games.apply(self.state, event)
            self.log.append(event)

    def advance(self) -> None:
        self.run({"type": "phase.advance", "from": self.state.phase.id}, self.facilitator)


def play(
    anonymous: bool = True,
    people: tuple[tuple[str, str], ...] = PEOPLE,
    until: str = "close",
    names: Mapping[str, str] | None = None,
    **options: Any,
) -> BoardState:
    """The whole game above, ending in ``close`` with follow-up and one swap.

    ``until`` stops in an earlier phase, once that phase's work is done (notes written,
    notes sorted, orders submitted), for exports taken while the game still runs.
    ``options`` go to ``play_table``: board options (``language``, ``timezone``),
    ``start`` (the creation time) and ``followups`` (the letters given a follow-up).
    """
    return play_table(anonymous, people, until, names=names, **options).state


def play_table(
    anonymous: bool = True,
    people: tuple[tuple[str, str], ...] = PEOPLE,
    until: str = "close",
    start: float = T0,
    followups: str = "AC",
    names: Mapping[str, str] | None = None,
    **options: Any,
) -> Table:
    """``play``, answering the whole Table (its state and its event log); ``names``
    plays the game's ``name`` phase and gives the columns these names."""
    t = Table(anonymous, people, start, naming=names is not None, **options)
    f = t.facilitator
    t.run({"type": "prompt.set", "text": "Ich will ___ für unsere Kunden"}, f)
    t.advance()  # generate
    for note_id, (who, text, _) in NOTES.items():
        t.run({"type": "note.create", "note_id": note_id, "text": text}, t.people[who])
    if until == "generate":
        return t
    t.advance()  # affinity
    for letter in "ABCDE":
        t.run({"type": "column.create", "column_id": COLUMNS[letter]}, t.people[0])
    for note_id, (_, _, where) in NOTES.items():
        target = "parking" if where == "parking" else COLUMNS[where]
        t.run({"type": "note.move", "note_id": note_id, "column_id": target}, t.people[1])
    if until == "affinity":
        return t
    t.advance()  # name (or rank); the empty column E is dropped
    if names is not None:
        for who in (0, 1):
            frame = {"type": "column.propose", "column_id": COLUMNS["A"], "name": names["A"]}
            t.run(frame, t.people[who])
        for letter, name in names.items():
            t.run({"type": "column.name", "column_id": COLUMNS[letter], "name": name}, f)
        t.advance()  # rank
    for criterion, orders in (("impact", IMPACT), ("effort", EFFORT)):
        for who, order in enumerate(orders):
            frame = {
                "type": "ranking.submit",
                "criterion": criterion,
                "order": [COLUMNS[x] for x in order],
            }
            t.run(frame, t.people[who])
    if until == "rank":
        return t
    t.advance()  # close
    plans = {
        "A": ("Team Orbit", "Prototype in Q1"),
        "B": ("Legal", "Ask legal about B"),
        "C": ("@ops", "-run pilot; +measure"),
    }
    for letter in followups:
        owner, step = plans[letter]
        frame = {
            "type": "followup.set",
            "column_id": COLUMNS[letter],
            "owner": owner,
            "next_step": step,
            "decide_by": "2026-06-30",
            "status": "in_progress",
        }
        t.run(frame, f)
    swap = {
        "type": "selection.swap",
        "selected": COLUMNS["B"],
        "parked": COLUMNS["C"],
        "reason": "B needs legal review first <b>",
    }
    t.run(swap, f)
    assert t.state.closed
    return t
