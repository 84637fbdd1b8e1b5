"""iCalendar: one all-day entry per decision date, parsed back by ``icalendar``."""

from __future__ import annotations

import datetime

from export_boards import NAMES, play
from icalendar import Calendar

from gamestorm.server.exports import FORMATS, export
from gamestorm.server.exports.ics_export import _decision_dates
from gamestorm.server.exports.model import build_report

STAMP = datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)


def events_of(body: bytes) -> list[object]:
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    return list(calendar.walk("VEVENT"))


def test_one_all_day_event_per_decision_date() -> None:
    made = export(play(names=NAMES), "ics", now=STAMP)
    assert made.media_type == FORMATS["ics"] == "text/calendar; charset=utf-8"
    assert made.filename.endswith(".ics")
    entries = events_of(made.body)
    assert [str(e["SUMMARY"]) for e in entries] == ["Decide: Onboarding", "Decide: Demos & Pilot"]
    for e in entries:
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert type(start) is datetime.date and start == datetime.date(2026, 6, 30)
        assert end == datetime.date(2026, 7, 1), "all day: the end is the next day"
        assert e.decoded("DTSTAMP") == STAMP
    description = str(entries[1]["DESCRIPTION"])
    assert "Owner: @ops" in description and "Next step: -run pilot; +measure" in description
    assert "Status: in progress" in description


def test_uids_are_stable_per_board_and_item() -> None:
    first = events_of(export(play(), "ics", now=STAMP).body)
    later = events_of(export(play(), "ics").body)
    uids = [str(e["UID"]) for e in first]
    assert uids == [str(e["UID"]) for e in later]
    assert len(set(uids)) == 2 and all(u.startswith("board-1.") for u in uids)


def test_german_words_and_no_entry_without_a_date() -> None:
    german = events_of(export(play(language="de"), "ics").body)
    assert str(german[0]["SUMMARY"]) == "Entscheiden: Spalte 1"
    assert "Verantwortlich: Team Orbit" in str(german[0]["DESCRIPTION"])
    assert events_of(export(play(followups=""), "ics").body) == []
    report = build_report(play())
    report["candidates"][0]["followup"]["decide_by"] = "soon"
    assert len(_decision_dates(report)) == 1, "a date that is none is left out"
