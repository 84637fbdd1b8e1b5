"""Games are data (rule 10), validated against rule 1 when they are loaded."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from rules_testkit import BUILTIN, PHASES

from gamestorm import games
from gamestorm.games import COMMAND_KINDS, PHASE_TYPES, GameError, Kind, parse_game, parse_game_toml

REPO = Path(games.__file__).resolve().parent.parent


def phases(*types: str, **extra: dict[str, Any]) -> list[dict[str, Any]]:
    """Phase tables of the given types; ``extra`` adds fields to the phase of that id."""
    return [{"id": t, "type": t, **extra.get(t, {})} for t in types]


DEFAULT = ("ignite", "generate", "affinity", "name", "rank", "close")


def test_the_builtin_game_parses_to_the_default_game() -> None:
    game = parse_game_toml(BUILTIN.read_text(encoding="utf-8"), "gamestorm.toml")
    assert game.id == "gamestorm"
    assert tuple(p.id for p in game.phases) == PHASES
    assert [p.kind for p in game.phases] == [
        Kind.OPENING,
        Kind.OPENING,
        Kind.EXPLORING,
        Kind.CLOSING,
        Kind.CLOSING,
        Kind.CLOSING,
    ]
    assert [p.private_notes for p in game.phases] == [False, True, False, False, False, False]
    assert game.phases[3].commands == frozenset({"column.propose", "column.name"})
    generate = game.phases[1]
    assert "note.create" in generate.commands
    assert "note.create" not in game.phases[0].commands  # only in generate by default
    # Stored in board.created and read back: the same game.
    assert parse_game(game.to_dict()) == game


def test_every_phase_type_only_offers_commands_of_its_kind() -> None:
    for ptype in PHASE_TYPES.values():
        for command in ptype.commands:
            assert COMMAND_KINDS[command] in (None, ptype.kind), (ptype.name, command)


@pytest.mark.parametrize(
    ("data", "names"),
    [
        pytest.param(
            {"id": "g", "phases": phases(*DEFAULT, affinity={"commands": ["note.create"]})},
            ["affinity", "note.create", "mixes kinds"],
            id="affinity-with-note.create",
        ),
        pytest.param(
            {"id": "g", "phases": phases(*DEFAULT, generate={"commands": ["ranking.submit"]})},
            ["generate", "ranking.submit", "mixes kinds"],
            id="generate-with-ranking.submit",
        ),
        pytest.param(
            {"id": "g", "phases": phases(*DEFAULT, rank={"commands": ["note.move"]})},
            ["rank", "note.move", "mixes kinds"],
            id="rank-with-note.move",
        ),
        pytest.param(
            {"id": "g", "phases": phases(*DEFAULT, affinity={"kind": "closing"})},
            ["affinity", "exploring", "closing"],
            id="affinity-claims-closing",
        ),
        pytest.param(
            {"id": "g", "phases": phases("ignite", "generate", "affinity")},
            ["affinity", "closing"],
            id="ends-exploring",
        ),
        pytest.param(
            {"id": "g", "phases": phases("ignite", "generate")},
            ["generate", "closing"],
            id="ends-opening",
        ),
        pytest.param(
            {"id": "g", "phases": [*phases(*DEFAULT[:2]), {"id": "x", "type": "brainstorm"}]},
            ["brainstorm", "unknown type"],
            id="unknown-phase-type",
        ),
        pytest.param(
            {"id": "g", "phases": [{"id": "p"}, *phases(*DEFAULT[1:])]},
            ["unknown type", "None"],
            id="phase-without-type",
        ),
        pytest.param(
            {
                "id": "g",
                "phases": [
                    {"id": "write", "type": "ignite"},
                    {"id": "write", "type": "generate"},
                    *phases(*DEFAULT[2:]),
                ],
            },
            ["write", "twice"],
            id="duplicate-phase-ids",
        ),
        pytest.param(
            {"id": "g", "phases": phases(*DEFAULT, generate={"commands": ["note.fly"]})},
            ["note.fly", "unknown command"],
            id="unknown-command",
        ),
        pytest.param(
            {"id": "g", "phases": phases("ignite", "generate", "rank", "close")},
            ["rank", "affinity"],
            id="rank-without-affinity",
        ),
        pytest.param(
            {"id": "g", "phases": phases("ignite", "generate", "name", "rank", "close")},
            ["name", "affinity"],
            id="name-without-affinity",
        ),
        pytest.param(
            {
                "id": "g",
                "phases": phases("ignite", "generate", "name", "affinity", "rank", "close"),
            },
            ["name", "affinity"],
            id="name-before-affinity",
        ),
        pytest.param(
            {"id": "g", "phases": phases(*DEFAULT, name={"commands": ["note.move"]})},
            ["name", "note.move", "mixes kinds"],
            id="name-with-note.move",
        ),
        pytest.param(
            {"id": "g", "phases": phases(*DEFAULT, name={"kind": "exploring"})},
            ["name", "closing", "exploring"],
            id="name-claims-exploring",
        ),
        pytest.param(
            {"id": "g", "phases": phases("generate", "affinity", "close", "rank")},
            ["close"],
            id="close-not-last",
        ),
        pytest.param(
            {"id": "g", "phases": phases("close")},
            ["close", "opens before"],
            id="never-opens",
        ),
        pytest.param(
            {"id": "g", "phases": phases("affinity", "rank", "close")},
            ["affinity", "exploring", "opens before"],
            id="starts-exploring",
        ),
        pytest.param({"id": "g", "phases": []}, ["phases"], id="no-phases"),
        pytest.param({"phases": phases(*DEFAULT)}, ["id"], id="no-id"),
    ],
)
def test_unplayable_games_are_refused_with_a_message_naming_the_problem(
    data: dict[str, Any], names: list[str]
) -> None:
    with pytest.raises(GameError) as info:
        parse_game(data, "custom.toml")
    message = str(info.value)
    assert message.startswith("custom.toml")
    for name in names:
        assert name in message


@pytest.mark.parametrize(
    "types",
    [
        ("ignite", "generate", "affinity", "name", "rank", "close"),
        ("ignite", "generate", "affinity", "rank", "close"),  # old boards: no name phase
        ("generate", "affinity", "name", "close"),
        ("generate", "affinity", "rank", "name", "close"),
    ],
)
def test_games_with_affinity_before_name_or_without_name_parse(types: tuple[str, ...]) -> None:
    game = parse_game({"id": "g", "phases": phases(*types)})
    assert tuple(p.type for p in game.phases) == types


def test_parse_game_toml_refuses_a_phase_that_mixes_kinds() -> None:
    text = textwrap.dedent(
        """
        id = "mixed"
        [[phases]]
        type = "generate"
        [[phases]]
        id = "sort"
        type = "affinity"
        commands = ["note.create", "note.move"]
        [[phases]]
        type = "rank"
        [[phases]]
        type = "close"
        """
    )
    with pytest.raises(GameError, match=r"mixed.*'sort'.*note\.create"):
        parse_game_toml(text, "mixed.toml")


def test_parse_game_toml_refuses_broken_toml() -> None:
    with pytest.raises(GameError, match=r"^broken\.toml: not valid TOML"):
        parse_game_toml('id = "x"\n[[phases]\n', "broken.toml")


def test_a_smaller_valid_game_and_a_restricted_phase_parse() -> None:
    """Recombining phases (rule 10) is allowed as long as rule 1 holds."""
    text = textwrap.dedent(
        """
        id = "quick"
        [[phases]]
        type = "generate"
        private_notes = false
        [[phases]]
        type = "affinity"
        commands = ["note.move"]
        [[phases]]
        type = "rank"
        [[phases]]
        type = "close"
        commands = ["followup.set", "phase.advance"]
        """
    )
    game = parse_game_toml(text)
    assert [p.id for p in game.phases] == ["generate", "affinity", "rank", "close"]
    assert game.phases[1].commands == frozenset({"note.move"})
    assert not game.phases[0].private_notes


def test_importing_games_pulls_in_no_server_database_or_asyncio() -> None:
    """The rules stay pure: checked in a fresh interpreter, where nothing else is loaded."""
    code = textwrap.dedent(
        """
        import sys
        from gamestorm import games
        banned = ("starlette", "sqlmodel", "sqlalchemy", "aiosqlite", "uvicorn", "websockets",
                  "asyncio", "orjson", "gamestorm.server", "gamestorm.client")
        print(",".join(sorted(m for m in sys.modules if m.startswith(banned))))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": ""},
    )
    assert result.stdout.strip() == ""
    assert result.stderr == ""
