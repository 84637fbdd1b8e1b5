"""CSV: one row per candidate, for spreadsheets.

UTF-8 with a byte-order mark so Excel reads umlauts right; CRLF rows (RFC 4180).

The formula guard (OWASP "CSV injection") puts an apostrophe before a text cell only if
a spreadsheet would really run it as a formula; after any leading spaces:

- ``=`` always (everything after it is a formula), a tab or a carriage return always;
- ``@`` followed by anything but a space or the end (``@SUM(A1)``, ``@name``);
- ``+`` or ``-`` followed by a name (``-run``, ``+cmd|...``), or by a number that goes
  on with formula syntax: a function call (``SUM(``), a cell reference (``A1``,
  ``$B$2``), ``!`` or ``|`` (sheet and DDE references), or an operator between operands
  (``+1+1``, ``+49-170-123``).

So ``+49 170 1234567``, ``+49 (0)170 1234567``, ``-5 Grad`` and ``-2`` stay as typed (no
visible ``'``), while ``=HYPERLINK(...)``, ``-2+3+cmd|' /C calc'!A0`` stay inert text.

Separator and decimal mark (``CsvOptions``): a comma and ``.`` by default (as before);
``;`` (or a tab) with, unless asked otherwise, the language's decimal mark, so for a
German board ``sep=;`` gives ``1,5`` that German Excel and LibreOffice read as numbers.
A decimal comma with a comma separator is refused (ambiguous for every reader).

Headers and status words follow the report's language (English keeps its historic
snake_case headers); dates stay ISO ``YYYY-MM-DD``, which every spreadsheet reads.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from .followup_render import csv_rows as followup_csv_rows  # issue-15
from .wording import (
    CSV_HEADERS,
    decimal_mark,
    followup_status_text,
    language_of,
    status_text,
    swap_reason,
    swap_text,
    words,
)

MEDIA_TYPE = "text/csv; charset=utf-8"
NOTE_SEPARATOR = "\n"
#: Separators by the names a URL or a shell can pass without quoting.
SEPARATORS = {",": ",", "comma": ",", ";": ";", "semicolon": ";", "tab": "\t", "\t": "\t"}
DECIMALS = {".": ".", "point": ".", ",": ",", "comma": ","}

_ALWAYS = ("=", "\t", "\r")
_NAME_AFTER_SIGN = re.compile(r"[+-]\s*[A-Za-z_$]")
_FORMULA_SYNTAX = re.compile(
    r"[A-Za-z_][\w.]*\s*\("  # a function call: SUM(
    r"|(?<![A-Za-z])\$?[A-Za-z]{1,3}\$?\d"  # a cell reference: A1, $B$2
    r"|[!|]"  # sheet or DDE reference
    r"|[\w)%]\s*[-+*/^&=<>]\s*[\w(.$]"  # an operator between operands: 1+1, 49-170
)


@dataclass(frozen=True)
class CsvOptions:
    """The separator and decimal mark of a CSV export (see the module docstring)."""

    sep: str = ","
    decimal: str = "."


def csv_options(sep: str | None, decimal: str | None, language: str) -> CsvOptions:
    """Options from the HTTP query or the CLI; ValueError with a message for bad values."""
    chosen = SEPARATORS.get(sep if sep is not None else ",")
    if chosen is None:
        raise ValueError("sep must be one of , ; tab (or comma, semicolon)")
    if decimal is None:
        mark = "." if chosen == "," else decimal_mark(language)
    elif decimal in DECIMALS:
        mark = DECIMALS[decimal]
    else:
        raise ValueError("decimal must be . or , (or point, comma)")
    if mark == chosen:
        raise ValueError("a decimal comma needs another separator: use sep=; with decimal=,")
    return CsvOptions(chosen, mark)


def guard(cell: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula; anything else is left alone
    (the rule is in the module docstring)."""
    body = cell.lstrip(" ")
    if not body:
        return cell
    if body.startswith(_ALWAYS):
        return "'" + cell
    if body[0] == "@":
        return "'" + cell if len(body) > 1 and not body[1].isspace() else cell
    if body[0] in "+-":
        if _NAME_AFTER_SIGN.match(body) or _FORMULA_SYNTAX.search(body[1:]):
            return "'" + cell
    return cell


def cell_text(value: Any, options: CsvOptions = CsvOptions()) -> Any:
    """A value as the CSV writes it: text guarded, a float with the decimal mark."""
    if value is None:
        return ""
    if isinstance(value, str):
        return guard(value)
    if isinstance(value, float) and options.decimal != ".":
        return repr(value).replace(".", options.decimal)
    return value


def header(report: dict[str, Any]) -> list[str]:
    names = CSV_HEADERS[language_of(report.get("language"))]
    score = names.get("score {criterion}", "score {criterion}")
    criteria = [score.format(criterion=c) for c in report["board"]["criteria"]]
    before = ["place", "candidate", "summary", "score"]
    after = ["status", "owner", "next_step", "decision_date", "followup_status"]
    after += ["first_places", "spread", "note_count", "notes", "column_id", "swapped_out_reason"]
    after += ["swap", "swap_reason"]
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
                swap_text(c, language),
                swap_reason(c),
                *_partial_cells(report, c),
            ]
        )
    return out


def render_csv(report: dict[str, Any], options: CsvOptions = CsvOptions()) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=options.sep, lineterminator="\r\n")
    for row in rows(report) + followup_csv_rows(report):  # issue-15: history rows after
        writer.writerow([cell_text(v, options) for v in row])
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
