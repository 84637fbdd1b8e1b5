"""The games this server offers: the TOML files shipped in ``games/builtin``."""

from __future__ import annotations

from importlib import resources

from gamestorm.games import Game, parse_game_toml


def builtin_games() -> dict[str, Game]:
    """Read and validate every shipped game; a broken file stops the server at start."""
    found: dict[str, Game] = {}
    for entry in sorted(
        resources.files("gamestorm.games").joinpath("builtin").iterdir(), key=lambda e: e.name
    ):
        if entry.name.endswith(".toml"):
            game = parse_game_toml(entry.read_text(encoding="utf-8"), entry.name)
            found[game.id] = game
    return found
