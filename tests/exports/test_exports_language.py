"""Exports in the board's language with its local times; old logs export as before.

The board of export_boards.py, created in German with the Berlin time zone, once in
winter (CET, +01:00) and once in summer (CEST, +02:00). The expected local times are
worked out here with zoneinfo, independently of the code under test.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from typing import Any

import pytest
from export_boards import COLUMNS, T0, Table, play, play_table
from export_parsers import csv_rows, markdown_table, parse_html

from gamestorm import games
from gamestorm.games import BoardState, Rejection
from gamestorm.server.exports import build_report, render
from gamestorm.server.hub import timezone_known

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SUMMER = 1_782_900_000.0  # 2026-07-01T10:00:00Z, 12:00 in Berlin (CEST)
#: English words the German exports must not contain (user texts are English-free too).
ENGLISH = ("Results", "## Ranking", "Selected", "Parked", "Parking lot", "Column ", "Timeline",
           "Score", "Owner", "in progress", "place ", "Created", "not yet", "(hidden)")  # fmt: skip


def berlin(timestamp: float, de: bool = True) -> str:
    """The local time a German (or English) reader in Berlin expects to read."""
    moment = datetime.datetime.fromtimestamp(timestamp, BERLIN)
    if de:
        zone = {"CET": "MEZ", "CEST": "MESZ"}[moment.tzname() or ""]
        return f"{moment:%d.%m.%Y, %H:%M} {zone}"
    return f"{moment.day} {moment:%b %Y, %H:%M} {moment.tzname()}"


@pytest.fixture(scope="module")
def german() -> BoardState:
    return play(language="de", timezone="Europe/Berlin")


@pytest.fixture(scope="module")
def german_summer() -> BoardState:
    return play(language="de", timezone="Europe/Berlin", start=SUMMER)


def test_json_keeps_its_keys_and_gives_times_with_the_local_offset(german: BoardState) -> None:
    data = json.loads(render(german, "json")[0])
    assert data["language"] == "de" and data["timezone"] == "Europe/Berlin"
    assert data["board"]["language"] == "de" and data["board"]["timezone"] == "Europe/Berlin"
    assert data["board"]["created_at"] == "2026-01-01T11:00:00+01:00"
    assert all(t["entered_at"].endswith("+01:00") for t in data["timeline"])
    first = datetime.datetime.fromisoformat(data["timeline"][1]["entered_at"])
    assert first.timestamp() == german.phase_log[1][1]
    assert all(n["created_at"].endswith("+01:00") for n in data["notes"])
    assert data["swaps"][0]["at"].endswith("+01:00")
    # machine keys and values stay English; names a person reads are German
    assert [c["status"] for c in data["candidates"]] == ["selected", "parked", "selected", "parked"]
    assert [c["name"] for c in data["candidates"]] == [
        "Spalte 1",
        "Spalte 2",
        "Spalte 3",
        "Spalte 4",
    ]
    assert [t["title"] for t in data["timeline"]][0] == "Zündung"


def test_summer_times_carry_summer_offsets(german_summer: BoardState) -> None:
    data = json.loads(render(german_summer, "json")[0])
    assert data["board"]["created_at"] == "2026-07-01T12:00:00+02:00"
    md = render(german_summer, "md")[0].decode()
    assert "**Erstellt:** 01.07.2026, 12:00 MESZ" in md
    timeline = markdown_table(render(german_summer, "md")[0], "Ablauf")
    assert [r["Begonnen"] for r in timeline] == [berlin(at) for _, at in german_summer.phase_log]
    english = render(german_summer, "md", language="en")[0].decode()
    assert "**Created:** 1 Jul 2026, 12:00 CEST" in english


def test_csv_is_german(german: BoardState) -> None:
    rows = csv_rows(render(german, "csv")[0])
    assert list(rows[0])[:7] == [
        "Platz",
        "Kandidat",
        "Zusammenfassung",
        "Punkte",
        "Punkte impact",
        "Punkte effort",
        "Status",
    ]
    by_name = {r["Kandidat"]: r for r in rows}
    assert by_name["Spalte 1"]["Status"] == "ausgewählt"
    assert by_name["Spalte 2"]["Status"] == "geparkt"
    assert by_name["Spalte 1"]["Status nächste Schritte"] == "in Arbeit"
    assert by_name["Spalte 1"]["Verantwortlich"] == "Team Orbit"
    assert by_name["Spalte 1"]["Entscheidung bis"] == "2026-06-30"


def test_markdown_is_german_with_local_times(german: BoardState) -> None:
    body = render(german, "md")[0]
    text = body.decode()
    assert text.startswith("# Ergebnisse: Customer day")
    assert f"**Erstellt:** {berlin(T0)}" in text and "01.01.2026, 11:00 MEZ" in text
    assert "**Zeitzone:** Europe/Berlin" in text
    ranking = markdown_table(body, "Rangliste")
    assert [r["Status"] for r in ranking] == ["ausgewählt", "geparkt", "ausgewählt", "geparkt"]
    assert ranking[0]["Entscheidung bis"] == "30.06.2026"
    assert "Status in Arbeit" in text
    assert "- impact: 0,82, stark" in text and "- effort: 0,50, mittel" in text
    assert "Streuung 0,8." in text
    timeline = markdown_table(body, "Ablauf")
    assert [r["Begonnen"] for r in timeline] == [berlin(at) for _, at in german.phase_log]
    assert [r["Phase"] for r in timeline][:2] == ["Zündung", "Notizen schreiben"]
    assert timeline[0]["Art"] == "öffnend"
    notes = markdown_table(body, "Wo jede Notiz gelandet ist")
    assert notes[0]["Wo"] == "Spalte 1 → Platz 1 → ausgewählt"
    assert "Parkplatz" in {r["Wo"] for r in notes}
    for word in ENGLISH:
        assert word not in text, word


def test_html_is_german_with_local_times(german: BoardState) -> None:
    body = render(german, "html")[0]
    text = body.decode()
    assert '<html lang="de">' in text
    report = parse_html(body)
    head, *rows = report.tables["ranking"]
    assert head.cells[:3] == ["Platz", "Kandidat", "Punkte"]
    assert [r.cells[head.cells.index("Status")] for r in rows][:2] == ["ausgewählt", "geparkt"]
    t_head, *t_rows = report.tables["timeline"]
    assert t_head.cells == ["Phase", "Art", "Begonnen", "Beendet", "Sekunden"]
    assert [r.cells[2] for r in t_rows] == [berlin(at) for _, at in german.phase_log]
    assert f'datetime="{datetime.datetime.fromtimestamp(T0, BERLIN).isoformat()}"' in text
    words = " ".join(report.text)
    assert "Übereinstimmung (Kendalls W)" in words and "Wie oft Spalte 1 jeden Platz" in text
    for word in ENGLISH:
        assert word not in words, word


def test_the_language_can_be_overridden_and_keeps_the_local_times(german: BoardState) -> None:
    report = build_report(german, language="en")
    assert report["language"] == "en" and report["board"]["language"] == "de"
    assert report["candidates"][0]["name"] == "Column 1"
    assert report["board"]["created_at"] == "2026-01-01T11:00:00+01:00"
    md = render(german, "md", language="en")[0].decode()
    assert f"**Created:** {berlin(T0, de=False)}" in md


def test_an_old_log_without_language_or_time_zone_exports_as_before(
    closed_board: BoardState,
) -> None:
    stored = [games.to_dict(e) for e in play_table(anonymous=True).log]
    del stored[0]["language"], stored[0]["timezone"]
    state = games.fold(games.from_dict(e) for e in stored)
    assert (state.language, state.timezone) == ("en", "UTC")
    for fmt in ("json", "csv", "md", "html"):
        assert render(state, fmt)[0] == render(closed_board, fmt)[0]
    data = json.loads(render(state, "json")[0])
    assert data["board"]["created_at"] == "2026-01-01T10:00:00Z"
    assert (data["language"], data["timezone"]) == ("en", "UTC")
    md = render(state, "md")[0].decode()
    assert md.startswith("# Results:") and "**Created:** 1 Jan 2026, 10:00 UTC" in md


def test_from_dict_still_requires_the_fields_without_a_default() -> None:
    created = games.to_dict(play_table(until="generate").log[0])
    del created["title"]
    with pytest.raises(KeyError):
        games.from_dict(created)


BAD_OPTIONS: list[tuple[dict[str, Any], str]] = [
    ({"language": "fr"}, "invalid"),
    ({"language": "DE"}, "invalid"),
    ({"language": 1}, "bad_request"),
    ({"timezone": "Mars/Olympus_Mons"}, "invalid"),
    ({"timezone": "../../etc/passwd"}, "invalid"),
    ({"timezone": ""}, "invalid"),
    ({"timezone": "Europe"}, "invalid"),
    ({"timezone": ["UTC"]}, "bad_request"),
]


@pytest.mark.parametrize(("options", "code"), BAD_OPTIONS)
def test_creation_refuses_an_unknown_language_or_time_zone(
    options: dict[str, Any], code: str
) -> None:
    with pytest.raises(Rejection) as caught:
        Table(True, (), **options)
    assert caught.value.code == code
    assert next(iter(options)) in caught.value.message


def test_known_time_zones_are_the_iana_names() -> None:
    assert timezone_known("Europe/Berlin") and timezone_known("UTC")
    assert timezone_known("America/Argentina/Buenos_Aires")
    assert not timezone_known("CEST") and not timezone_known("europe/berlin")


def test_a_follow_up_swapped_out_of_the_selection_is_not_live_in_any_export() -> None:
    """B got a follow-up while selected, then was swapped out for C: stakeholders see B
    parked, with the swap's reason, and no follow-up for it anywhere."""
    state = play(followups="ABC")
    b = COLUMNS["B"]
    assert b in state.followups and b not in state.selected
    report = build_report(state)
    cand = {c["column_id"]: c for c in report["candidates"]}
    assert cand[b]["status"] == "parked" and cand[b]["followup"] is None
    assert cand[b]["swapped_out"]["reason"] == "B needs legal review first <b>"
    assert cand[b]["swapped_out"]["replaced_by"] == COLUMNS["C"]
    assert cand[COLUMNS["C"]]["followup"] is not None and cand[COLUMNS["C"]]["swapped_out"] is None
    for fmt in ("json", "csv", "md", "html"):
        body = render(state, fmt)[0].decode("utf-8-sig")
        assert "Ask legal about B" not in body, fmt
        assert "Legal" not in body.replace("legal review", ""), fmt
    rows = {r["column_id"]: r for r in csv_rows(render(state, "csv")[0])}
    assert rows[b]["owner"] == "" and rows[b]["status"] == "parked"
    assert rows[b]["swapped_out_reason"] == "B needs legal review first <b>"
    assert rows[COLUMNS["A"]]["swapped_out_reason"] == ""
    md = render(state, "md")[0].decode()
    parked = md[md.index("## Parked") : md.index("## Changes to the selection")]
    assert "**Swapped out:**" in parked and "B needs legal review first \\<b\\>" in parked
    html = parse_html(render(state, "html")[0])
    assert any("Swapped out:" in t for t in html.text)
    german = render(play(followups="ABC", language="de"), "md")[0].decode()
    assert "**Herausgetauscht:**" in german and "Ask legal about B" not in german
