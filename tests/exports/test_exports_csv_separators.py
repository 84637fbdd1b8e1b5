"""CSV for German spreadsheets: ``;`` and the decimal comma, read by pandas as numbers;
and the formula guard that leaves harmless values as they were typed."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from export_boards import COLUMNS, play
from export_more import with_texts
from test_exports_partial import partial_table

from gamestorm.games import BoardState
from gamestorm.server.exports import CsvOptions, csv_options, export
from gamestorm.server.exports.csv_export import render_csv


@pytest.fixture(scope="module")
def german() -> BoardState:
    texts = {"note-1": "Ruf an: +49 170 1234567", "note-4": "+49 170 1234567"}
    return with_texts(texts, language="de", timezone="Europe/Berlin")


def german_csv(state: BoardState, **kw: str) -> bytes:
    return export(state, "csv", csv=csv_options(kw.get("sep", ";"), kw.get("decimal"), "de")).body


def test_options_default_to_the_language_decimal_mark_under_a_semicolon() -> None:
    assert csv_options(None, None, "de") == CsvOptions(",", ".")
    assert csv_options(";", None, "de") == CsvOptions(";", ",")
    assert csv_options("semicolon", None, "en") == CsvOptions(";", ".")
    assert csv_options(";", ".", "de") == CsvOptions(";", ".")
    assert csv_options("tab", ",", "en") == CsvOptions("\t", ",")
    for sep, decimal in ((",", ","), ("|", None), (";", "x")):
        with pytest.raises(ValueError):
            csv_options(sep, decimal, "de")


def test_pandas_reads_numbers_as_numbers(german: BoardState) -> None:
    body = german_csv(german)
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM for umlauts"
    first = body.decode("utf-8-sig").split("\r\n")[0]
    assert first.startswith("Platz;Kandidat;Zusammenfassung;Punkte;")
    frame = pd.read_csv(io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig")
    assert frame["Streuung"].dtype == "float64"
    assert frame["Platz"].dtype == "int64" and frame["Punkte"].dtype == "int64"
    assert frame["Streuung"].tolist() == pytest.approx([0.8, 0.4899, 0.7483, 0.4899])
    assert list(frame["Spalten-ID"]) == [COLUMNS[x] for x in "ABCD"]
    assert "0,8" in body.decode("utf-8-sig")


def test_partial_rankings_strengths_are_floats_with_a_decimal_comma() -> None:
    state = partial_table(language="de").state
    body = german_csv(state)
    frame = pd.read_csv(io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig")
    for column in ("Stärke", "Intervall von", "Intervall bis", "Streuung"):
        assert frame[column].dtype == "float64", column
    assert frame["Stärke"].sum() == pytest.approx(1, abs=1e-3)


def test_the_default_stays_comma_and_point(german: BoardState) -> None:
    body = export(german, "csv").body
    frame = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
    assert frame["Streuung"].dtype == "float64" and "0.8" in body.decode("utf-8-sig")


def test_phone_numbers_keep_no_apostrophe_formulas_stay_guarded(german: BoardState) -> None:
    rows = list(
        csv.reader(io.StringIO(german_csv(german).decode("utf-8-sig"), newline=""), delimiter=";")
    )
    head, *body = rows
    notes = {r[head.index("Spalten-ID")]: r[head.index("Notizen")] for r in body}
    assert notes[COLUMNS["A"]].split("\n") == ["Ruf an: +49 170 1234567", "+49 170 1234567"]
    assert notes[COLUMNS["C"]].startswith("'=HYPERLINK"), "a real formula stays inert"
    owners = {r[head.index("Spalten-ID")]: r[head.index("Verantwortlich")] for r in body}
    assert owners[COLUMNS["C"]] == "'@ops"


def test_swap_marker_and_reason_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv_text(play()))))
    by_id = {r["column_id"]: r for r in rows}
    assert by_id[COLUMNS["B"]]["swap"] == "↓ swapped out"
    assert by_id[COLUMNS["C"]]["swap"] == "↑ swapped in"
    assert by_id[COLUMNS["C"]]["swap_reason"] == "B needs legal review first <b>"
    assert by_id[COLUMNS["A"]]["swap"] == by_id[COLUMNS["A"]]["swap_reason"] == ""


def render_csv_text(state: BoardState) -> str:
    from gamestorm.server.exports import build_report

    return render_csv(build_report(state)).decode("utf-8-sig")
