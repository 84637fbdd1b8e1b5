"""Results exports: one model (``build_report``), four renderings that agree.

    body, media_type = render(state, "csv", viewer_id=participant_id)

Reports speak the board's language (``language`` overrides it) and show its local times.
The HTTP route and the CLI only pick the format and hand over the board's state;
who may export what (the facilitator always, a participant once the board is closed)
is checked by the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gamestorm.games import BoardState
from gamestorm.games.creation import LANGUAGES

from . import csv_export, html_export, json_export, markdown_export
from .model import build_report

#: Format name (the URL suffix and the CLI's ``--format``) -> media type with charset.
FORMATS: dict[str, str] = {
    "json": json_export.MEDIA_TYPE,
    "csv": csv_export.MEDIA_TYPE,
    "md": markdown_export.MEDIA_TYPE,
    "html": html_export.MEDIA_TYPE,
}

_RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "json": json_export.render_json,
    "csv": csv_export.render_csv,
    "md": markdown_export.render_markdown,
    "html": html_export.render_html,
}


def render(
    state: BoardState, fmt: str, *, viewer_id: str | None = None, language: str | None = None
) -> tuple[bytes, str]:
    """The board's results in ``fmt`` as ``(body, media type)``, in ``language`` (default:
    the board's) and the board's time zone; ValueError if the format is unknown."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    report = build_report(state, viewer_id=viewer_id, language=language)
    return renderer(report), FORMATS[fmt]


__all__ = ["FORMATS", "LANGUAGES", "build_report", "render"]
