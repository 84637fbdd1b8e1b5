"""Issue 15: the follow-up loop's history in the XLSX, the ICS and the JSON Schema.

The board of export_loop.py (a proof of value, a measure with two values, a status
update, a decision, a parked item taken up and planned, one declined), read back the way
a person's tools read it: openpyxl (with its types) and LibreOffice for the workbook,
``icalendar`` for the calendar, ``jsonschema`` for the JSON.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from export_boards import play
from export_loop import A, B, C, D, loop_table
from export_parsers import xlsx_sheets
from icalendar import Calendar
from test_exports_schema import SCHEMA_FILE
from test_exports_xlsx import SOFFICE, _libreoffice_csvs, _read_back

from gamestorm.games import BoardState
from gamestorm.server.exports import build_report, export, render
from gamestorm.server.exports.ics_export import _decision_dates

STAMP = datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)
GERMAN_SHEETS = [
    "Rangliste",
    "Nächste Schritte",
    "Wirkungsnachweis",
    "Messpunkte",
    "Status und Entscheidungen",
    "Notizen",
]


@pytest.fixture(scope="module")
def german() -> BoardState:
    return loop_table(language="de", timezone="Europe/Berlin").state


@pytest.fixture(scope="module")
def english() -> BoardState:
    return loop_table().state


def _sheet(body: bytes, name: str) -> list[dict[str, Any]]:
    head, *rows = xlsx_sheets(body)[name]
    return [dict(zip(head, row, strict=True)) for row in rows]


def test_the_workbook_has_the_loop_sheets_in_the_board_language(
    german: BoardState, english: BoardState
) -> None:
    assert list(xlsx_sheets(render(german, "xlsx")[0])) == GERMAN_SHEETS
    assert list(xlsx_sheets(render(english, "xlsx")[0])) == [
        "Ranking",
        "Follow-up",
        "Proof of value",
        "Measures",
        "Status and decisions",
        "Notes",
    ]
    before = xlsx_sheets(render(play(language="de"), "xlsx")[0])
    assert list(before) == ["Rangliste", "Nächste Schritte", "Notizen"], "nothing followed up"


def test_proof_of_value_rows_carry_real_dates(german: BoardState) -> None:
    rows = {r["Spalten-ID"]: r for r in _sheet(render(german, "xlsx")[0], "Wirkungsnachweis")}
    assert list(rows) == [A, B, C], "every followed item, in place order"
    a = rows[A]
    assert (a["Platz"], a["Kandidat"], a["Stand"]) == (1, "Spalte 1", "Anpassen")
    assert (a["Ort"], a["Bereich"], a["Kunde"]) == ("Werk Süd", "Service", "Acme & Söhne")
    assert a["Beginn"] == datetime.datetime(2026, 2, 1) and a["Ende"] == datetime.datetime(
        2026, 3, 31
    )
    assert a["Steuerung"] == "Team Orbit"
    assert a["Entscheidungsdatum"] == datetime.datetime(2026, 6, 30)
    assert a["Geplant (Europe/Berlin)"] == datetime.datetime(2026, 1, 1, 11, 36), "local, naive"
    b = rows[B]
    assert b["Stand"] == "Aufgegriffen" and b["Entscheidungsdatum"] == datetime.datetime(
        2026, 5, 15
    )
    assert b["Ort"] is None and b["Beginn"] is None, "empty stays empty"
    assert rows[C]["Stand"] == "Ausgewählt" and rows[C]["Entscheidungsdatum"] is None


def test_measure_rows_keep_numbers_and_dates(german: BoardState, tmp_path: Path) -> None:
    body = render(german, "xlsx")[0]
    rows = _sheet(body, "Messpunkte")
    assert [r["Messpunkt-ID"] for r in rows] == ["m-co2", "m-co2"], "one row per value"
    first, second = rows
    assert (first["Messpunkt"], first["Art"], first["Einheit"]) == ("CO2 je Auftrag", "CO₂", "kg")
    assert first["Ziel"] == 12.5 and first["Wert"] == 14.25
    assert second["Wert"] == 12 and second["Notiz"] == "=after the new route"
    assert first["Gemessen am"] == datetime.datetime(2026, 2, 15)
    assert second["Gemessen am"] == datetime.datetime(2026, 3, 1)
    path = tmp_path / "r.xlsx"
    path.write_bytes(body)
    sheet = openpyxl.load_workbook(path)["Messpunkte"]
    target, value, on, note = (sheet.cell(row=3, column=c) for c in (4, 6, 7, 8))
    assert target.data_type == "n" and value.data_type == "n", "numbers, not text"
    assert on.is_date and on.number_format == "dd.mm.yyyy"
    assert note.data_type == "s", "text that starts with = stays text"


def test_status_decisions_and_parked_fates(german: BoardState) -> None:
    rows = _sheet(render(german, "xlsx")[0], "Status und Entscheidungen")
    entries = [(r["Spalten-ID"], r["Eintrag"], r["Stand oder Entscheidung"]) for r in rows]
    assert entries == [
        (A, "Status", "Läuft"),
        (A, "Entscheidung", "Anpassen"),
        (B, "Geparkt", "Aufgegriffen"),
        (D, "Geparkt", "Abgelehnt"),
    ]
    status, decision, taken, declined = rows
    assert status["Datum"] == datetime.datetime(2026, 2, 3)
    assert status["Notiz oder Grund"] == "Pilot an zwei Standorten"
    assert decision["Datum"] == datetime.datetime(2026, 4, 15)
    assert decision["Notiz oder Grund"] == "Ziel um 14 % verfehlt"
    assert taken["Notiz oder Grund"] == "legal said yes"
    assert declined["Notiz oder Grund"] == "kein Budget in diesem Jahr"
    assert declined["Datum"] is None and isinstance(
        declined["Erfasst (Europe/Berlin)"], datetime.datetime
    )


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice (soffice) installed")
def test_libreoffice_converts_the_loop_sheets_without_loss(
    german: BoardState, tmp_path: Path
) -> None:
    xlsx = tmp_path / "loop.xlsx"
    body = render(german, "xlsx")[0]
    xlsx.write_bytes(body)
    converted = _libreoffice_csvs(xlsx, tmp_path)
    sheets = xlsx_sheets(body)
    assert set(converted) == set(GERMAN_SHEETS)
    for name in GERMAN_SHEETS:
        rows = sheets[name]
        width = len(rows[0])
        assert len(converted[name]) == len(rows), name
        for want, line in zip(rows, converted[name], strict=True):
            line = line + [""] * (width - len(line))
            got = tuple(_read_back(t, v) for t, v in zip(line, want, strict=True))
            assert got == want, name
    measures = converted["Messpunkte"]
    assert [row[5] for row in measures[1:]] == ["14.25", "12"]


def _events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_the_calendar_has_the_proof_of_value_decision_dates(german: BoardState) -> None:
    entries = _events(export(german, "ics", now=STAMP).body)
    got = [(str(e["UID"]), str(e["SUMMARY"]), e.decoded("DTSTART")) for e in entries]
    may, june = datetime.date(2026, 5, 15), datetime.date(2026, 6, 30)
    assert got == [
        (
            "board-1.col-b.decide-on@gamestorm",
            "Über den Wirkungsnachweis entscheiden: Spalte 2",
            may,
        ),
        ("board-1.col-a.decide-by@gamestorm", "Entscheiden: Spalte 1", june),
        (
            "board-1.col-a.decide-on@gamestorm",
            "Über den Wirkungsnachweis entscheiden: Spalte 1",
            june,
        ),
        ("board-1.col-c.decide-by@gamestorm", "Entscheiden: Spalte 3", june),
    ], "by day, in place order; A keeps both entries on one day: they differ in kind"
    for e in entries:
        assert type(e.decoded("DTSTART")) is datetime.date
        assert e.decoded("DTEND") == e.decoded("DTSTART") + datetime.timedelta(days=1)
    proof = str(entries[2]["DESCRIPTION"])
    assert "Entscheidungstermin des Wirkungsnachweises" in proof
    assert "Wo: Werk Süd, Service, Acme & Söhne" in proof
    assert "Zeitraum: 2026-02-01 – 2026-03-31" in proof and "Steuerung: Team Orbit" in proof
    assert "Stand: anpassen" in proof
    assert "Entscheidung bis" in str(entries[1]["DESCRIPTION"])


def test_calendar_uids_are_stable_and_english_words(english: BoardState) -> None:
    first = _events(export(english, "ics", now=STAMP).body)
    again = _events(export(loop_table().state, "ics").body)
    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in again]
    assert len({str(e["UID"]) for e in first}) == len(first) == 4
    assert str(first[0]["SUMMARY"]) == "Decide on the proof of value: Column 2"


def test_one_entry_per_item_kind_and_day(english: BoardState) -> None:
    report = build_report(english)
    dates = report["followup_history"]["decision_dates"]
    report["followup_history"]["decision_dates"] = [*dates, dict(dates[0])]
    keys = [(d.key, d.day) for d in _decision_dates(report)]
    assert len(keys) == len(set(keys)) == 4, "the same kind twice on one day is one entry"
    dates[1]["decide_on"] = "15.05.2026"
    assert len(_decision_dates(report)) == 3, "a date that is none is left out"


def test_the_json_keeps_to_the_schema(german: BoardState, english: BoardState) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text("utf-8")))
    for state in (german, english):
        report = json.loads(render(state, "json")[0])
        assert report["followup_history"]["items"][0]["measures"][0]["values"][1]["value"] == 12
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]
        assert errors == []
