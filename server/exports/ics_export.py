"""iCalendar: one all-day event per decision date, for the partners' calendars.

Each follow-up's ``decide_by`` is an entry "Decide: <item>" ("Entscheiden: <item>"),
with the owner, the next step and the status in its description. The UID is stable per
board and item (``<board>.<column>.decide-by@gamestorm``), so importing a newer export
updates the entry instead of adding a second; DTSTAMP is when the file was made.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from icalendar import Calendar, Event

from .wording import followup_status_text, words

MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Gamestorm//Results export//EN"


@dataclass(frozen=True)
class DecisionDate:
    """One date on which the partners decide about an item."""

    key: str  # unique within the board: the UID is made of it
    item: str
    day: datetime.date
    owner: str | None = None
    next_step: str | None = None
    status: str | None = None


def _decision_dates(report: dict[str, Any]) -> list[DecisionDate]:
    """Every decision date of the board: the follow-ups' ``decide_by`` today; the
    follow-up loop (issue 15) adds its proofs of value's decision dates here."""
    out = []
    for c in report["candidates"]:
        f = c["followup"]
        if not f or not f.get("decide_by"):
            continue
        try:
            day = datetime.date.fromisoformat(f["decide_by"])
        except ValueError:
            continue  # a date that is none cannot be in a calendar
        key = f"{c['column_id']}.decide-by"
        out.append(DecisionDate(key, c["name"], day, f["owner"], f["next_step"], f["status"]))
    return out


def render_ics(report: dict[str, Any], now: datetime.datetime | None = None) -> bytes:
    w, lang = words(report["language"]), report["language"]
    board = report["board"]
    stamp = (now or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", board["title"])
    calendar.add("x-wr-timezone", report["timezone"])
    for d in _decision_dates(report):
        event = Event()
        event.add("uid", f"{board['id']}.{d.key}@gamestorm")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.day)
        event.add("dtend", d.day + datetime.timedelta(days=1))
        event.add("summary", w["decide_summary"].format(item=d.item))
        lines = [w["ics_board"].format(title=board["title"])]
        if d.owner:
            lines.append(w["ics_owner"].format(owner=d.owner))
        if d.next_step:
            lines.append(w["ics_next_step"].format(step=d.next_step))
        if d.status:
            lines.append(w["ics_status"].format(status=followup_status_text(d.status, lang)))
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
