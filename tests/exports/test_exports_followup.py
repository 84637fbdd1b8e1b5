"""Issue 15: the follow-up history in every export (JSON, Markdown, HTML, CSV).

The board of export_boards.py (selected A, C after a swap; parked B, D), then a month
of follow-up for A, D declined, B taken up and a waiting loop is not possible any more
(nothing waits). A board with nothing followed up renders as before (no section).
"""

from __future__ import annotations

import csv
import io
import json

import html5lib
import pytest
from export_boards import COLUMNS, Table, play_table
from markdown_it import MarkdownIt

from gamestorm.games.followup_commands import LinkWaitingLoop
from gamestorm.server.exports import build_report, render

FOLLOW_UP = [
    {
        "type": "followup.plan",
        "column_id": COLUMNS["A"],
        "place": "Plant South",
        "area": "Service",
        "customer": "Acme & Sons",
        "start": "2026-02-01",
        "end": "2026-03-31",
        "steering": "Team Orbit",
        "decide_on": "2026-04-15",
    },
    {
        "type": "followup.measure",
        "column_id": COLUMNS["A"],
        "measure_id": "m-co2",
        "measure_kind": "co2",
        "label": "CO2 per order",
        "target": 12.5,
        "unit": "kg",
    },
    {
        "type": "followup.record",
        "column_id": COLUMNS["A"],
        "measure_id": "m-co2",
        "value": 14.25,
        "on": "2026-03-01",
    },
    {
        "type": "followup.status",
        "column_id": COLUMNS["A"],
        "status": "running",
        "note": "pilot started at two sites",
        "on": "2026-02-03",
    },
    {
        "type": "followup.decide",
        "column_id": COLUMNS["A"],
        "decision": "adapt",
        "reason": "target missed by 14 %",
        "on": "2026-04-15",
    },
    {"type": "followup.decline", "column_id": COLUMNS["D"], "reason": "no budget this year"},
]


@pytest.fixture(scope="module")
def table() -> Table:
    t = play_table(anonymous=True)
    for frame in FOLLOW_UP:
        t.run(frame, t.facilitator)
    t.run(LinkWaitingLoop("board-2", "Customer day – waiting loop", (COLUMNS["B"],)), t.facilitator)
    return t


def test_the_json_report_carries_the_history(table: Table) -> None:
    body, _ = render(table.state, "json")
    history = json.loads(body)["followup_history"]
    (a, c) = history["items"]
    assert (a["column_id"], c["column_id"]) == (COLUMNS["A"], COLUMNS["C"])
    assert a["proof_of_value"]["customer"] == "Acme & Sons"
    assert a["proof_of_value"]["at"].endswith("Z")
    assert a["measures"][0]["target"] == 12.5
    assert a["measures"][0]["values"][0] == {
        "value": 14.25,
        "on": "2026-03-01",
        "note": "",
        "at": a["measures"][0]["values"][0]["at"],
    }
    assert [s["status"] for s in a["statuses"]] == ["running"]
    assert a["decisions"][0]["reason"] == "target missed by 14 %"
    assert a["fate"] == "adapt" and c["fate"] == "selected"
    parked = {p["column_id"]: p for p in history["parked"]}
    assert parked[COLUMNS["D"]]["fate"] == "declined"
    assert parked[COLUMNS["D"]]["reason"] == "no budget this year"
    assert parked[COLUMNS["B"]]["fate"] == "waiting_loop"
    assert parked[COLUMNS["B"]]["board_id"] == "board-2"
    assert history["waiting_loops"][0]["column_names"] == ["Column 2"]
    assert history["decision_dates"] == [
        {"column_id": COLUMNS["A"], "name": "Column 1", "decide_on": "2026-04-15"}
    ]


def test_markdown_renders_the_history(table: Table) -> None:
    body, _ = render(table.state, "md")
    text = body.decode("utf-8")
    html = MarkdownIt("gfm-like").render(text)
    assert "<h2>Follow-up</h2>" in html
    assert "Acme &amp; Sons" in html
    assert "2026-04-15: adapt — target missed by 14 %" in html
    assert "CO2 per order (CO₂), target 12.5 kg — 2026-03-01: 14.25" in html
    assert "no budget this year" in html and "board-2" in html


def test_html_renders_the_history(table: Table) -> None:
    body, _ = render(table.state, "html")
    parser = html5lib.HTMLParser(strict=True)
    document = parser.parse(body)  # raises on any parse error
    section = document.find(".//{http://www.w3.org/1999/xhtml}section[@id='followup']")
    assert section is not None
    text = "".join(section.itertext())
    assert "Plant South, Service, Acme & Sons" in text
    assert "2026-02-03: running — pilot started at two sites" in text
    assert "2026-04-15: adapt — target missed by 14 %" in text


def test_html_in_german(table: Table) -> None:
    body, _ = render(table.state, "html", language="de")
    text = body.decode("utf-8")
    assert "Nachverfolgung" in text and "anpassen — target missed by 14 %" in text
    assert "14,25" in text


def test_csv_rows_after_the_table(table: Table) -> None:
    body, _ = render(table.state, "csv")
    lines = body.decode("utf-8-sig").split("\r\n")
    blank = lines.index("")
    head = list(csv.reader(io.StringIO(lines[0])))[0]
    assert "candidate" in head
    history = list(csv.DictReader(io.StringIO("\r\n".join(lines[blank + 1 :]))))
    kinds = [(r["section"], r["entry"]) for r in history]
    assert ("Decisions", "adapt") in kinds and ("Status history", "running") in kinds
    value = next(r for r in history if r["entry"] == "m-co2")
    assert (value["value"], value["target"], value["date"]) == ("14.25", "12.5", "2026-03-01")
    declined = next(r for r in history if r["entry"] == "declined")
    assert declined["text"] == "no budget this year"


def test_nothing_followed_up_renders_as_before() -> None:
    t = play_table(anonymous=True)
    report = build_report(t.state)
    assert report["followup_history"]["parked"][0]["fate"] == "waiting"
    assert b"\n## Follow-up\n" not in render(t.state, "md")[0]
    assert b'id="followup"' not in render(t.state, "html")[0]
    csv_body, _ = render(t.state, "csv")
    assert "\r\n\r\n" not in csv_body.decode("utf-8-sig")


def test_the_history_names_no_participant(table: Table) -> None:
    body, _ = render(table.state, "json", viewer_id="pid-a1b2")
    history = json.dumps(json.loads(body)["followup_history"])
    for pid in ("pid-a1b2", "pid-c3d4", "pid-e5f6", "Zorblax", "Mirela", "Ottokar"):
        assert pid not in history
