"""Every format renders the same model: same candidates, same order, same scores."""

from __future__ import annotations

import json

import pytest
from export_boards import play
from export_parsers import csv_rows, markdown_table, parse_html

from gamestorm.games import BoardState
from gamestorm.server.exports import FORMATS, build_report, render


def expected(state: BoardState) -> list[tuple[str, int, int, dict[str, int], str]]:
    """(name, place, total, per criterion, status) in place order, from the model."""
    return [
        (c["name"], c["place"], c["total"], c["per_criterion"], c["status"])
        for c in build_report(state)["candidates"]
    ]


def from_json(body: bytes) -> list[tuple[str, int, int, dict[str, int], str]]:
    data = json.loads(body)
    return [
        (c["name"], c["place"], c["total"], c["per_criterion"], c["status"])
        for c in data["candidates"]
    ]


def from_csv(body: bytes, criteria: list[str]) -> list[tuple[str, int, int, dict[str, int], str]]:
    return [
        (
            r["candidate"],
            int(r["place"]),
            int(r["score"]),
            {k: int(r[f"score {k}"]) for k in criteria},
            r["status"],
        )
        for r in csv_rows(body)
    ]


def from_markdown(
    body: bytes, criteria: list[str]
) -> list[tuple[str, int, int, dict[str, int], str]]:
    return [
        (
            r["Candidate"].split(":")[0],
            int(r["Place"]),
            int(r["Score"]),
            {k: int(r[k]) for k in criteria},
            r["Status"],
        )
        for r in markdown_table(body, "Ranking")
    ]


def from_html(body: bytes, criteria: list[str]) -> list[tuple[str, int, int, dict[str, int], str]]:
    head, *rows = parse_html(body).tables["ranking"]
    out = []
    for row in rows:
        cells = dict(zip(head.cells, row.cells, strict=True))
        out.append(
            (
                " ".join(cells["Candidate"].split()[:2]),
                int(cells["Place"]),
                int(cells["Score"]),
                {k: int(cells[k]) for k in criteria},
                cells["Status"],
            )
        )
    return out


@pytest.mark.parametrize("board", ["closed_board", "named_board"])
def test_every_format_lists_the_same_candidates_in_the_same_order(
    board: str, request: pytest.FixtureRequest
) -> None:
    state: BoardState = request.getfixturevalue(board)
    criteria = list(state.criteria)
    want = expected(state)
    assert [w[0] for w in want] == ["Column 1", "Column 2", "Column 3", "Column 4"]
    assert from_json(render(state, "json")[0]) == want
    assert from_csv(render(state, "csv")[0], criteria) == want
    assert from_markdown(render(state, "md")[0], criteria) == want
    assert from_html(render(state, "html")[0], criteria) == want


def test_render_answers_with_the_media_type_and_charset(closed_board: BoardState) -> None:
    assert set(FORMATS) == {"json", "csv", "md", "html", "xlsx", "ics"}
    for fmt, media in FORMATS.items():
        body, media_type = render(closed_board, fmt)
        assert media_type == media
        if fmt == "xlsx":  # a zip file: no charset
            assert body.startswith(b"PK") and "charset" not in media_type
            continue
        assert media_type.endswith("; charset=utf-8")
        assert body.decode("utf-8-sig")
    with pytest.raises(ValueError, match="unknown export format"):
        render(closed_board, "pdf")


def test_json_holds_the_whole_model(closed_board: BoardState) -> None:
    data = json.loads(render(closed_board, "json")[0])
    assert data == build_report(closed_board)
    assert set(data) >= {
        "board",
        "prompt",
        "game",
        "timeline",
        "candidates",
        "agreement",
        "selection",
        "parked",
        "swaps",
        "parking_lot",
        "notes",
        "orders",
        "counts",
    }
    assert [t["phase"] for t in data["timeline"]] == [
        "ignite",
        "generate",
        "affinity",
        "rank",
        "close",
    ]
    assert data["board"]["created_at"] == "2026-01-01T10:00:00Z"


def test_the_follow_up_reaches_every_format(closed_board: BoardState) -> None:
    rows = {r["candidate"]: r for r in csv_rows(render(closed_board, "csv")[0])}
    assert rows["Column 1"]["owner"] == "Team Orbit"
    assert rows["Column 1"]["decision_date"] == "2026-06-30"
    assert rows["Column 1"]["next_step"] == "Prototype in Q1"
    md = {r["Place"]: r for r in markdown_table(render(closed_board, "md")[0], "Ranking")}
    assert md["1"]["Owner"] == "Team Orbit"
    assert md["1"]["Decide by"] == "30 Jun 2026"
    html = render(closed_board, "html")[0].decode()
    assert "Prototype in Q1" in html
    assert "B needs legal review first &lt;b&gt;" in html


def test_a_report_can_be_taken_while_the_game_runs() -> None:
    for phase in ("generate", "affinity", "rank"):
        state = play(until=phase)
        for fmt in FORMATS:
            body, _ = render(state, fmt)
            assert body
        report = build_report(state)
        assert report["board"]["results_final"] is False
        assert report["orders"] == []
        assert all(c["status"] == "open" and c["place"] is None for c in report["candidates"])
