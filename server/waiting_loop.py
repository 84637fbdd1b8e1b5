"""Issue 15, the "waiting loop": a new board started from a closed board's parked items.

``POST /api/boards`` with ``from_board`` (and the old board's facilitator token as
``Authorization: Bearer``) lands here. The new board is an ordinary board: its title,
language, time zone, criteria, top N and anonymity default to the old board's, and its
ignite prompt lists the parked items still waiting (neither taken up nor declined), each
with its name and the texts of its notes, so the room starts from them. On the old board
a ``followup.waiting_loop`` event links to the new one.
"""

from __future__ import annotations

import asyncio
from typing import Any

from gamestorm import games
from gamestorm.games.commands import TEXT_MAX
from gamestorm.games.followup import waiting
from gamestorm.games.followup_commands import LinkWaitingLoop

from .hub import Hub
from .room import Job, Room

#: Options the new board takes from the old one unless the request names them.
INHERITED = ("language", "timezone", "anonymous", "criteria", "top_n", "game")
WORDS = {
    "en": ("waiting loop", "Parked at “{title}”, to take up again:"),
    "de": ("Warteschleife", "In „{title}“ geparkt, jetzt wieder aufgegriffen:"),
}


async def closed_room(hub: Hub, board_id: Any, token: str) -> tuple[Room, str]:
    """The old board's room and its facilitator id, or a Rejection."""
    if not isinstance(board_id, str) or not 1 <= len(board_id) <= 64:
        raise games.Rejection("bad_request", "'from_board' must be a board id")
    if not token:
        raise games.Rejection(
            "unauthorized", "send the old board's facilitator token: Authorization: Bearer <token>"
        )
    room = await hub.room(board_id)
    grant = await hub.grant(room, token) if room is not None else None
    if room is None or grant is None:
        raise games.Rejection("unauthorized", "unknown board or wrong token")
    if grant.role != "facilitator":
        raise games.Rejection("forbidden", "only the facilitator starts a waiting loop")
    state = room.state
    if state.phase.type != "close" or state.results is None:
        raise games.Rejection("phase_forbids", "a waiting loop starts from a closed board")
    return room, grant.participant_id


def seeded_prompt(state: games.BoardState, column_ids: list[str], language: str) -> str:
    """The new board's prompt: the parked items, one line each, within the prompt's limit."""
    header = WORDS.get(language, WORDS["en"])[1].format(title=state.title)
    lines = [header]
    for column_id in column_ids:
        column = state.columns[column_id]
        texts = " / ".join(
            state.notes[n].text for n in column.notes if n in state.notes and state.notes[n].text
        )
        line = f"- {column.label()}" + (f": {texts}" if texts else "")
        lines.append(line if len(line) <= 300 else line[:299] + "…")
    prompt = "\n".join(lines)
    return prompt if len(prompt) <= TEXT_MAX else prompt[: TEXT_MAX - 1] + "…"


def new_board_options(
    state: games.BoardState, column_ids: list[str], options: dict[str, Any]
) -> dict[str, Any]:
    """What the new board is created with: the request's options over the old board's."""
    language = options.get("language", state.language)
    word = WORDS.get(language if isinstance(language, str) else "en", WORDS["en"])[0]
    inherited: dict[str, Any] = {
        "language": state.language,
        "timezone": state.timezone,
        "anonymous": state.anonymous,
        "criteria": list(state.criteria),
        "top_n": state.top_n,
        "game": state.game.id,
        "title": f"{state.title} – {word}"[:200],
        "prompt": seeded_prompt(state, column_ids, language if isinstance(language, str) else "en"),
    }
    given = {k: v for k, v in options.items() if k not in ("from_board", "column_ids")}
    return {**inherited, **given}


def chosen_items(state: games.BoardState, asked: Any) -> list[str]:
    """The parked items to carry over: all still waiting, or those the request names."""
    left = waiting(state)
    if asked is None:
        chosen = left
    elif not isinstance(asked, list) or not all(isinstance(c, str) for c in asked):
        raise games.Rejection("bad_request", "'column_ids' must be a list of column ids")
    else:
        strays = [c for c in asked if c not in left]
        if strays:
            raise games.Rejection(
                "invalid", "not parked items still waiting: " + ", ".join(strays[:10])
            )
        chosen = [c for c in left if c in set(asked)]
    if not chosen:
        raise games.Rejection("invalid", "no parked item is waiting: nothing to start from")
    return chosen


async def start_waiting_loop(hub: Hub, options: dict[str, Any], token: str) -> dict[str, Any]:
    """Create the new board, then record the link on the old one; the create's answer."""
    room, facilitator_id = await closed_room(hub, options.get("from_board"), token)
    state = room.state
    column_ids = chosen_items(state, options.get("column_ids"))
    created = await hub.create_board(new_board_options(state, column_ids, options))
    title = new_board_options(state, column_ids, options)["title"]
    link = LinkWaitingLoop(created["board_id"], str(title)[:200], tuple(column_ids))
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    actor = games.Actor(facilitator_id, "facilitator")
    if not room.submit(Job(link, actor, future=future)):
        raise games.Rejection("rate_limited", "the old board is busy; try again")
    await future
    created["from_board"] = state.board_id
    created["column_ids"] = column_ids
    return created
