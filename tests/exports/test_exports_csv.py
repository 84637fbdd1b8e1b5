"""CSV opens cleanly in spreadsheets and cannot smuggle formulas into them."""

from __future__ import annotations

import pytest
from export_boards import FORMULA_NOTE, SCRIPT_NOTE
from export_parsers import csv_rows

from gamestorm.games import BoardState
from gamestorm.server.exports import render
from gamestorm.server.exports.csv_export import guard

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_csv_is_utf8_with_bom_and_crlf_rows(closed_board: BoardState) -> None:
    body, media_type = render(closed_board, "csv")
    assert media_type == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.split(b"\r\n")[0].endswith(b"column_id,swapped_out_reason,swap,swap_reason")
    rows = csv_rows(body)
    assert len(rows) == 4
    assert list(rows[0])[:6] == [
        "place",
        "candidate",
        "summary",
        "score",
        "score impact",
        "score effort",
    ]


def test_csv_round_trips_multi_line_notes_and_unicode(closed_board: BoardState) -> None:
    rows = {r["candidate"]: r for r in csv_rows(render(closed_board, "csv")[0])}
    assert rows["Column 3"]["notes"].split("\n") == [
        "'" + FORMULA_NOTE,
        "Weekly demo",
        "with customers",
    ]
    assert rows["Column 3"]["note_count"] == "2"
    assert rows["Column 2"]["notes"] == SCRIPT_NOTE
    assert rows["Column 1"]["summary"].startswith("Faster onboarding for new customers · ")


def test_no_cell_starts_like_a_formula(closed_board: BoardState) -> None:
    rows = csv_rows(render(closed_board, "csv")[0])
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c.lstrip(" ").startswith(FORMULA_STARTS)]
    by_name = {r["candidate"]: r for r in rows}
    assert by_name["Column 3"]["summary"].startswith("'" + FORMULA_NOTE)
    assert by_name["Column 3"]["owner"] == "'@ops"
    assert by_name["Column 3"]["next_step"] == "'-run pilot; +measure"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+49 30 1234", "+49 30 1234"),
        ("+49 170 1234567", "+49 170 1234567"),
        ("+49 (0)170 1234567", "+49 (0)170 1234567"),
        ("-5 Grad", "-5 Grad"),
        ("-2", "-2"),
        ("@", "@"),
        ("@ 10 Uhr", "@ 10 Uhr"),
        ("+49-170-1234567", "'+49-170-1234567"),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("+A1", "'+A1"),
        ("-1+SUM(A1:A3)", "'-1+SUM(A1:A3)"),
        ("-5 $B$2", "'-5 $B$2"),
        ("@ops", "'@ops"),
        ("-run pilot", "'-run pilot"),
        ("=", "'="),
        ("\r=cmd", "'\r=cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("  =cmd", "'  =cmd"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_guard(cell: str, safe: str) -> None:
    assert guard(cell) == safe
