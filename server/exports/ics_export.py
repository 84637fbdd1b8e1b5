"""iCalendar: one all-day event per decision date, for the partners' calendars.

Each follow-up's ``decide_by`` is an entry "Decide: <item>" ("Entscheiden: <item>"),
with the owner, the next step and the status in its description. The UID is stable per
board and item (``<board>.<column>.decide-by@gamestorm``), so importing a newer export
updates the entry instead of adding a second; DTSTAMP is when the file was made.

The follow-up loop (issue 15) adds one entry per proof of value's decision date
(``followup_history["decision_dates"]``): "Decide on the proof of value: <item>", with
where, period, steering and stage, UID ``<board>.<column>.decide-on@gamestorm``. An item
whose two dates fall on the same day keeps both entries, since they are different
decisions; each summary and description says which one it is. The same kind twice on
one day for one item is one entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from icalendar import Calendar, Event

from .followup_render import term
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
    #: ``decide_by`` (a follow-up's next step) or ``decide_on`` (a proof of value)
    kind: str = "decide_by"
    #: the description's further lines, already in the board's language
    details: tuple[str, ...] = ()


def _day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None  # a date that is none cannot be in a calendar


def _proof_dates(report: dict[str, Any]) -> list[DecisionDate]:
    """Issue 15: the proofs of value's decision dates, with where, period and steering."""
    history = report.get("followup_history") or {}
    w, lang = words(report["language"]), report["language"]
    items = {i["column_id"]: i for i in history.get("items", [])}
    out = []
    for d in history.get("decision_dates", []):
        day = _day(d["decide_on"])
        if day is None:
            continue
        item = items.get(d["column_id"]) or {}
        pov = item.get("proof_of_value") or {}
        lines = []
        where = ", ".join(x for x in (pov.get(k) for k in ("place", "area", "customer")) if x)
        if where:
            lines.append(w["ics_where"].format(where=where))
        if pov.get("start") or pov.get("end"):
            period = w["ics_period"].format(
                start=pov.get("start") or "…", end=pov.get("end") or "…"
            )
            lines.append(period)
        if pov.get("steering"):
            lines.append(w["ics_steering"].format(steering=pov["steering"]))
        if item.get("fate"):
            lines.append(w["ics_stage"].format(stage=term(item["fate"], lang)))
        key = f"{d['column_id']}.decide-on"
        out.append(DecisionDate(key, d["name"], day, kind="decide_on", details=tuple(lines)))
    return out


def _decision_dates(report: dict[str, Any]) -> list[DecisionDate]:
    """Every decision date of the board by day: the follow-ups' ``decide_by`` and the
    proofs of value's ``decide_on`` (issue 15), once per item, kind and day."""
    out = []
    for c in report["candidates"]:
        f = c["followup"]
        if not f or not f.get("decide_by"):
            continue
        day = _day(f["decide_by"])
        if day is None:
            continue
        key = f"{c['column_id']}.decide-by"
        out.append(DecisionDate(key, c["name"], day, f["owner"], f["next_step"], f["status"]))
    seen = {(d.key, d.day) for d in out}
    for d in _proof_dates(report):
        if (d.key, d.day) not in seen:
            seen.add((d.key, d.day))
            out.append(d)
    rank = {c["column_id"]: n for n, c in enumerate(report["candidates"])}
    # by day, then in place order; stable, so an item's decide-by comes before its decide-on
    return sorted(out, key=lambda d: (d.day, rank.get(d.key.rsplit(".", 1)[0], len(rank))))


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
        summary = "decide_on_summary" if d.kind == "decide_on" else "decide_summary"
        event.add("summary", w[summary].format(item=d.item))
        lines = [w["ics_board"].format(title=board["title"]), w[f"ics_kind_{d.kind}"]]
        if d.owner:
            lines.append(w["ics_owner"].format(owner=d.owner))
        if d.next_step:
            lines.append(w["ics_next_step"].format(step=d.next_step))
        if d.status:
            lines.append(w["ics_status"].format(status=followup_status_text(d.status, lang)))
        lines += d.details
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
