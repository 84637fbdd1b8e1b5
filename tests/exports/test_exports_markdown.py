"""Markdown: user text can neither break the tables nor become markup."""

from __future__ import annotations

import pytest
from export_boards import SCRIPT_NOTE
from export_parsers import markdown_table

from gamestorm.games import BoardState
from gamestorm.server.exports import render
from gamestorm.server.exports.markdown_export import md


def test_notes_stay_inert_text(closed_board: BoardState) -> None:
    body = render(closed_board, "md")[0]
    text = body.decode()
    assert SCRIPT_NOTE not in text and "<" not in text.replace("\\<", "")
    notes = markdown_table(body, "Where each note went")
    assert {r["Note"] for r in notes} >= {SCRIPT_NOTE, "Shared roadmap | with partners"}
    assert {r["Where"] for r in notes} >= {"parking lot", "Column 1 → place 1 → selected"}


@pytest.mark.parametrize(
    ("text", "inert"),
    [
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("2024) year", "2024\\) year"),
        ("a | b", "a \\| b"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("two\nlines", "two lines"),
        ("<b>", "\\<b\\>"),
        (None, ""),
    ],
)
def test_md_escapes(text: str | None, inert: str) -> None:
    assert md(text) == inert
