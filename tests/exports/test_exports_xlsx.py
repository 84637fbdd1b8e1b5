"""XLSX: read back by openpyxl with its types, and converted by LibreOffice without loss."""

from __future__ import annotations

import csv
import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from export_boards import COLUMNS, FORMULA_NOTE, play
from export_more import with_texts
from export_parsers import xlsx_sheets

from gamestorm.games import BoardState
from gamestorm.server.exports import FORMATS, render

TEXTS = {
    "note-1": "=1+1",
    "note-4": "+49 170 1234567",
    "note-5": "-5 Grad @home",
    "note-7": "Zwei\nZeilen & 'Quotes'",
}
SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="module")
def tricky() -> BoardState:
    return with_texts(TEXTS, language="de", timezone="Europe/Berlin")


def test_media_type_and_sheet_names_in_the_board_language(tricky: BoardState) -> None:
    body, media = render(tricky, "xlsx")
    assert media == FORMATS["xlsx"]
    assert media == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert list(xlsx_sheets(body)) == ["Rangliste", "Nächste Schritte", "Notizen"]
    english = xlsx_sheets(render(play(), "xlsx")[0])
    assert list(english) == ["Ranking", "Follow-up", "Notes"]
    assert english["Ranking"][0][:4] == ("Place", "Candidate", "Summary", "Score")


def test_numbers_dates_and_text_keep_their_types(tricky: BoardState) -> None:
    sheets = xlsx_sheets(render(tricky, "xlsx")[0])
    head, *rows = sheets["Rangliste"]
    by_id = {r[head.index("Spalten-ID")]: dict(zip(head, r, strict=True)) for r in rows}
    a = by_id[COLUMNS["A"]]
    assert a["Platz"] == 1 and type(a["Platz"]) is int
    assert a["Punkte"] == 8 and a["Punkte impact"] == 4 and a["Punkte effort"] == 4
    assert isinstance(a["Streuung"], float) and a["Streuung"] == pytest.approx(0.8)
    assert a["Status"] == "Ausgewählt" and a["Tausch"] is None
    b, c = by_id[COLUMNS["B"]], by_id[COLUMNS["C"]]
    assert b["Tausch"] == "↓ herausgetauscht" and b["Grund des Tauschs"].startswith("B needs")
    assert c["Tausch"] == "↑ hineingetauscht"
    swapped_at = b["Getauscht (Europe/Berlin)"]
    assert swapped_at == datetime.datetime(2026, 1, 1, 11, 35), "local time, naive"

    head, *rows = sheets["Nächste Schritte"]
    follow = [dict(zip(head, r, strict=True)) for r in rows]
    assert [f["Kandidat"] for f in follow] == ["Spalte 1", "Spalte 3"]
    assert follow[0]["Entscheidung bis"] == datetime.datetime(2026, 6, 30)
    assert follow[0]["Status nächste Schritte"] == "In Arbeit"
    assert follow[1]["Verantwortlich"] == "@ops"
    assert follow[1]["Nächster Schritt"] == "-run pilot; +measure"

    head, *rows = sheets["Notizen"]
    assert head == ("Text", "Spalte", "Platz", "Ergebnis", "Geschrieben (Europe/Berlin)")
    texts = [r[0] for r in rows]
    for text in TEXTS.values():
        assert text in texts, "text exactly as typed: no apostrophe, no formula"
    assert FORMULA_NOTE in texts
    first = rows[texts.index("=1+1")]
    assert first[1:4] == ("Spalte 1", 1, "Ausgewählt")
    assert first[4] == datetime.datetime(2026, 1, 1, 11, 6)
    assert rows[texts.index("Coffee machine")][3] == "Parkplatz"


def test_text_cells_are_strings_never_formulas(tricky: BoardState, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "r.xlsx"
    path.write_bytes(render(tricky, "xlsx")[0])
    book = openpyxl.load_workbook(path)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    notes = book["Notizen"]
    assert {notes.cell(row=r, column=1).data_type for r in range(2, notes.max_row + 1)} == {"s"}
    assert all(sheet.freeze_panes == "A2" for sheet in book)
    widths = [d.width for d in book["Rangliste"].column_dimensions.values()]
    assert widths and all(8 <= w <= 60 for w in widths)
    assert book["Rangliste"]["A1"].font.bold


def test_private_notes_are_left_out() -> None:
    sheets = xlsx_sheets(render(play(until="generate"), "xlsx")[0])
    assert len(sheets["Notes"]) == 1  # the header only: every note is still private


def _libreoffice_csvs(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice writes it as CSV (UTF-8, raw values, all sheets)."""
    profile = out / "profile"
    filter_options = (
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false,-1"
    )
    done = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            filter_options,
            "--outdir",
            str(out),
            str(xlsx),
        ],
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(out)},
    )
    assert done.returncode == 0, done.stderr
    sheets = {}
    for path in sorted(out.glob(f"{xlsx.stem}-*.csv")):
        name = path.stem[len(xlsx.stem) + 1 :]
        with path.open(encoding="utf-8", newline="") as f:
            sheets[name] = list(csv.reader(f))
    return sheets


def _read_back(text: str, like: object) -> object:
    """LibreOffice's CSV text (raw values, en-US) as the type openpyxl read."""
    if like is None:
        return None if text == "" else text
    if isinstance(like, datetime.datetime):
        for pattern in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y"):
            try:
                return datetime.datetime.strptime(text, pattern)
            except ValueError:
                pass
        return text
    if isinstance(like, bool):
        return text
    if isinstance(like, int):
        return int(text)
    if isinstance(like, float):
        return float(text)
    return text


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice (soffice) installed")
def test_libreoffice_converts_every_sheet_without_loss(tricky: BoardState, tmp_path: Path) -> None:
    xlsx = tmp_path / "report.xlsx"
    body = render(tricky, "xlsx")[0]
    xlsx.write_bytes(body)
    converted = _libreoffice_csvs(xlsx, tmp_path)
    sheets = xlsx_sheets(body)
    assert set(converted) == set(sheets)
    for name, rows in sheets.items():
        width = len(rows[0])
        assert len(converted[name]) == len(rows), name
        for want, line in zip(rows, converted[name], strict=True):
            line = line + [""] * (width - len(line))
            got = tuple(_read_back(t, v) for t, v in zip(line, want, strict=True))
            assert got == want, name
    notes = [row[0] for row in converted["Notizen"]]
    assert "=1+1" in notes and "+49 170 1234567" in notes
