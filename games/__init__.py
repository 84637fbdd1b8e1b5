"""Gamestorm's rules: pure functions over plain data, no I/O, no asyncio, no clock.

The server feeds commands in and commits the events that come out:

    events = handle(state, command, actor, now)   # or raises Rejection
    for event in events: apply(state, event)       # after the events are durable
"""

from .commands import PARKING, Command, Join, parse_command
from .creation import create_board
from .definitions import Game, GameError, Phase, parse_game, parse_game_toml
from .errors import CODES, Rejection
from .events import Event, from_dict, to_dict
from .phases import COMMAND_KINDS, PHASE_TYPES, Kind
from .ranking import Results, aggregate, kendall_w
from .redaction import Redacted, redact, score, snapshot
from .rules import ROLES, Actor, handle
from .state import BoardState, Limits, apply, fold, new_state

__all__ = [
    "CODES",
    "COMMAND_KINDS",
    "PARKING",
    "PHASE_TYPES",
    "ROLES",
    "Actor",
    "BoardState",
    "Command",
    "Event",
    "Game",
    "GameError",
    "Join",
    "Kind",
    "Limits",
    "Phase",
    "Redacted",
    "Rejection",
    "Results",
    "aggregate",
    "apply",
    "create_board",
    "fold",
    "from_dict",
    "handle",
    "kendall_w",
    "new_state",
    "parse_command",
    "parse_game",
    "parse_game_toml",
    "redact",
    "score",
    "snapshot",
    "to_dict",
]
