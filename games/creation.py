"""Starting a board: the options a facilitator gives, checked, become ``board.created``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .commands import NAME_MAX, clean_text
from .definitions import Game
from .errors import Rejection
from .events import BoardCreated

TITLE_MAX = 200
MAX_CRITERIA = 5
MAX_TOP_N = 50
#: Languages the exports are written in.
LANGUAGES = ("en", "de")
TIMEZONE_MAX = 64

#: Work sharing options (issue 12) with their defaults and ranges; a new board stores all
#: of them in ``board.created.sharing``. ``second_look`` is true, false or null (on
#: whenever packets are on).
SHARING_RANGES: dict[str, tuple[int, int]] = {
    "packet_size": (1, 50),
    "packet_idle_seconds": (10, 3600),
    "packets_from": (0, 100_000),
    "max_columns": (1, 500),
    "subsets_from": (2, 500),
    "subset_size": (2, 20),
}
SHARING_DEFAULTS: dict[str, Any] = {
    "packet_size": 8,
    "packet_idle_seconds": 90,
    "packets_from": 150,
    "second_look": None,
    "max_columns": 40,
    "subsets_from": 7,
    "subset_size": 7,
}


def create_board(
    options: Mapping[str, Any],
    *,
    game: Game,
    board_id: str,
    facilitator_id: str,
    now: float,
    timezone_known: Callable[[str], bool] | None = None,
) -> BoardCreated:
    """Check a ``POST /api/boards`` body; raise a Rejection that names the bad field.

    Whether a time zone name exists needs the zone database (files), so the caller
    passes ``timezone_known``; without it only the name's shape is checked.
    """
    title = clean_text(options.get("title"), "title", TITLE_MAX)
    prompt = options.get("prompt")
    if prompt is not None:
        prompt = clean_text(prompt, "prompt")
    anonymous = options.get("anonymous", True)
    if not isinstance(anonymous, bool):
        raise Rejection("bad_request", "'anonymous' must be true or false")
    criteria = options.get("criteria", ["impact"])
    if not isinstance(criteria, list) or not criteria:
        raise Rejection("bad_request", "'criteria' must be a non-empty list of strings")
    if len(criteria) > MAX_CRITERIA:
        raise Rejection("invalid", f"at most {MAX_CRITERIA} criteria")
    cleaned = [clean_text(c, "criteria", NAME_MAX) for c in criteria]
    if len(set(cleaned)) != len(cleaned):
        raise Rejection("invalid", "criteria must be different from each other")
    top_n = options.get("top_n", 3)
    if not isinstance(top_n, int) or isinstance(top_n, bool):
        raise Rejection("bad_request", "'top_n' must be an integer")
    if not 1 <= top_n <= MAX_TOP_N:
        raise Rejection("invalid", f"'top_n' must be 1 to {MAX_TOP_N}")
    name = options.get("facilitator_name", "Facilitator")
    language = options.get("language", "en")
    if not isinstance(language, str):
        raise Rejection("bad_request", "'language' must be a string")
    if language not in LANGUAGES:
        raise Rejection(
            "invalid", f"'language' must be one of {', '.join(LANGUAGES)}, not {language[:20]!r}"
        )
    timezone = options.get("timezone", "UTC")
    if not isinstance(timezone, str):
        raise Rejection("bad_request", "'timezone' must be a string")
    if (
        not timezone
        or len(timezone) > TIMEZONE_MAX
        or (timezone_known is not None and not timezone_known(timezone))
    ):
        raise Rejection(
            "invalid",
            f"'timezone' {timezone[:TIMEZONE_MAX]!r} is not a known time zone; use an IANA "
            "name such as 'Europe/Berlin' or 'UTC'",
        )
    return BoardCreated(
        board_id=board_id,
        title=title,
        game=game.to_dict(),
        prompt=prompt,
        anonymous=anonymous,
        criteria=cleaned,
        top_n=top_n,
        facilitator_id=facilitator_id,
        facilitator_name=clean_text(name, "facilitator_name", NAME_MAX),
        at=now,
        language=language,
        timezone=timezone,
        sharing=sharing_options(options),
    )


def sharing_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The work sharing options of a ``POST /api/boards`` body, defaults filled in."""
    sharing = dict(SHARING_DEFAULTS)
    for field, (low, high) in SHARING_RANGES.items():
        if field not in options:
            continue
        value = options[field]
        if not isinstance(value, int) or isinstance(value, bool):
            raise Rejection("bad_request", f"'{field}' must be an integer")
        if not low <= value <= high:
            raise Rejection("invalid", f"'{field}' must be {low} to {high}, not {value}")
        sharing[field] = value
    if "second_look" in options:
        second_look = options["second_look"]
        if second_look is not None and not isinstance(second_look, bool):
            raise Rejection(
                "bad_request", "'second_look' must be true, false or null (on with packets)"
            )
        sharing["second_look"] = second_look
    return sharing
