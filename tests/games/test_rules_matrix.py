"""Every wire command, in every phase of the default game, from every kind of sender.

The table below is written by hand from RULES.md and PROTOCOL.md ("Commands": who may
send what in which phase kind; "A command of a phase kind that is right but in the wrong
phase ... is phase_forbids too"), not derived from ``games``. Each cell runs on a fresh
realistic board (``rules_testkit.board_in``) and is either accepted, with the kinds of
the events it makes (``()``: accepted, nothing changes), or refused with an exact code.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

import pytest
from rules_testkit import AUTHOR, FACILITATOR, OTHER, PHASES, PROJECTOR, board_in

from gamestorm.games import COMMAND_KINDS, Actor, Rejection

#: An accepted command's event kinds (a tuple), or the code of its rejection (a str).
Expect = tuple[str, ...] | str

F = "forbidden"  # role or ownership
PF = "phase_forbids"  # command of another kind, or of the right kind in the wrong phase


def ok(*kinds: str) -> tuple[str, ...]:
    return kinds


class Row(NamedTuple):
    """The four senders: the facilitator, the participant who wrote the note the command
    names (for creates: the sender), another participant, and the read-only projector."""

    facilitator: Expect
    author: Expect
    other: Expect
    projector: Expect


SENDERS: dict[str, Actor] = {
    "facilitator": FACILITATOR,
    "author": AUTHOR,
    "other": OTHER,
    "projector": PROJECTOR,
}

#: The frame each command is sent as. Ids name the realistic board of rules_testkit:
#: n-a1 is AUTHOR's note (in c-1 during affinity); c-1..c-4 are the candidates; at close
#: c-1, c-2 are selected and c-3, c-4 parked. ``from`` is filled with the current phase.
FRAMES: dict[str, dict[str, Any]] = {
    "phase.advance": {"from": None},
    "timer.set": {"seconds": 300},
    "prompt.set": {"text": "Ich will ___ verbessern"},
    "note.create": {"note_id": "n-new", "text": "eine neue Idee"},
    "note.edit": {"note_id": "n-a1", "text": "mehr Zeit mit Kundinnen"},
    "note.delete": {"note_id": "n-a1"},
    "column.create": {"column_id": "c-new"},
    "note.move": {"note_id": "n-a1", "column_id": "parking", "index": 0},
    "ranking.submit": {"criterion": "impact", "order": ["c-4", "c-3", "c-2", "c-1"]},
    "followup.set": {
        "column_id": "c-1",
        "owner": "Ana",
        "next_step": "Pilot mit zwei Kunden",
        "decide_by": "2027-03-31",
        "status": "in_progress",
    },
    "selection.swap": {"selected": "c-2", "parked": "c-3", "reason": "c-3 is cheaper"},
    "column.propose": {"column_id": "c-1", "name": "Kunden zuerst"},
    "column.name": {"column_id": "c-1", "name": "Kunden zuerst"},
    "selection.decide": {"selected": ["c-1", "c-3"], "reason": "c-3 is cheaper"},
    # Work sharing (issue 12): the realistic board has 6 notes (packets switch on by
    # themselves from 150) and 4 candidates (subsets from 8), so both are off.
    "packet.request": {},
    "packet.confirm": {"packet_id": "pk-1"},
    "packet.return": {"packet_id": "pk-1"},
    "packets.switch": {"enabled": True},
    "column.merge": {"source": "c-5", "target": "c-1"},
    "subset.request": {},
    # issue-15: the follow-up loop (tests/games/test_followup_loop.py has the details)
    "followup.plan": {"column_id": "c-1", "place": "Werk Süd", "decide_on": "2027-04-15"},
    "followup.measure": {
        "column_id": "c-1",
        "measure_id": "m-1",
        "measure_kind": "co2",
        "label": "CO2 je Auftrag",
        "target": 12,
    },
    "followup.record": {"column_id": "c-1", "measure_id": "m-1", "value": 3, "on": "2027-02-01"},
    "followup.status": {
        "column_id": "c-1",
        "status": "running",
        "note": "läuft",
        "on": "2027-01-05",
    },
    "followup.decide": {"column_id": "c-1", "decision": "adapt", "reason": "r", "on": "2027-04-15"},
    "followup.take_up": {"column_id": "c-3"},
    "followup.decline": {"column_id": "c-4", "reason": "zu teuer"},
}

EXPECTED: dict[str, dict[str, Row]] = {
    "phase.advance": {
        "ignite": Row(ok("phase.changed"), F, F, F),
        "generate": Row(ok("notes.revealed", "phase.changed"), F, F, F),
        "affinity": Row(ok("columns.dropped", "phase.changed"), F, F, F),
        "name": Row(ok("phase.changed"), F, F, F),  # every column named
        "rank": Row(ok("results.computed", "phase.changed"), F, F, F),
        "close": Row(PF, F, F, F),  # the last phase: nothing to advance to
    },
    "timer.set": {  # issue 13: the timer is an event in the log
        "ignite": Row(ok("timer.set"), F, F, F),
        "generate": Row(ok("timer.set"), F, F, F),
        "affinity": Row(ok("timer.set"), F, F, F),
        "name": Row(ok("timer.set"), F, F, F),
        "rank": Row(ok("timer.set"), F, F, F),
        "close": Row(ok("timer.set"), F, F, F),
    },
    "prompt.set": {
        "ignite": Row(ok("prompt.set"), F, F, F),
        "generate": Row(ok("prompt.set"), F, F, F),
        "affinity": Row(PF, F, F, F),
        "name": Row(PF, F, F, F),
        "rank": Row(PF, F, F, F),
        "close": Row(PF, F, F, F),
    },
    "note.create": {
        "ignite": Row(F, PF, PF, F),
        "generate": Row(F, ok("note.created"), ok("note.created"), F),
        "affinity": Row(F, PF, PF, F),
        "name": Row(F, PF, PF, F),
        "rank": Row(F, PF, PF, F),
        "close": Row(F, PF, PF, F),
    },
    "note.edit": {
        "ignite": Row(F, PF, PF, F),
        "generate": Row(F, ok("note.edited"), F, F),
        "affinity": Row(F, PF, PF, F),
        "name": Row(F, PF, PF, F),
        "rank": Row(F, PF, PF, F),
        "close": Row(F, PF, PF, F),
    },
    "note.delete": {
        "ignite": Row(F, PF, PF, F),
        "generate": Row(F, ok("note.deleted"), F, F),
        "affinity": Row(F, PF, PF, F),
        "name": Row(F, PF, PF, F),
        "rank": Row(F, PF, PF, F),
        "close": Row(F, PF, PF, F),
    },
    "column.create": {
        "ignite": Row(PF, PF, PF, F),
        "generate": Row(PF, PF, PF, F),
        "affinity": Row(ok("column.created"), ok("column.created"), ok("column.created"), F),
        "name": Row(PF, PF, PF, F),
        "rank": Row(PF, PF, PF, F),
        "close": Row(PF, PF, PF, F),
    },
    "note.move": {
        "ignite": Row(PF, PF, PF, F),
        "generate": Row(PF, PF, PF, F),
        "affinity": Row(ok("note.moved"), ok("note.moved"), ok("note.moved"), F),
        "name": Row(PF, PF, PF, F),
        "rank": Row(PF, PF, PF, F),
        "close": Row(PF, PF, PF, F),
    },
    "ranking.submit": {
        "ignite": Row(F, PF, PF, F),
        "generate": Row(F, PF, PF, F),
        "affinity": Row(F, PF, PF, F),
        "name": Row(F, PF, PF, F),
        "rank": Row(F, ok("ranking.submitted"), ok("ranking.submitted"), F),
        "close": Row(F, PF, PF, F),
    },
    "followup.set": {
        "ignite": Row(PF, F, F, F),
        "generate": Row(PF, F, F, F),
        "affinity": Row(PF, F, F, F),
        "name": Row(PF, F, F, F),
        "rank": Row(PF, F, F, F),
        "close": Row(ok("followup.set"), F, F, F),
    },
    "selection.swap": {
        "ignite": Row(PF, F, F, F),
        "generate": Row(PF, F, F, F),
        "affinity": Row(PF, F, F, F),
        "name": Row(PF, F, F, F),
        "rank": Row(PF, F, F, F),
        "close": Row(ok("selection.swapped"), F, F, F),
    },
    "column.propose": {
        "ignite": Row(PF, PF, PF, F),
        "generate": Row(PF, PF, PF, F),
        "affinity": Row(PF, PF, PF, F),
        "name": Row(
            ok("column.name_proposed"),
            ok("column.name_proposed"),
            ok("column.name_proposed"),
            F,
        ),
        "rank": Row(PF, PF, PF, F),
        "close": Row(PF, PF, PF, F),
    },
    "column.name": {
        "ignite": Row(PF, F, F, F),
        "generate": Row(PF, F, F, F),
        "affinity": Row(PF, F, F, F),
        "name": Row(ok("column.named"), F, F, F),
        "rank": Row(PF, F, F, F),
        "close": Row(PF, F, F, F),
    },
    # Complete rankings have no statistical tie to decide: refused even at close.
    "selection.decide": {
        "ignite": Row(PF, F, F, F),
        "generate": Row(PF, F, F, F),
        "affinity": Row(PF, F, F, F),
        "name": Row(PF, F, F, F),
        "rank": Row(PF, F, F, F),
        "close": Row("invalid", F, F, F),
    },
    "packet.request": {
        "ignite": Row(F, PF, PF, F),
        "generate": Row(F, PF, PF, F),
        "affinity": Row(F, "packets_off", "packets_off", F),
        "name": Row(F, PF, PF, F),
        "rank": Row(F, PF, PF, F),
        "close": Row(F, PF, PF, F),
    },
    "packet.confirm": {
        "ignite": Row(F, PF, PF, F),
        "generate": Row(F, PF, PF, F),
        "affinity": Row(F, "not_found", "not_found", F),  # no one holds pk-1
        "name": Row(F, PF, PF, F),
        "rank": Row(F, PF, PF, F),
        "close": Row(F, PF, PF, F),
    },
    "packet.return": {
        "ignite": Row(F, PF, PF, F),
        "generate": Row(F, PF, PF, F),
        "affinity": Row(F, "not_found", "not_found", F),
        "name": Row(F, PF, PF, F),
        "rank": Row(F, PF, PF, F),
        "close": Row(F, PF, PF, F),
    },
    "packets.switch": {
        "ignite": Row(PF, F, F, F),
        "generate": Row(PF, F, F, F),
        "affinity": Row(ok("packets.switched"), F, F, F),
        "name": Row(PF, F, F, F),
        "rank": Row(PF, F, F, F),
        "close": Row(PF, F, F, F),
    },
    "column.merge": {
        "ignite": Row(PF, F, F, F),
        "generate": Row(PF, F, F, F),
        "affinity": Row(ok("column.merged"), F, F, F),
        "name": Row(PF, F, F, F),
        "rank": Row(PF, F, F, F),
        "close": Row(PF, F, F, F),
    },
    "subset.request": {
        "ignite": Row(F, PF, PF, F),
        "generate": Row(F, PF, PF, F),
        "affinity": Row(F, PF, PF, F),
        "name": Row(F, PF, PF, F),
        "rank": Row(F, "invalid", "invalid", F),  # 4 candidates: everyone ranks all
        "close": Row(F, PF, PF, F),
    },
}


def _after_close(close: Expect) -> dict[str, Row]:
    """issue-15: a follow-up command: the facilitator's, after close only."""
    before = {p: Row(PF, F, F, F) for p in ("ignite", "generate", "affinity", "name", "rank")}
    return {**before, "close": Row(close, F, F, F)}


EXPECTED.update(
    {
        "followup.plan": _after_close(ok("followup.planned")),
        "followup.measure": _after_close(ok("followup.measure_set")),
        "followup.record": _after_close("not_found"),  # no measure m-1 on the fresh board
        "followup.status": _after_close(ok("followup.status_updated")),
        "followup.decide": _after_close(ok("followup.decided")),
        "followup.take_up": _after_close(ok("followup.taken_up")),
        "followup.decline": _after_close(ok("followup.declined")),
    }
)

CELLS = [
    pytest.param(command, phase, sender, getattr(row, sender), id=f"{command}-{phase}-{sender}")
    for command, by_phase in EXPECTED.items()
    for phase, row in by_phase.items()
    for sender in Row._fields
]


def test_table_covers_every_command_phase_and_sender() -> None:
    """A new command, phase or role without written expectations fails here."""
    assert set(EXPECTED) == set(COMMAND_KINDS)
    assert set(FRAMES) == set(COMMAND_KINDS)
    for command, by_phase in EXPECTED.items():
        assert tuple(by_phase) == PHASES, command
        for row in by_phase.values():
            assert isinstance(row, Row)
    assert set(Row._fields) == set(SENDERS)
    assert len(CELLS) == len(COMMAND_KINDS) * len(PHASES) * len(SENDERS)


def test_default_game_has_the_phases_of_the_table() -> None:
    assert tuple(p.id for p in board_in("ignite").state.game.phases) == PHASES


@pytest.mark.parametrize(("command", "phase", "sender", "expected"), CELLS)
def test_matrix(command: str, phase: str, sender: str, expected: Expect) -> None:
    board = board_in(phase)
    assert board.state.phase.id == phase
    frame = {"type": command, **FRAMES[command]}
    if command == "phase.advance":
        frame["from"] = phase
    before = copy.deepcopy(board.state)
    try:
        events = board.decide(SENDERS[sender], frame)
    except Rejection as rejection:
        assert rejection.code == expected, rejection.message
        assert rejection.message
        assert board.state == before, "a rejected command changes nothing"
        return
    assert isinstance(expected, tuple), f"accepted, but expected {expected!r}"
    assert tuple(e.KIND for e in events) == expected
    assert board.state == before, "handle decides; only apply changes the state"
    board.commit(events)
    assert board.state.seq == before.seq + len(events)
