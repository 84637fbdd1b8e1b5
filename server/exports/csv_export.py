"""CSV: one row per candidate, for spreadsheets.

UTF-8 with a byte-order mark so Excel reads umlauts right; CRLF rows (RFC 4180); every
text cell that a spreadsheet would take for a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, also after leading spaces) gets a leading
apostrophe, so a note like ``=HYPERLINK(...)`` stays text (OWASP "CSV injection").

Headers and status words follow the report's language (English keeps its historic
snake_case headers); dates stay ISO ``YYYY-MM-DD``, which every spreadsheet reads.
The delimiter is a comma in every language for now.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .followup_render import csv_rows as followup_csv_rows  # issue-15
from .wording import CSV_HEADERS, followup_status_text, language_of, status_text, words

MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOTE_SEPARATOR = "\n"


def guard(cell: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate; anything else is left alone."""
    if cell.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def header(report: dict[str, Any]) -> list[str]:
    names = CSV_HEADERS[language_of(report.get("language"))]
    score = names.get("score {criterion}", "score {criterion}")
    criteria = [score.format(criterion=c) for c in report["board"]["criteria"]]
    before = ["place", "candidate", "summary", "score"]
    after = ["status", "owner", "next_step", "decision_date", "followup_status"]
    after += ["first_places", "spread", "note_count", "notes", "column_id", "swapped_out_reason"]
    after += _partial_header(report)
    return [
        *(names.get(k, k) for k in before),
        *criteria,
        *(names.get(k, k) for k in after),
    ]


def rows(report: dict[str, Any]) -> list[list[Any]]:
    """The table as values (numbers stay numbers; text not yet guarded)."""
    out: list[list[Any]] = [header(report)]
    language = report.get("language", "en")
    for c in report["candidates"]:
        followup = c["followup"] or {}
        texts = [n["text"] for n in c["notes"] if n["text"] is not None]
        out.append(
            [
                c["place"],
                c["name"],
                c["summary"],
                c["total"],
                *(c["per_criterion"].get(k) for k in report["board"]["criteria"]),
                status_text(c["status"], language),
                followup.get("owner", ""),
                followup.get("next_step", ""),
                followup.get("decide_by") or "",
                followup_status_text(followup["status"], language) if followup else "",
                c["first_places"],
                c["spread"],
                len(c["notes"]),
                NOTE_SEPARATOR.join(texts),
                c["column_id"],
                (c.get("swapped_out") or {}).get("reason", ""),
                *_partial_cells(report, c),
            ]
        )
    return out


def render_csv(report: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows(report) + followup_csv_rows(report):  # issue-15: history rows after
        writer.writerow(["" if v is None else guard(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")


# --- Issue 12, ranking helper: partial rankings; columns only where they apply, so the
# CSV of a board with complete rankings and no decision is as before ---

PARTIAL_COLUMNS = ["strength", "interval_low", "interval_high", "borda", "appearances"]
PARTIAL_COLUMNS += ["statistically_tied"]


def _partial_header(report: dict[str, Any]) -> list[str]:
    out = list(PARTIAL_COLUMNS) if report.get("method") == "plackett_luce" else []
    return out + (["decision_reason"] if report.get("decision") else [])


def _partial_cells(report: dict[str, Any], c: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    if report.get("method") == "plackett_luce":
        low, high = c.get("interval") or (None, None)
        tied = c.get("statistically_tied")
        out += [c.get("strength"), low, high, c.get("borda"), c.get("appearances")]
        w = words(report.get("language", "en"))
        out.append(None if tied is None else w["yes"] if tied else w["no"])
    decision = report.get("decision")
    if decision:
        out.append(decision["reason"] if c["column_id"] in decision["selected"] else "")
    return out
