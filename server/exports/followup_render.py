"""Issue 15: the follow-up history (``report["followup_history"]``) as a section of the
Markdown and HTML reports and as rows after the CSV's table.

A board with nothing followed up yet renders exactly as before: the sections appear once
the loop has recorded something. The renderers pass in their own escaping (``md``,
``e``), so this module decides the wording and order only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .wording import language_of, local_time, number

Escape = Callable[[Any], str]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Follow-up",
        "proof": "Proof of value",
        "where": "Where",
        "period": "Period",
        "steering": "Steering",
        "decide_on": "Decision date",
        "measures": "Measures",
        "target": "target",
        "statuses": "Status history",
        "decisions": "Decisions",
        "parked_heading": "Parked items",
        "waiting_heading": "Waiting loop",
        "waiting_line": "{at}: new board “{title}” ({board_id}) from {names}",
        "taken_up": "taken up",
        "nothing": "nothing recorded yet",
        "section": "section",
        "candidate": "candidate",
        "date": "date",
        "entry": "entry",
        "value": "value",
        "text": "text",
        "recorded_at": "recorded_at",
        "column_id": "column_id",
        "unit": "unit",
    },
    "de": {
        "heading": "Nachverfolgung",
        "proof": "Wirkungsnachweis",
        "where": "Wo",
        "period": "Zeitraum",
        "steering": "Steuerung",
        "decide_on": "Entscheidungsdatum",
        "measures": "Messpunkte",
        "target": "Ziel",
        "statuses": "Statusverlauf",
        "decisions": "Entscheidungen",
        "parked_heading": "Geparkte Punkte",
        "waiting_heading": "Warteschleife",
        "waiting_line": "{at}: neues Board „{title}“ ({board_id}) aus {names}",
        "taken_up": "aufgegriffen",
        "nothing": "noch nichts festgehalten",
        "section": "Abschnitt",
        "candidate": "Kandidat",
        "date": "Datum",
        "entry": "Eintrag",
        "value": "Wert",
        "text": "Text",
        "recorded_at": "erfasst_am",
        "column_id": "spalten_id",
        "unit": "Einheit",
    },
}
#: Status, decision, measure and fate words in each language (keys stay English in data).
TERMS: dict[str, dict[str, str]] = {
    "en": {
        "planned": "planned",
        "running": "running",
        "paused": "paused",
        "done": "done",
        "scale": "scale",
        "adapt": "adapt",
        "stop": "stop",
        "time": "time",
        "quality": "quality",
        "revenue": "revenue",
        "co2": "CO₂",
        "tco": "TCO",
        "other": "other",
        "selected": "selected",
        "taken_up": "taken up",
        "declined": "declined",
        "waiting": "waiting",
        "waiting_loop": "in a new board",
    },
    "de": {
        "planned": "geplant",
        "running": "läuft",
        "paused": "pausiert",
        "done": "abgeschlossen",
        "scale": "skalieren",
        "adapt": "anpassen",
        "stop": "beenden",
        "time": "Zeit",
        "quality": "Qualität",
        "revenue": "Umsatz",
        "co2": "CO₂",
        "tco": "TCO",
        "other": "Sonstiges",
        "selected": "ausgewählt",
        "taken_up": "aufgegriffen",
        "declined": "abgelehnt",
        "waiting": "wartet",
        "waiting_loop": "in einem neuen Board",
    },
}


def has_history(report: dict[str, Any]) -> bool:
    """Whether the loop has recorded anything (else the exports stay as they were)."""
    history = report.get("followup_history") or {}
    for item in history.get("items", []):
        if item["proof_of_value"] or item["measures"] or item["statuses"] or item["decisions"]:
            return True
        if item["taken_up"]:
            return True
    return any(p["fate"] != "waiting" for p in history.get("parked", [])) or bool(
        history.get("waiting_loops")
    )


def term(word: str, language: str) -> str:
    return TERMS[language_of(language)].get(word, word)


def _words(report: dict[str, Any]) -> tuple[dict[str, str], str]:
    language = language_of(report.get("language"))
    return WORDS[language], language


def _lines(report: dict[str, Any], item: dict[str, Any], esc: Escape) -> list[tuple[str, str]]:
    """(label, escaped text) pairs for one item, in reading order."""
    w, lang = _words(report)
    out: list[tuple[str, str]] = []
    if item["taken_up"]:
        reason = item["taken_up"]["reason"]
        out.append((w["taken_up"], esc(reason or "–")))
    pov = item["proof_of_value"]
    if pov:
        where = ", ".join(x for x in (pov["place"], pov["area"], pov["customer"]) if x)
        out.append((w["where"], esc(where or "–")))
        out.append((w["period"], esc(f"{pov['start'] or '…'} – {pov['end'] or '…'}")))
        out.append((w["steering"], esc(pov["steering"] or "–")))
        out.append((w["decide_on"], esc(pov["decide_on"] or "–")))
    for m in item["measures"]:
        values = "; ".join(f"{v['on']}: {number(v['value'], lang)}" for v in m["values"])
        text = (
            f"{m['label']} ({term(m['kind'], lang)}), {w['target']} "
            f"{number(m['target'], lang)} {m['unit']}".rstrip()
        )
        out.append((w["measures"], esc(text + (f" — {values}" if values else ""))))
    for s in item["statuses"]:
        out.append((w["statuses"], esc(f"{s['on']}: {term(s['status'], lang)} — {s['note']}")))
    for d in item["decisions"]:
        out.append((w["decisions"], esc(f"{d['on']}: {term(d['decision'], lang)} — {d['reason']}")))
    return out


def _parked_text(report: dict[str, Any], p: dict[str, Any]) -> str:
    lang = report.get("language", "en")
    text = f"{p['name']}: {term(p['fate'], lang)}"
    if p["reason"]:
        text += f" — {p['reason']}"
    if p["board_id"]:
        text += f" ({p['board_id']})"
    return text


def markdown_section(report: dict[str, Any], md: Escape) -> list[str]:
    if not has_history(report):
        return []
    w, _ = _words(report)
    history = report["followup_history"]
    out = [f"## {w['heading']}", ""]
    for item in history["items"]:
        lang = report.get("language", "en")
        out += [f"### {md(item['name'])} ({term(item['fate'], lang)})", ""]
        lines = _lines(report, item, md)
        out += [f"- **{label}:** {text}" for label, text in lines] or [f"- {w['nothing']}"]
        out.append("")
    if history["parked"]:
        out += [f"### {w['parked_heading']}", ""]
        out += [f"- {md(_parked_text(report, p))}" for p in history["parked"]]
        out.append("")
    if history["waiting_loops"]:
        out += [f"### {w['waiting_heading']}", ""]
        for loop in history["waiting_loops"]:
            line = w["waiting_line"].format(
                at=local_time(loop["at"], report),
                title=loop["title"],
                board_id=loop["board_id"],
                names=", ".join(loop["column_names"]),
            )
            out.append(f"- {md(line)}")
        out.append("")
    return out


def html_section(report: dict[str, Any], e: Escape) -> str:
    if not has_history(report):
        return ""
    w, lang = _words(report)
    history = report["followup_history"]
    out = [f'<section id="followup"><h2>{e(w["heading"])}</h2>']
    for item in history["items"]:
        rows = "".join(
            f"<dt>{e(label)}</dt><dd>{text}</dd>" for label, text in _lines(report, item, e)
        )
        out.append(
            f'<h3 data-followup="{e(item["column_id"])}">{e(item["name"])} '
            f"({e(term(item['fate'], lang))})</h3>"
            + (f"<dl>{rows}</dl>" if rows else f'<p class="muted">{e(w["nothing"])}</p>')
        )
    if history["parked"]:
        items = "".join(f"<li>{e(_parked_text(report, p))}</li>" for p in history["parked"])
        out.append(f"<h3>{e(w['parked_heading'])}</h3><ul>{items}</ul>")
    if history["waiting_loops"]:
        items = "".join(
            "<li>"
            + e(
                w["waiting_line"].format(
                    at=local_time(loop["at"], report),
                    title=loop["title"],
                    board_id=loop["board_id"],
                    names=", ".join(loop["column_names"]),
                )
            )
            + "</li>"
            for loop in history["waiting_loops"]
        )
        out.append(f"<h3>{e(w['waiting_heading'])}</h3><ul>{items}</ul>")
    out.append("</section>")
    return "".join(out)


def csv_rows(report: dict[str, Any]) -> list[list[Any]]:
    """After the candidates' table, an empty row and one table of the history: one row per
    plan, measure, value, status, decision and parked fate (values stay numbers)."""
    if not has_history(report):
        return []
    w, lang = _words(report)
    history = report["followup_history"]
    head = [w["section"], w["candidate"], w["column_id"], w["date"], w["entry"]]
    head += [w["value"], w["target"], w["unit"], w["text"], w["recorded_at"]]
    out: list[list[Any]] = [[], head]
    for i in history["items"]:
        name, cid = i["name"], i["column_id"]
        pov = i["proof_of_value"]
        if i["taken_up"]:
            t = i["taken_up"]
            out.append(
                [w["taken_up"], name, cid, "", "taken_up", None, None, "", t["reason"], t["at"]]
            )
        if pov:
            where = ", ".join(x for x in (pov["place"], pov["area"], pov["customer"]) if x)
            period = f"{pov['start'] or ''}/{pov['end'] or ''}"
            text = f"{where}; {period}; {pov['steering']}"
            out.append(
                [
                    w["proof"],
                    name,
                    cid,
                    pov["decide_on"] or "",
                    "plan",
                    None,
                    None,
                    "",
                    text,
                    pov["at"],
                ]
            )
        for m in i["measures"]:
            label = f"{m['label']} ({term(m['kind'], lang)})"
            out.append(
                [w["measures"], name, cid, "", m["kind"], None, m["target"], m["unit"], label, None]
            )
            for v in m["values"]:
                row = [w["measures"], name, cid, v["on"], m["measure_id"], v["value"]]
                out.append([*row, m["target"], m["unit"], v["note"], v["at"]])
        for s in i["statuses"]:
            out.append(
                [w["statuses"], name, cid, s["on"], s["status"], None, None, "", s["note"], s["at"]]
            )
        for d in i["decisions"]:
            out.append(
                [
                    w["decisions"],
                    name,
                    cid,
                    d["on"],
                    d["decision"],
                    None,
                    None,
                    "",
                    d["reason"],
                    d["at"],
                ]
            )
    for p in history["parked"]:
        text = p["reason"] or (p["board_id"] or "")
        out.append(
            [
                w["parked_heading"],
                p["name"],
                p["column_id"],
                "",
                p["fate"],
                None,
                None,
                "",
                text,
                p["at"],
            ]
        )
    return out
