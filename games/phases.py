"""Phase kinds, phase types and which command belongs where: the one table of the game.

Rule 1 of RULES.md ("never open and close at the same time") lives here: every command
has exactly one kind (or none, for the facilitator's steering commands), and a phase
only accepts commands of its own kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    OPENING = "opening"
    EXPLORING = "exploring"
    CLOSING = "closing"


#: The kind of every command a client may send. ``None``: allowed in any phase.
COMMAND_KINDS: dict[str, Kind | None] = {
    "phase.advance": None,
    "timer.set": None,
    "prompt.set": Kind.OPENING,
    "note.create": Kind.OPENING,
    "note.edit": Kind.OPENING,
    "note.delete": Kind.OPENING,
    "column.create": Kind.EXPLORING,
    "note.move": Kind.EXPLORING,
    "ranking.submit": Kind.CLOSING,
    "followup.set": Kind.CLOSING,
    "selection.swap": Kind.CLOSING,
    "column.propose": Kind.CLOSING,
    "column.name": Kind.CLOSING,
    "selection.decide": Kind.CLOSING,
    "packet.request": Kind.EXPLORING,
    "packet.confirm": Kind.EXPLORING,
    "packet.return": Kind.EXPLORING,
    "packets.switch": Kind.EXPLORING,
    "column.merge": Kind.EXPLORING,
    "subset.request": Kind.CLOSING,
    # issue-15: the follow-up loop, after close only (never reopens the game)
    "followup.plan": Kind.CLOSING,
    "followup.measure": Kind.CLOSING,
    "followup.record": Kind.CLOSING,
    "followup.status": Kind.CLOSING,
    "followup.decide": Kind.CLOSING,
    "followup.take_up": Kind.CLOSING,
    "followup.decline": Kind.CLOSING,
}

#: issue-15: the commands of the follow-up loop. Not listed in a phase type: boards stored
#: before them list their phases' commands, so the rules allow these in any ``close``
#: phase with results (games/followup.py, ``check_open``).
FOLLOWUP_LOOP_COMMANDS = frozenset(
    {
        "followup.plan",
        "followup.measure",
        "followup.record",
        "followup.status",
        "followup.decide",
        "followup.take_up",
        "followup.decline",
    }
)


@dataclass(frozen=True, slots=True)
class PhaseType:
    """What a phase of this type is for, and what it allows unless a game says otherwise."""

    name: str
    kind: Kind
    commands: frozenset[str]
    purpose: str
    #: Note texts written in this phase reach only their author until the phase ends.
    private_notes: bool = False


PHASE_TYPES: dict[str, PhaseType] = {
    t.name: t
    for t in (
        PhaseType(
            "ignite",
            Kind.OPENING,
            frozenset({"prompt.set"}),
            "The facilitator sets the prompt; participants join and read it.",
        ),
        PhaseType(
            "generate",
            Kind.OPENING,
            frozenset({"prompt.set", "note.create", "note.edit", "note.delete"}),
            "Everyone writes notes alone; texts stay private until the phase ends.",
            private_notes=True,
        ),
        PhaseType(
            "affinity",
            Kind.EXPLORING,
            frozenset(
                {
                    "column.create",
                    "note.move",
                    "packet.request",
                    "packet.confirm",
                    "packet.return",
                    "packets.switch",
                    "column.merge",
                }
            ),
            "Everyone sorts all notes into unnamed columns or the parking lot.",
        ),
        PhaseType(
            "name",
            Kind.CLOSING,
            frozenset({"column.propose", "column.name"}),
            "Participants propose a name for each column; the facilitator decides.",
        ),
        PhaseType(
            "rank",
            Kind.CLOSING,
            frozenset({"ranking.submit", "subset.request"}),
            "Everyone puts the columns in a strict order, per criterion.",
        ),
        PhaseType(
            "close",
            Kind.CLOSING,
            frozenset({"followup.set", "selection.swap", "selection.decide"}),
            "Results are frozen: the top few selected, the rest parked, follow-up recorded.",
        ),
    )
}
