"""The words of the exports, per language, and local times: the one place to translate.

A board is created with a language ("en" or "de") and an IANA time zone; the report
model (model.py) carries both, and every renderer takes its words and formats its
times from here, so the four formats say the same thing in the same language.
Machine keys (JSON keys, ``status`` values in JSON) stay English in every language.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from gamestorm.games.creation import LANGUAGES

#: How to read the scores; the prose exports print it (from games/ranking.py).
SCORING_NOTE = (
    "A candidate's score on a criterion is the sum of its places (1 = first) over every "
    "order submitted for that criterion; the score is the sum over criteria; lower is "
    "better. Someone who ranked one criterion, or none, adds nothing where they did not "
    "rank, so no candidate gains or loses by it. Equal scores go to the lower sum on the "
    "first criterion, then the next; then to more first places; then to the column made "
    "first."
)
SCORING_NOTE_DE = (
    "Die Punkte eines Kandidaten in einem Kriterium sind die Summe seiner Plätze (1 = erster) "
    "über alle für dieses Kriterium abgegebenen Rangfolgen; die Punkte insgesamt sind die "
    "Summe über die Kriterien; weniger ist besser. Wer nur ein Kriterium oder keines gerankt "
    "hat, zählt dort nicht mit, wo er nicht gerankt hat, so dass kein Kandidat dadurch "
    "gewinnt oder verliert. Bei gleichen Punkten entscheidet die kleinere Summe im ersten "
    "Kriterium, dann im nächsten; dann mehr erste Plätze; dann die früher angelegte Spalte."
)

#: Kendall's W in words (Schmidt 1997: .1 very weak, .3 weak, .5 moderate, .7 strong).
AGREEMENT_WORDS = ((0.9, "unusually strong"), (0.7, "strong"), (0.5, "moderate"), (0.3, "weak"))
_AGREEMENT_DE = {
    "unusually strong": "ungewöhnlich stark",
    "strong": "stark",
    "moderate": "mittel",
    "weak": "schwach",
    "very weak": "sehr schwach",
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "results": "Results: {title}",
        "prompt": "Prompt",
        "game": "Game",
        "created": "Created",
        "closed": "Closed",
        "closed_inline": "closed",
        "notes_inline": "notes",
        "rankers_inline": "rankers",
        "not_yet": "not yet",
        "participants": "Participants",
        "notes": "Notes",
        "rankers": "Rankers",
        "rankers_detail": "{n} (orders per criterion: {per})",
        "orders_short": "orders",
        "criteria": "Criteria",
        "selected_label": "Selected",
        "top_n": "top {n}",
        "top_n_selected": "top {n} selected",
        "anonymous": "Anonymous",
        "anonymous_board": "Anonymous board",
        "yes": "yes",
        "no": "no",
        "timezone": "Time zone",
        "ranking": "Ranking",
        "place": "Place",
        "candidate": "Candidate",
        "score": "Score",
        "status": "Status",
        "owner": "Owner",
        "next_step": "Next step",
        "decide_by": "Decide by",
        "candidates": "Candidates",
        "selected": "Selected",
        "parked": "Parked",
        "place_n": "place {n}",
        "not_ranked": "not ranked yet",
        "score_line": "Score {total} ({per}); spread {spread}.",
        "followup": "Follow-up",
        "followup_line": "owner {owner}; next step {step}; decide by {date}; status {status}",
        "swapped_out": "Swapped out",
        "swapped_out_line": "{at}: {name} selected instead: {reason}",
        "agreement": "Agreement (Kendall's W)",
        "agreement_na": "n/a (fewer than 2 orders or candidates)",
        "changes": "Changes to the selection",
        "swap_line": "{at}: {parked} selected instead of {selected}: {reason}",
        "parking_lot": "Parking lot",
        "empty": "(empty)",
        "where_heading": "Where each note went",
        "note": "Note",
        "where": "Where",
        "not_sorted": "not sorted",
        "in_parking_lot": "parking lot",
        "where_line": "{column} → place {place} → {outcome}",
        "orders": "Individual orders",
        "participant": "Participant",
        "criterion": "Criterion",
        "order": "Order (first to last)",
        "timeline": "Timeline",
        "phase": "Phase",
        "kind": "Kind",
        "entered": "Entered",
        "left": "Left",
        "seconds": "Seconds",
        "hidden": "(hidden)",
        "mine": "(mine)",
        "column": "Column {n}",
        "chart_caption": (
            "Rank distribution of {name}: orders that put it at each place; spread {spread}."
        ),
        "chart_title": "How often each place was given to {name}",
        "chart_bar": "{criterion}: place {place} in {count} order(s)",
        "chart_axis": "place (1 = first)",
        # --- issue 12: partial rankings ---
        "uncertainty": "Strength and uncertainty (Plackett-Luce)",
        "strength": "Strength",
        "interval": "95% interval",
        "borda": "Borda",
        "appearances": "Shown",
        "tied": "Tied at the cut",
        "tied_yes": "statistically tied",
        "selected_share": "Selected in resamples",
        "pairwise": "Pairwise agreement",
        "pairwise_na": "n/a (no pair of candidates met in an order)",
        "tie_line": "Statistically tied at the cut: {names}.",
        "tie_open": "The facilitator has not decided yet; the places above stand.",
        "decision": "Facilitator's decision",
        "decision_line": "{at}: selected {names}: {reason}",
    },
    "de": {
        "results": "Ergebnisse: {title}",
        "prompt": "Leitfrage",
        "game": "Spiel",
        "created": "Erstellt",
        "closed": "Abgeschlossen",
        "closed_inline": "abgeschlossen",
        "notes_inline": "Notizen",
        "rankers_inline": "Rankende",
        "not_yet": "noch nicht",
        "participants": "Teilnehmende",
        "notes": "Notizen",
        "rankers": "Rankende",
        "rankers_detail": "{n} (Rangfolgen je Kriterium: {per})",
        "orders_short": "Rangfolgen",
        "criteria": "Kriterien",
        "selected_label": "Ausgewählt",
        "top_n": "die besten {n}",
        "top_n_selected": "die besten {n} ausgewählt",
        "anonymous": "Anonym",
        "anonymous_board": "Anonymes Board",
        "yes": "ja",
        "no": "nein",
        "timezone": "Zeitzone",
        "ranking": "Rangliste",
        "place": "Platz",
        "candidate": "Kandidat",
        "score": "Punkte",
        "status": "Status",
        "owner": "Verantwortlich",
        "next_step": "Nächster Schritt",
        "decide_by": "Entscheidung bis",
        "candidates": "Kandidaten",
        "selected": "Ausgewählt",
        "parked": "Geparkt",
        "place_n": "Platz {n}",
        "not_ranked": "noch nicht gerankt",
        "score_line": "Punkte {total} ({per}); Streuung {spread}.",
        "followup": "Nächste Schritte",
        "followup_line": (
            "verantwortlich {owner}; nächster Schritt {step}; Entscheidung bis {date}; "
            "Status {status}"
        ),
        "swapped_out": "Herausgetauscht",
        "swapped_out_line": "{at}: stattdessen {name} ausgewählt: {reason}",
        "agreement": "Übereinstimmung (Kendalls W)",
        "agreement_na": "n. v. (weniger als 2 Rangfolgen oder Kandidaten)",
        "changes": "Änderungen an der Auswahl",
        "swap_line": "{at}: {parked} statt {selected} ausgewählt: {reason}",
        "parking_lot": "Parkplatz",
        "empty": "(leer)",
        "where_heading": "Wo jede Notiz gelandet ist",
        "note": "Notiz",
        "where": "Wo",
        "not_sorted": "nicht sortiert",
        "in_parking_lot": "Parkplatz",
        "where_line": "{column} → Platz {place} → {outcome}",
        "orders": "Einzelne Rangfolgen",
        "participant": "Person",
        "criterion": "Kriterium",
        "order": "Rangfolge (erste bis letzte)",
        "timeline": "Ablauf",
        "phase": "Phase",
        "kind": "Art",
        "entered": "Begonnen",
        "left": "Beendet",
        "seconds": "Sekunden",
        "hidden": "(verborgen)",
        "mine": "(meine)",
        "column": "Spalte {n}",
        "chart_caption": (
            "Platzverteilung von {name}: Rangfolgen, die es auf jeden Platz setzten; "
            "Streuung {spread}."
        ),
        "chart_title": "Wie oft {name} jeden Platz bekam",
        "chart_bar": "{criterion}: Platz {place} in {count} Rangfolge(n)",
        "chart_axis": "Platz (1 = erster)",
        # --- issue 12: partial rankings ---
        "uncertainty": "Stärke und Unsicherheit (Plackett-Luce)",
        "strength": "Stärke",
        "interval": "95-%-Intervall",
        "borda": "Borda",
        "appearances": "Gezeigt",
        "tied": "Gleichauf an der Grenze",
        "tied_yes": "statistisch gleichauf",
        "selected_share": "Ausgewählt in Stichproben",
        "pairwise": "Paarweise Übereinstimmung",
        "pairwise_na": "n. v. (kein Kandidatenpaar stand in einer Rangfolge)",
        "tie_line": "Statistisch gleichauf an der Auswahlgrenze: {names}.",
        "tie_open": "Die Moderation hat noch nicht entschieden; es gelten die Plätze oben.",
        "decision": "Entscheidung der Moderation",
        "decision_line": "{at}: ausgewählt {names}: {reason}",
    },
}

#: Candidate statuses (``open``, ``selected``, ``parked``) as a reader says them.
STATUS: dict[str, dict[str, str]] = {
    "en": {"open": "open", "selected": "selected", "parked": "parked"},
    "de": {"open": "offen", "selected": "ausgewählt", "parked": "geparkt"},
}

#: Follow-up statuses, as the client's ``status.*`` texts say them.
FOLLOWUP_STATUS: dict[str, dict[str, str]] = {
    "en": {
        "open": "open",
        "in_progress": "in progress",
        "scale": "scale",
        "adapt": "adapt",
        "stop": "stop",
        "done": "done",
    },
    "de": {
        "open": "offen",
        "in_progress": "in Arbeit",
        "scale": "ausbauen",
        "adapt": "anpassen",
        "stop": "stoppen",
        "done": "erledigt",
    },
}

#: Phase kinds (``games.phases.Kind``).
KINDS: dict[str, dict[str, str]] = {
    "en": {"opening": "opening", "exploring": "exploring", "closing": "closing"},
    "de": {"opening": "öffnend", "exploring": "erkundend", "closing": "schließend"},
}

#: Phase titles per phase type, used when the game keeps the built-in English title.
PHASE_TITLES: dict[str, dict[str, str]] = {
    "en": {
        "ignite": "Ignite",
        "generate": "Generate",
        "affinity": "Affinity mapping",
        "rank": "Forced ranking",
        "close": "Close",
    },
    "de": {
        "ignite": "Zündung",
        "generate": "Notizen schreiben",
        "affinity": "Affinity Mapping",
        "rank": "Forced Ranking",
        "close": "Abschluss",
    },
}

#: CSV column headers; English keeps the historic snake_case names scripts may rely on.
CSV_HEADERS: dict[str, dict[str, str]] = {
    "en": {},
    "de": {
        "place": "Platz",
        "candidate": "Kandidat",
        "summary": "Zusammenfassung",
        "score": "Punkte",
        "score {criterion}": "Punkte {criterion}",
        "status": "Status",
        "owner": "Verantwortlich",
        "next_step": "Nächster Schritt",
        "decision_date": "Entscheidung bis",
        "followup_status": "Status nächste Schritte",
        "first_places": "Erste Plätze",
        "spread": "Streuung",
        "note_count": "Anzahl Notizen",
        "notes": "Notizen",
        "column_id": "Spalten-ID",
        "swapped_out_reason": "Herausgetauscht (Grund)",
        # --- issue 12: partial rankings ---
        "strength": "Stärke",
        "interval_low": "Intervall von",
        "interval_high": "Intervall bis",
        "borda": "Borda",
        "appearances": "Gezeigt",
        "statistically_tied": "Statistisch gleichauf",
        "decision_reason": "Entscheidung (Grund)",
    },
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: German names of zone abbreviations the zone database gives in English.
_ZONE_NAMES_DE = {"CET": "MEZ", "CEST": "MESZ", "WET": "WEZ", "WEST": "WESZ", "EET": "OEZ",
                  "EEST": "OESZ"}  # fmt: skip


def language_of(language: str | None) -> str:
    """A language the exports speak; anything else (an old or odd value) is English."""
    return language if language in LANGUAGES else "en"


def words(language: str) -> dict[str, str]:
    return WORDS[language_of(language)]


def status_text(status: str, language: str) -> str:
    return STATUS[language_of(language)].get(status, status)


def followup_status_text(status: str, language: str) -> str:
    return FOLLOWUP_STATUS[language_of(language)].get(status, status.replace("_", " "))


def kind_text(kind: str | None, language: str) -> str:
    return "" if kind is None else KINDS[language_of(language)].get(kind, kind)


def phase_title(phase_type: str, game_title: str, language: str) -> str:
    """The built-in title in the language; a game's own title stays as the game says it."""
    if game_title != PHASE_TITLES["en"].get(phase_type):
        return game_title
    return PHASE_TITLES[language_of(language)][phase_type]


def scoring_note(language: str) -> str:
    return SCORING_NOTE_DE if language_of(language) == "de" else SCORING_NOTE


def agreement_text(w: float | None, language: str = "en") -> str:
    """Kendall's W with a word a workshop can read ("0.82, strong"); why it may be n/a."""
    de = language_of(language) == "de"
    if w is None:
        return words(language)["agreement_na"]
    word = next((word for bound, word in AGREEMENT_WORDS if w >= bound), "very weak")
    if de:
        return f"{w:.2f}".replace(".", ",") + f", {_AGREEMENT_DE[word]}"
    return f"{w:.2f}, {word}"


def zone(name: str | None) -> datetime.tzinfo:
    """The board's time zone; UTC if the name cannot be loaded (it was checked at creation)."""
    if not name or name == "UTC":
        return datetime.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return datetime.UTC


def zone_abbreviation(moment: datetime.datetime, language: str) -> str:
    """CET/CEST (MEZ/MESZ in German), UTC, or UTC+04 where the database has no letters."""
    name = moment.tzname() or "UTC"
    if name[:1] in "+-":
        name = "UTC" + name
    if language_of(language) == "de":
        return _ZONE_NAMES_DE.get(name, name)
    return name


def local_time(iso_text: str | None, report: dict[str, Any]) -> str:
    """An ISO time of the report as a reader there says it, with the zone named:
    ``2 Dec 2026, 10:15 CET`` or ``02.12.2026, 10:15 MEZ``; "" for None."""
    if not iso_text:
        return ""
    language = report.get("language", "en")
    moment = datetime.datetime.fromisoformat(iso_text).astimezone(zone(report.get("timezone")))
    abbr = zone_abbreviation(moment, language)
    if language_of(language) == "de":
        return f"{moment:%d.%m.%Y, %H:%M} {abbr}"
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}, {moment:%H:%M} {abbr}"


def number(value: float | None, language: str) -> str:
    """A number in prose: ``0.75`` in English, ``0,75`` in German; "" for None."""
    if value is None:
        return ""
    text = str(value)
    return text.replace(".", ",") if language_of(language) == "de" else text


def local_date(iso_date: str | None, language: str) -> str:
    """A follow-up's ``YYYY-MM-DD`` as ``30 Jun 2026`` or ``30.06.2026``; odd text as is."""
    if not iso_date:
        return ""
    try:
        day = datetime.date.fromisoformat(iso_date)
    except ValueError:
        return iso_date
    if language_of(language) == "de":
        return f"{day:%d.%m.%Y}"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


# --- Issue 12, ranking helper: partial rankings ---

METHOD_NOTE = (
    "Each person ranked a subset of the candidates, so the places come from a "
    "Plackett-Luce model fitted per criterion (a candidate's strength: its chance of being "
    "picked first from all of them; overall: the geometric mean over the criteria, "
    "summing to 100%). The intervals are 95% bootstrap intervals over participants. "
    "Borda is the modified Borda count (in an order of k, k points for first down to 1 "
    "for last); the score columns add up places within the subsets and do not decide. "
    "Where the intervals at the selection cut overlap, the candidates are statistically "
    "tied and the facilitator decides."
)
METHOD_NOTE_DE = (
    "Jede Person hat eine Teilmenge der Kandidaten gerankt; die Plätze kommen daher aus "
    "einem Plackett-Luce-Modell je Kriterium (die Stärke eines Kandidaten: seine Chance, "
    "aus allen als erster gewählt zu werden; insgesamt: das geometrische Mittel über die "
    "Kriterien, zusammen 100 %). Die Intervalle sind 95-%-Bootstrap-Intervalle über die "
    "Teilnehmenden. Borda ist die modifizierte Borda-Zählung (in einer Rangfolge von k "
    "bekommt der erste k Punkte, der letzte 1); die Punktespalten zählen Plätze innerhalb "
    "der Teilmengen und entscheiden nicht. Wo sich die Intervalle an der Auswahlgrenze "
    "überschneiden, sind die Kandidaten statistisch gleichauf und die Moderation entscheidet."
)


def method_note(language: str) -> str:
    return METHOD_NOTE_DE if language_of(language) == "de" else METHOD_NOTE


def percent(value: float | None, language: str) -> str:
    """A strength (a share of 1) as ``12.3%`` or ``12,3 %``; "" for None."""
    if value is None:
        return ""
    if language_of(language) == "de":
        return f"{value * 100:.1f}".replace(".", ",") + " %"
    return f"{value * 100:.1f}%"


def strength_text(candidate: dict[str, Any], language: str) -> str:
    """``12.3% (10.1–14.8%)``: the strength with its 95% interval."""
    if candidate.get("strength") is None:
        return ""
    low, high = candidate.get("interval") or (None, None)
    return (
        f"{percent(candidate['strength'], language)} "
        f"({percent(low, language)} – {percent(high, language)})"
    )


def pairwise_text(value: float | None, language: str = "en") -> str:
    """The mean share of orders agreeing with the majority on a pair, as a percentage."""
    if value is None:
        return words(language)["pairwise_na"]
    return percent(value, language)


# --- issue-15: exports (XLSX, ICS, swap markers, CSV separators) ---

WORDS["en"].update(
    {
        "swap": "Swap",
        "swap_reason": "Reason for the swap",
        "swap_in": "↑ swapped in",
        "swap_out": "↓ swapped out",
        "swap_at": "Swapped",
        "swap_legend": "↑ swapped in, ↓ swapped out of the top {n} by the facilitator",
        "sheet_ranking": "Ranking",
        "sheet_followup": "Follow-up",
        "sheet_notes": "Notes",
        "summary": "Summary",
        "first_places": "First places",
        "spread": "Spread",
        "note_count": "Notes",
        "column_id": "Column id",
        "interval_low": "Interval from",
        "interval_high": "Interval to",
        "written": "Written",
        "outcome": "Outcome",
        "author": "Author",
        "column_header": "Column",
        "text": "Text",
        "followup_status": "Follow-up status",
        "in_zone": "{label} ({zone})",
        "decide_summary": "Decide: {item}",
        "ics_owner": "Owner: {owner}",
        "ics_next_step": "Next step: {step}",
        "ics_status": "Status: {status}",
        "ics_board": "Board: {title}",
        "outcome_unsorted": "not sorted",
        "outcome_parking_lot": "parking lot",
        "outcome_in_column": "in a column",
    }
)
WORDS["de"].update(
    {
        "swap": "Tausch",
        "swap_reason": "Grund des Tauschs",
        "swap_in": "↑ hineingetauscht",
        "swap_out": "↓ herausgetauscht",
        "swap_at": "Getauscht",
        "swap_legend": "↑ von der Moderation in die besten {n} getauscht, ↓ herausgetauscht",
        "sheet_ranking": "Rangliste",
        "sheet_followup": "Nächste Schritte",
        "sheet_notes": "Notizen",
        "summary": "Zusammenfassung",
        "first_places": "Erste Plätze",
        "spread": "Streuung",
        "note_count": "Notizen",
        "column_id": "Spalten-ID",
        "interval_low": "Intervall von",
        "interval_high": "Intervall bis",
        "written": "Geschrieben",
        "outcome": "Ergebnis",
        "author": "Verfasst von",
        "column_header": "Spalte",
        "text": "Text",
        "followup_status": "Status nächste Schritte",
        "in_zone": "{label} ({zone})",
        "decide_summary": "Entscheiden: {item}",
        "ics_owner": "Verantwortlich: {owner}",
        "ics_next_step": "Nächster Schritt: {step}",
        "ics_status": "Status: {status}",
        "ics_board": "Board: {title}",
        "outcome_unsorted": "nicht sortiert",
        "outcome_parking_lot": "Parkplatz",
        "outcome_in_column": "in einer Spalte",
    }
)
CSV_HEADERS["de"].update({"swap": "Tausch", "swap_reason": "Tausch (Grund)"})


def swap_text(candidate: dict[str, Any], language: str) -> str:
    """The marker of a candidate the facilitator moved across the cut; "" if none."""
    swap = candidate.get("swap")
    if not swap:
        return ""
    return words(language)["swap_in" if swap["direction"] == "in" else "swap_out"]


def swap_reason(candidate: dict[str, Any]) -> str:
    swap = candidate.get("swap")
    return str(swap["reason"]) if swap else ""


def label_text(word: str) -> str:
    """A status word as a table cell or heading says it: ``in progress`` -> ``In progress``."""
    return word[:1].upper() + word[1:]


def decimal_mark(language: str) -> str:
    """The language's decimal mark: ``,`` in German, ``.`` in English."""
    return "," if language_of(language) == "de" else "."


# --- issue-15: the follow-up loop's history in the XLSX and ICS exports ---

WORDS["en"].update(
    {
        "sheet_proof": "Proof of value",
        "sheet_measures": "Measures",
        "sheet_history": "Status and decisions",
        "fate": "Stage",
        "location": "Location",
        "area": "Area",
        "customer": "Customer",
        "start": "Start",
        "end": "End",
        "steering": "Steering",
        "decide_on": "Decision date",
        "planned_at": "Planned",
        "measure": "Measure",
        "measure_kind": "Kind",
        "target": "Target",
        "unit": "Unit",
        "value": "Value",
        "measured_on": "Measured on",
        "recorded": "Recorded",
        "measure_id": "Measure id",
        "entry": "Entry",
        "word": "Stage or decision",
        "date": "Date",
        "note_or_reason": "Note or reason",
        "new_board": "New board",
        "entry_status": "Status",
        "entry_decision": "Decision",
        "entry_parked": "Parked",
        "decide_on_summary": "Decide on the proof of value: {item}",
        "ics_kind_decide_by": "Decision date of the next step (decide by)",
        "ics_kind_decide_on": "Decision date of the proof of value",
        "ics_where": "Where: {where}",
        "ics_period": "Period: {start} – {end}",
        "ics_steering": "Steering: {steering}",
        "ics_stage": "Stage: {stage}",
    }
)
WORDS["de"].update(
    {
        "sheet_proof": "Wirkungsnachweis",
        "sheet_measures": "Messpunkte",
        "sheet_history": "Status und Entscheidungen",
        "fate": "Stand",
        "location": "Ort",
        "area": "Bereich",
        "customer": "Kunde",
        "start": "Beginn",
        "end": "Ende",
        "steering": "Steuerung",
        "decide_on": "Entscheidungsdatum",
        "planned_at": "Geplant",
        "measure": "Messpunkt",
        "measure_kind": "Art",
        "target": "Ziel",
        "unit": "Einheit",
        "value": "Wert",
        "measured_on": "Gemessen am",
        "recorded": "Erfasst",
        "measure_id": "Messpunkt-ID",
        "entry": "Eintrag",
        "word": "Stand oder Entscheidung",
        "date": "Datum",
        "note_or_reason": "Notiz oder Grund",
        "new_board": "Neues Board",
        "entry_status": "Status",
        "entry_decision": "Entscheidung",
        "entry_parked": "Geparkt",
        "decide_on_summary": "Über den Wirkungsnachweis entscheiden: {item}",
        "ics_kind_decide_by": "Entscheidungstermin des nächsten Schritts (Entscheidung bis)",
        "ics_kind_decide_on": "Entscheidungstermin des Wirkungsnachweises",
        "ics_where": "Wo: {where}",
        "ics_period": "Zeitraum: {start} – {end}",
        "ics_steering": "Steuerung: {steering}",
        "ics_stage": "Stand: {stage}",
    }
)
