"""Read each export format back, the way a person's tools would, for the agreement tests."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_PIPE = re.compile(r"(?<!\\)\|")
_ESCAPE = re.compile(r"\\(.)")


def csv_rows(body: bytes) -> list[dict[str, str]]:
    """Rows as dicts, read the way Python's csv module reads a spreadsheet's file."""
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def markdown_table(body: bytes, heading: str) -> list[dict[str, str]]:
    """The GFM table right after ``## heading``, cells unescaped."""
    lines = body.decode("utf-8").splitlines()
    start = lines.index(f"## {heading}") + 2
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [_ESCAPE.sub(r"\1", c.strip()) for c in _PIPE.split(line.strip())[1:-1]]
        table.append(cells)
    head, _rule, *rows = table
    return [dict(zip(head, row, strict=True)) for row in rows]


@dataclass
class Row:
    attrs: dict[str, str | None]
    cells: list[str] = field(default_factory=list)


class HtmlReport(HTMLParser):
    """Collects every tag, all text, and the rows of each ``<table id=...>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.tables: dict[str, list[Row]] = {}
        self._table: str | None = None
        self._row: Row | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = Row(a)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse_html(body: bytes) -> HtmlReport:
    parser = HtmlReport()
    parser.feed(body.decode("utf-8"))
    parser.close()
    return parser


# --- issue-15: exports: XLSX and ICS as text, for tests that look at every format ---


def xlsx_sheets(body: bytes) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's rows as openpyxl reads them back (typed values)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def export_text(body: bytes, fmt: str) -> str:
    """An export as comparable text: an XLSX's cell values (a zip carries the time it was
    made), an ICS without its DTSTAMP lines (the time the file was made); else decoded."""
    if fmt == "xlsx":
        rows = [row for sheet in xlsx_sheets(body).values() for row in sheet]
        return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)
    text = body.decode("utf-8-sig")
    if fmt == "ics":
        text = "\n".join(x for x in text.splitlines() if not x.startswith("DTSTAMP"))
    return text
