"""Columns named in the game's ``name`` phase are called by their names in every export."""

from __future__ import annotations

import json

from export_boards import COLUMNS, NAMES, play
from export_parsers import csv_rows, markdown_table, parse_html

from gamestorm.server.exports import build_report, render

#: The places by hand (export_boards' docstring): A 1, B 2, C 3, D 4; then B and C swap.
IN_PLACE_ORDER = [NAMES[x] for x in "ABCD"]


def test_json_candidates_swaps_and_notes_carry_the_names() -> None:
    state = play(names=NAMES)
    data = json.loads(render(state, "json")[0])
    assert [c["name"] for c in data["candidates"]] == IN_PLACE_ORDER
    assert [c["number"] for c in data["candidates"]] == [1, 2, 3, 4]
    assert data["candidates"][0]["label"].startswith("Onboarding: Faster onboarding")
    (swap,) = data["swaps"]
    assert (swap["selected_name"], swap["parked_name"]) == (NAMES["B"], NAMES["C"])
    where = {n["id"]: n["where"] for n in data["notes"]}
    assert where["note-1"].startswith("Onboarding")
    assert [t["phase"] for t in data["timeline"]] == [
        "ignite",
        "generate",
        "affinity",
        "name",
        "rank",
        "close",
    ]
    assert build_report(state)["candidates"][0]["column_id"] == COLUMNS["A"]


def test_csv_markdown_and_html_carry_the_names() -> None:
    state = play(names=NAMES)
    rows = csv_rows(render(state, "csv")[0])
    assert [r["candidate"] for r in rows] == IN_PLACE_ORDER
    md = render(state, "md")[0]
    ranking = markdown_table(md, "Ranking")
    assert all(
        any(name in cell for cell in row.values())
        for row, name in zip(ranking, IN_PLACE_ORDER, strict=True)
    )
    html = render(state, "html")[0]
    assert "Sicherheit &lt;b&gt;" in html.decode(), "a name is user text: escaped"
    text = "".join(parse_html(html).text)
    for name in IN_PLACE_ORDER:
        assert name in text
    assert "Column 1" not in text


def test_boards_without_a_name_phase_still_say_column_n() -> None:
    data = json.loads(render(play(), "json")[0])
    assert [c["name"] for c in data["candidates"]] == [f"Column {n}" for n in (1, 2, 3, 4)]
