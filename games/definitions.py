"""Games as data: a game is a sequence of phases drawn from the phase types.

A game file is TOML. Validation refuses, with a message that says what is wrong, any game
that would break rule 1: a phase whose commands mix kinds, an unknown phase type, or a
game that does not end in a closing phase. Reading the files is the caller's job; this
module only parses text, so it stays free of I/O.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .phases import COMMAND_KINDS, PHASE_TYPES, Kind


class GameError(ValueError):
    """A game definition that cannot be played; the message names the problem."""


@dataclass(frozen=True, slots=True)
class Phase:
    id: str
    type: str
    kind: Kind
    title: str
    commands: frozenset[str]
    private_notes: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "kind": self.kind.value,
            "title": self.title,
            "commands": sorted(self.commands),
        }


@dataclass(frozen=True, slots=True)
class Game:
    id: str
    title: str
    phases: tuple[Phase, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "phases": [p.to_dict() for p in self.phases]}

    def index_of(self, phase_type: str) -> int | None:
        for i, phase in enumerate(self.phases):
            if phase.type == phase_type:
                return i
        return None


def parse_game_toml(text: str, source: str = "<game>") -> Game:
    """Parse and validate a game file's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GameError(f"{source}: not valid TOML: {exc}") from exc
    return parse_game(data, source)


def parse_game(data: Mapping[str, Any], source: str = "<game>") -> Game:
    """Build a Game from plain data (a parsed file or a stored event), or raise GameError."""
    game_id = data.get("id")
    if not isinstance(game_id, str) or not game_id:
        raise GameError(f"{source}: the game needs an 'id' (a non-empty string)")
    title = data.get("title", game_id)
    if not isinstance(title, str):
        raise GameError(f"{source}: 'title' must be a string")
    raw_phases = data.get("phases")
    if not isinstance(raw_phases, list) or not raw_phases:
        raise GameError(f"{source}: game '{game_id}' needs a non-empty list of 'phases'")
    phases = tuple(
        _parse_phase(raw, i, f"{source}: game '{game_id}'") for i, raw in enumerate(raw_phases)
    )
    _check_sequence(phases, f"{source}: game '{game_id}'")
    return Game(id=game_id, title=title, phases=phases)


def _parse_phase(raw: Any, index: int, where: str) -> Phase:
    if not isinstance(raw, Mapping):
        raise GameError(f"{where}: phase {index + 1} must be a table")
    type_name = raw.get("type")
    if type_name not in PHASE_TYPES:
        known = ", ".join(sorted(PHASE_TYPES))
        raise GameError(
            f"{where}: phase {index + 1} has unknown type {type_name!r} (known: {known})"
        )
    ptype = PHASE_TYPES[type_name]
    phase_id = raw.get("id", type_name)
    if not isinstance(phase_id, str) or not phase_id:
        raise GameError(f"{where}: phase {index + 1} needs a non-empty string 'id'")
    where = f"{where}, phase '{phase_id}'"
    kind_name = raw.get("kind", ptype.kind.value)
    if kind_name != ptype.kind.value:
        raise GameError(f"{where}: a '{type_name}' phase is {ptype.kind.value}, not {kind_name!r}")
    commands = raw.get("commands", sorted(ptype.commands))
    if not isinstance(commands, list) or not all(isinstance(c, str) for c in commands):
        raise GameError(f"{where}: 'commands' must be a list of command names")
    for command in commands:
        if command not in COMMAND_KINDS:
            raise GameError(f"{where}: unknown command {command!r}")
        ckind = COMMAND_KINDS[command]
        if ckind is not None and ckind is not ptype.kind:
            raise GameError(
                f"{where}: mixes kinds: '{command}' is {ckind.value} but the phase is "
                f"{ptype.kind.value} (never open and close at the same time)"
            )
    title = raw.get("title", type_name.capitalize())
    if not isinstance(title, str):
        raise GameError(f"{where}: 'title' must be a string")
    return Phase(
        id=phase_id,
        type=type_name,
        kind=ptype.kind,
        title=title,
        commands=frozenset(commands),
        private_notes=bool(raw.get("private_notes", ptype.private_notes)),
    )


def _check_sequence(phases: tuple[Phase, ...], where: str) -> None:
    seen: set[str] = set()
    for phase in phases:
        if phase.id in seen:
            raise GameError(f"{where}: phase id '{phase.id}' is used twice")
        seen.add(phase.id)
    if phases[0].kind is not Kind.OPENING:
        raise GameError(
            f"{where}: starts with '{phases[0].id}' ({phases[0].kind.value}); a game opens "
            "before it explores or closes"
        )
    if phases[-1].kind is not Kind.CLOSING:
        raise GameError(
            f"{where}: ends with '{phases[-1].id}' ({phases[-1].kind.value}); a game must end "
            "in a closing phase so that everything opened gets closed"
        )
    types = [p.type for p in phases]
    if "name" in types and "affinity" not in types[: types.index("name")]:
        raise GameError(
            f"{where}: 'name' needs an 'affinity' phase before it (it names the columns "
            "that mapping made)"
        )
    if "rank" in types:
        first_rank = types.index("rank")
        if "affinity" not in types[:first_rank]:
            raise GameError(
                f"{where}: 'rank' needs an 'affinity' phase before it (its "
                "candidates are the columns)"
            )
        if "close" not in types[first_rank:]:
            raise GameError(f"{where}: 'rank' needs a 'close' phase after it")
    if "close" in types and types.index("close") != len(types) - 1:
        raise GameError(f"{where}: 'close' freezes the results and must be the last phase")
