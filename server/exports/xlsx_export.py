"""XLSX: the results as a workbook that needs no import dialog (openpyxl).

Three sheets, named in the board's language: the ranking (one row per candidate), the
follow-up (one row per selected item) and the notes (one row per visible note). Once the
follow-up loop has recorded something (issue 15), three more after the follow-up: the
proof of value (one row per followed item), the measures (one row per measured value)
and the status and decisions (one row per status update, decision and parked item).
Numbers are numbers, times are Excel date-times and dates Excel dates, and text is
stored as text: every string cell gets the string type, so ``=1+1`` or
``+49 170 1234567`` is shown exactly as typed and never runs (no formula guard, no
apostrophe). Excel has no time zones: times are the board's local wall-clock time,
naive in the cell, and every time column's header names the zone
(``Written (Europe/Berlin)``). The header row is bold and frozen, with a filter.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .followup_render import has_history, term
from .wording import followup_status_text, label_text, status_text, swap_reason, swap_text, words

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = {"en": "yyyy-mm-dd", "de": "dd.mm.yyyy"}
TIME_FORMAT = {"en": "yyyy-mm-dd hh:mm", "de": "dd.mm.yyyy hh:mm"}
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Excel's sheet names: at most 31 characters, none of these.
_SHEET_NAME_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})


def local_datetime(iso_text: str | None) -> datetime.datetime | None:
    """An ISO time of the report (already in the board's zone) as naive local time."""
    if not iso_text:
        return None
    return datetime.datetime.fromisoformat(iso_text).replace(tzinfo=None)


def local_day(iso_date: str | None) -> datetime.date | str | None:
    """A follow-up's ``YYYY-MM-DD`` as a date; text that is no date stays text."""
    if not iso_date:
        return None
    try:
        return datetime.date.fromisoformat(iso_date)
    except ValueError:
        return iso_date


def _ranking(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    w, lang = words(report["language"]), report["language"]
    zone = report["timezone"]
    criteria = report["board"]["criteria"]
    partial = report.get("method") == "plackett_luce"
    head = [w["place"], w["candidate"], w["summary"], w["score"]]
    head += [f"{w['score']} {c}" for c in criteria]
    if partial:
        head += [w["strength"], w["interval_low"], w["interval_high"], w["borda"], w["tied"]]
    head += [w["status"], w["swap"], w["swap_reason"]]
    head += [w["in_zone"].format(label=w["swap_at"], zone=zone)]
    head += [w["first_places"], w["spread"], w["note_count"], w["column_id"]]
    rows = []
    for c in report["candidates"]:
        row: list[Any] = [c["place"], c["name"], c["summary"], c["total"]]
        row += [c["per_criterion"].get(k) for k in criteria]
        if partial:
            low, high = c.get("interval") or (None, None)
            tied = c.get("statistically_tied")
            row += [c.get("strength"), low, high, c.get("borda")]
            row.append(None if tied is None else w["yes"] if tied else w["no"])
        swap = c.get("swap") or {}
        row += [label_text(status_text(c["status"], lang)), swap_text(c, lang), swap_reason(c)]
        row += [local_datetime(swap.get("at"))]
        row += [c["first_places"], c["spread"], len(c["notes"]), c["column_id"]]
        rows.append(row)
    return head, rows


def _followup_rows(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The follow-up sheet: a row per selected item (owner, next step, decide-by date,
    status), as ``followup.set`` wrote it; the follow-up loop's history has its own sheets."""
    w, lang = words(report["language"]), report["language"]
    head = [w["place"], w["candidate"], w["owner"], w["next_step"], w["decide_by"]]
    head += [w["followup_status"], w["column_id"]]
    rows = []
    for c in report["candidates"]:
        if c["status"] != "selected":
            continue
        f = c["followup"] or {}
        status = f.get("status")
        rows.append(
            [
                c["place"],
                c["name"],
                f.get("owner"),
                f.get("next_step"),
                local_day(f.get("decide_by")),
                label_text(followup_status_text(status, lang)) if status else None,
                c["column_id"],
            ]
        )
    return head, rows


Sheet = tuple[list[str], list[list[Any]]]


def _proof_rows(report: dict[str, Any]) -> Sheet:
    """Issue 15: one row per followed item: its stage and where, when and by whom its
    value is proven, the dates as dates."""
    w, lang = words(report["language"]), report["language"]
    head = [w["place"], w["candidate"], w["fate"], w["location"], w["area"], w["customer"]]
    head += [w["start"], w["end"], w["steering"], w["decide_on"]]
    head += [w["in_zone"].format(label=w["planned_at"], zone=report["timezone"])]
    head += [w["column_id"]]
    rows = []
    for item in report["followup_history"]["items"]:
        pov = item["proof_of_value"] or {}
        row: list[Any] = [item["place"], item["name"], label_text(term(item["fate"], lang))]
        row += [pov.get("place") or None, pov.get("area") or None, pov.get("customer") or None]
        row += [local_day(pov.get("start")), local_day(pov.get("end"))]
        row += [pov.get("steering") or None, local_day(item["decide_on"])]
        row += [local_datetime(pov.get("at")), item["column_id"]]
        rows.append(row)
    return head, rows


def _measure_rows(report: dict[str, Any]) -> Sheet:
    """Issue 15: one row per measured value (a measure not measured yet: one row without
    a value), the target and value as numbers."""
    w, lang = words(report["language"]), report["language"]
    head = [w["candidate"], w["measure"], w["measure_kind"], w["target"], w["unit"]]
    head += [w["value"], w["measured_on"], w["note"]]
    head += [w["in_zone"].format(label=w["recorded"], zone=report["timezone"])]
    head += [w["measure_id"], w["column_id"]]
    rows = []
    for item in report["followup_history"]["items"]:
        for m in item["measures"]:
            first = [item["name"], m["label"], term(m["kind"], lang), m["target"], m["unit"]]
            last = [m["measure_id"], item["column_id"]]
            for v in m["values"] or [None]:
                if v is None:
                    rows.append([*first, None, None, None, None, *last])
                    continue
                measured = [v["value"], local_day(v["on"]), v["note"] or None]
                rows.append([*first, *measured, local_datetime(v["at"]), *last])
    return head, rows


def _history_rows(report: dict[str, Any]) -> Sheet:
    """Issue 15: each item's status updates and decisions by date, with note or reason,
    then what became of each parked item (declined, taken up, in a new board)."""
    w, lang = words(report["language"]), report["language"]
    head = [w["candidate"], w["entry"], w["word"], w["date"], w["note_or_reason"]]
    head += [w["in_zone"].format(label=w["recorded"], zone=report["timezone"])]
    head += [w["new_board"], w["column_id"]]
    history = report["followup_history"]
    rows = []
    for item in history["items"]:
        entries = [
            (s["on"], s["at"], "entry_status", s["status"], s["note"]) for s in item["statuses"]
        ]
        entries += [
            (d["on"], d["at"], "entry_decision", d["decision"], d["reason"])
            for d in item["decisions"]
        ]
        for on, at, entry, word, text in sorted(entries, key=lambda e: (e[0], e[1])):
            row = [item["name"], w[entry], label_text(term(word, lang)), local_day(on)]
            rows.append([*row, text or None, local_datetime(at), None, item["column_id"]])
    for p in history["parked"]:
        row = [p["name"], w["entry_parked"], label_text(term(p["fate"], lang)), None]
        rows.append(
            [*row, p["reason"] or None, local_datetime(p["at"]), p["board_id"], p["column_id"]]
        )
    return head, rows


def _notes(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    w, lang = words(report["language"]), report["language"]
    named = not report["board"]["anonymous"]
    head = [w["text"], w["column_header"], w["place"], w["outcome"]]
    head += [w["in_zone"].format(label=w["written"], zone=report["timezone"])]
    head += [w["author"]] if named else []
    rows = []
    for n in report["notes"]:
        if n["text"] is None:
            continue  # still private to its author: not for this reader
        outcome = n["outcome"]
        said = w.get(f"outcome_{outcome}") or status_text(outcome, lang)
        row = [n["text"], n["column"], n["place"], label_text(said)]
        row.append(local_datetime(n["created_at"]))
        if named:
            row.append((n.get("author") or {}).get("name"))
        rows.append(row)
    return head, rows


def _fill(sheet: Worksheet, head: list[str], rows: list[list[Any]], lang: str) -> None:
    widths = [len(h) for h in head]
    for r, values in enumerate([head, *rows], start=1):
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=col)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # text, even if it starts with "=": never a formula
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                shown = max((len(line) for line in value.split("\n")), default=0)
            elif isinstance(value, datetime.datetime):
                cell.value = value
                cell.number_format = TIME_FORMAT[lang]
                shown = 16
            elif isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = DATE_FORMAT[lang]
                shown = 10
            else:
                cell.value = value
                shown = len(str(value))
            widths[col - 1] = max(widths[col - 1], shown)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(
            MAX_WIDTH, max(MIN_WIDTH, width + 2)
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(1, len(rows) + 1)}"


def sheet_title(name: str) -> str:
    return name.translate(_SHEET_NAME_BAD)[:31]


def render_xlsx(report: dict[str, Any]) -> bytes:
    w, lang = words(report["language"]), report["language"]
    lang = lang if lang in DATE_FORMAT else "en"
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    sheets = [("sheet_ranking", _ranking(report)), ("sheet_followup", _followup_rows(report))]
    if has_history(report):  # issue-15: a board with nothing followed up stays as it was
        sheets += [("sheet_proof", _proof_rows(report)), ("sheet_measures", _measure_rows(report))]
        sheets.append(("sheet_history", _history_rows(report)))
    sheets.append(("sheet_notes", _notes(report)))
    for key, (head, rows) in sheets:
        _fill(book.create_sheet(sheet_title(w[key])), head, rows, lang)
    book.properties.title = report["board"]["title"]
    book.properties.language = lang
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
