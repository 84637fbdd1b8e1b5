"""Partial rankings in every export: the method, strengths with intervals, Borda, the tie
at the cut and the facilitator's decision (issue 12).

The board of export_boards.py, played to ``rank``; then 30 more people rank subsets of
three of the four candidates (committed as the ``ranking.submitted`` events the subset
rules make): A always first, D always last, B and C a coin toss. With a top 2, B and C
are statistically tied at the cut, and the facilitator decides for C.
"""

from __future__ import annotations

import json

import pytest
from export_boards import COLUMNS, Table, play_table
from export_parsers import csv_rows, markdown_table, parse_html

from gamestorm import games
from gamestorm.games import Join, events
from gamestorm.server.exports import build_report, render

SUBSETS = ("ABC", "ABD", "ACD", "BCD")
REASON = "C is ready <now> & cheaper"


def partial_table(language: str = "en", decide: bool = True) -> Table:
    t = play_table(anonymous=False, until="rank", language=language)
    for i in range(30):
        t.run(Join(f"sub-{i:02d}", f"Subset person {i}"), None)
    for i in range(30):
        for j, criterion in enumerate(("impact", "effort")):
            rank = {"A": 0, "B": 1 + i % 2, "C": 2 - i % 2, "D": 3}
            order = sorted(SUBSETS[(i + j) % 4], key=rank.__getitem__)
            event = events.RankingSubmitted(f"sub-{i:02d}", criterion, [COLUMNS[x] for x in order])
            games.apply(t.state, event)
            t.log.append(event)
    t.advance()  # close
    if decide:
        frame = {"type": "selection.decide", "selected": [COLUMNS["C"], COLUMNS["A"]]}
        t.run({**frame, "reason": REASON}, t.facilitator)
    return t


@pytest.fixture(scope="module")
def partial() -> games.BoardState:
    return partial_table().state


def test_the_report_states_the_method_the_tie_and_the_decision(
    partial: games.BoardState,
) -> None:
    report = build_report(partial)
    assert report["method"] == "plackett_luce"
    assert set(report["tied_at_cut"]) == {COLUMNS["B"], COLUMNS["C"]}
    assert report["bootstrap"]["resamples"] >= 50
    assert set(report["pairwise_agreement"]) == {"impact", "effort"}
    assert report["decision"] == {
        "selected": [COLUMNS["A"], COLUMNS["C"]],
        "selected_names": ["Column 1", "Column 3"],
        "reason": REASON,
        "at": report["decision"]["at"],
    }
    assert report["decision"]["at"].endswith("Z")
    assert report["selection"] == [COLUMNS["A"], COLUMNS["C"]]
    by_id = {c["column_id"]: c for c in report["candidates"]}
    a, b, c = by_id[COLUMNS["A"]], by_id[COLUMNS["B"]], by_id[COLUMNS["C"]]
    assert a["place"] == 1 and not a["statistically_tied"]
    assert b["statistically_tied"] and c["statistically_tied"]
    assert c["status"] == "selected" and b["status"] == "parked"
    assert a["interval"][0] <= a["strength"] <= a["interval"][1]
    assert sum(x["strength"] for x in report["candidates"]) == pytest.approx(1, abs=1e-4)
    assert a["borda"] > by_id[COLUMNS["D"]]["borda"]
    assert json.loads(render(partial, "json")[0]) == report


def test_csv_adds_the_partial_columns(partial: games.BoardState) -> None:
    rows = {r["column_id"]: r for r in csv_rows(render(partial, "csv")[0])}
    c, d = rows[COLUMNS["C"]], rows[COLUMNS["D"]]
    assert c["statistically_tied"] == "yes" and d["statistically_tied"] == "no"
    assert float(c["interval_low"]) <= float(c["strength"]) <= float(c["interval_high"])
    assert int(c["borda"]) > 0 and int(c["appearances"]) >= 30
    assert c["decision_reason"] == REASON and d["decision_reason"] == ""


def test_markdown_shows_strengths_the_tie_and_the_decision(partial: games.BoardState) -> None:
    body = render(partial, "md")[0]
    table = {r["Place"]: r for r in markdown_table(body, "Ranking")}
    first = table["1"]
    assert first["Strength"].endswith("%)") and "(" in first["Strength"]
    assert first["Tied at the cut"] == ""
    assert {r["Tied at the cut"] for r in table.values()} == {"", "statistically tied"}
    text = body.decode()
    assert "Plackett-Luce" in text and "## Pairwise agreement" in text
    assert "## Agreement (Kendall's W)" not in text  # undefined for subsets
    decision = text.split("## Facilitator's decision\n\n", 1)[1].splitlines()[0]
    assert "Column 1, Column 3" in decision and "C is ready \\<now\\> \\& cheaper" in decision


def test_html_shows_bars_the_tie_and_the_decision(partial: games.BoardState) -> None:
    report = parse_html(render(partial, "html")[0])
    head, *rows = report.tables["ranking"]
    assert head.cells[-3:] == ["Strength", "Borda", "Tied at the cut"]
    assert all("%" in r.cells[-3] for r in rows)
    assert sum(r.cells[-1] == "statistically tied" for r in rows) == 2
    text = " ".join(report.text)
    assert "C is ready <now> & cheaper" in text  # escaped in the page, read back as text
    assert "Statistically tied at the cut" in text
    assert "script" not in report.tags


def test_german_words(partial: games.BoardState) -> None:
    state = partial_table(language="de").state
    rows = csv_rows(render(state, "csv")[0])
    assert {"Stärke", "Intervall von", "Statistisch gleichauf", "Entscheidung (Grund)"} <= set(
        rows[0]
    )
    text = render(state, "md")[0].decode()
    assert "## Entscheidung der Moderation" in text and " %" in text


def test_an_undecided_tie_says_so(partial: games.BoardState) -> None:
    state = partial_table(decide=False).state
    report = build_report(state)
    assert report["decision"] is None and report["tied_at_cut"]
    assert "decision_reason" not in csv_rows(render(state, "csv")[0])[0]
    assert "has not decided yet" in render(state, "md")[0].decode()


def test_complete_rankings_export_as_before(closed_board: games.BoardState) -> None:
    report = build_report(closed_board)
    assert report["method"] == "rank_sum" and report["decision"] is None
    assert all(c["strength"] is None for c in report["candidates"])
    assert "strength" not in csv_rows(render(closed_board, "csv")[0])[0]
    assert "Plackett-Luce" not in render(closed_board, "md")[0].decode()
