"""Results exports: one model (``build_report``), six renderings that agree.

    body, media_type = render(state, "csv", viewer_id=participant_id)
    made = export(state, "csv", csv=csv_options(";", None, "de"))  # + file name

Reports speak the board's language (``language`` overrides it) and show its local times.
The HTTP route and the CLI only pick the format (and a CSV's separator) and hand over
the board's state; who may export what (the facilitator always, a participant once the
board is closed) is checked by the caller.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gamestorm.games import BoardState
from gamestorm.games.creation import LANGUAGES

from . import csv_export, html_export, ics_export, json_export, markdown_export, xlsx_export
from .csv_export import CsvOptions, csv_options
from .filenames import content_disposition, download_names
from .model import build_report

#: Format name (the URL suffix and the CLI's ``--format``) -> media type with charset.
FORMATS: dict[str, str] = {
    "json": json_export.MEDIA_TYPE,
    "csv": csv_export.MEDIA_TYPE,
    "md": markdown_export.MEDIA_TYPE,
    "html": html_export.MEDIA_TYPE,
    # issue-15: exports
    "xlsx": xlsx_export.MEDIA_TYPE,
    "ics": ics_export.MEDIA_TYPE,
}


@dataclass(frozen=True)
class Options:
    """What some formats take besides the report: a CSV's separator, the ICS's stamp."""

    csv: CsvOptions = CsvOptions()
    now: datetime.datetime | None = None


_RENDERERS: dict[str, Callable[[dict[str, Any], Options], bytes]] = {
    "json": lambda r, o: json_export.render_json(r),
    "csv": lambda r, o: csv_export.render_csv(r, o.csv),
    "md": lambda r, o: markdown_export.render_markdown(r),
    "html": lambda r, o: html_export.render_html(r),
    "xlsx": lambda r, o: xlsx_export.render_xlsx(r),
    "ics": lambda r, o: ics_export.render_ics(r, now=o.now),
}


@dataclass(frozen=True)
class Export:
    """One rendered export with the names to save it under."""

    body: bytes
    media_type: str
    filename: str  # ASCII: ``customer-day-2026-01-01.csv``
    filename_utf8: str  # the title as typed: ``Kundentag-Köln-2026-01-01.csv``
    content_disposition: str


def export(
    state: BoardState,
    fmt: str,
    *,
    viewer_id: str | None = None,
    language: str | None = None,
    csv: CsvOptions | None = None,
    now: datetime.datetime | None = None,
) -> Export:
    """The board's results in ``fmt`` with its download names; ValueError if the format
    is unknown."""
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    report = build_report(state, viewer_id=viewer_id, language=language)
    body = renderer(report, Options(csv or CsvOptions(), now))
    plain, readable = download_names(report, fmt)
    return Export(body, FORMATS[fmt], plain, readable, content_disposition(report, fmt))


def render(
    state: BoardState, fmt: str, *, viewer_id: str | None = None, language: str | None = None
) -> tuple[bytes, str]:
    """The board's results in ``fmt`` as ``(body, media type)``, in ``language`` (default:
    the board's) and the board's time zone; ValueError if the format is unknown."""
    made = export(state, fmt, viewer_id=viewer_id, language=language)
    return made.body, made.media_type


__all__ = [
    "FORMATS",
    "LANGUAGES",
    "CsvOptions",
    "Export",
    "build_report",
    "csv_options",
    "export",
    "render",
]
