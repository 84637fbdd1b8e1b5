"""The one results model every export renders, so JSON, CSV, Markdown and HTML agree.

``build_report`` turns a board's state into plain JSON-able data. Every decision about
what a reader may see is made here, once, and the renderers only format:

- a note written in a private phase shows its text to its author only (``viewer_id``);
- on anonymous boards no note carries an author and no order a participant: orders are
  listed per criterion sorted by their content, so their position in the list cannot be
  matched against who submitted what (the plain ``results["orders"]`` is sorted by
  participant id, which would link an order to a person);
- individual orders appear only once results are computed (before that they are private).

Timestamps become ISO 8601 strings in the board's time zone, with its offset
(``2026-12-02T10:15:00+01:00``; UTC boards keep ``Z``). The report is written in the
board's language (or the one asked for): keys and status values stay English, the
texts a person reads (column names, "where each note went", phase titles) are in the
language; wording.py holds the words. A candidate is called by the name its column got
in the game's ``name`` phase, or "Column N" ("Spalte N") on boards without one, and is
summarised by the texts of its first notes.

Partial rankings (issue 12, ``method: "plackett_luce"``): every candidate carries its
strength with its bootstrap interval, its modified Borda points and whether it is
statistically tied at the cut (None on complete rankings, whose rank sums need none);
the report says the method, the pairwise agreement, and the facilitator's decision of a
tie (``decision``), which every renderer prints.

A follow-up belongs to a selected candidate: one swapped out of the selection keeps
its follow-up in the log (it comes back if swapped in again) but the report shows it
as parked with the swap's reason (``swapped_out``), not as live follow-up.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from typing import Any

from gamestorm.games import PARKING, BoardState

from .followup_history import followup_history  # issue-15
from .wording import language_of, phase_title, status_text, words, zone

REPORT_VERSION = 1
SUMMARY_NOTES = 3
SUMMARY_EXCERPT = 40


def iso(timestamp: float | None, tz: datetime.tzinfo = datetime.UTC) -> str | None:
    """Epoch seconds as ISO 8601 in ``tz`` with its offset (``2026-05-04T11:30:00+02:00``);
    UTC as ``2026-05-04T09:30:00Z``."""
    if timestamp is None:
        return None
    moment = datetime.datetime.fromtimestamp(timestamp, tz=tz)
    text = moment.isoformat(timespec="seconds")
    return text.replace("+00:00", "Z") if tz is datetime.UTC else text


def excerpt(text: str, limit: int = SUMMARY_EXCERPT) -> str:
    """One line of at most ``limit`` characters, for summaries."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def build_report(
    state: BoardState, *, viewer_id: str | None = None, language: str | None = None
) -> dict[str, Any]:
    """The board's results as plain data, as ``viewer_id`` (or anyone, if None) may see it,
    in ``language`` (default: the board's)."""
    lang = language_of(language or state.language)
    tz = zone(state.timezone)

    def when(timestamp: float | None) -> str | None:
        return iso(timestamp, tz)

    results = state.results
    final = results is not None
    candidate_ids = _candidate_ids(state)
    names = {cid: _column_name(state, cid, i, lang) for i, cid in enumerate(candidate_ids, start=1)}
    scores = {c["column_id"]: c for c in results["candidates"]} if results else {}
    selected = set(state.selected)
    orders = _orders(state, viewer_id, candidate_ids) if results else []
    counts = _order_counts(state, orders)
    dists = _distributions(state, candidate_ids, orders)

    def status(cid: str) -> str:
        if not final:
            return "open"
        return "selected" if cid in selected else "parked"

    candidates = [
        _candidate(state, cid, names[cid], scores.get(cid), status(cid), viewer_id, counts, dists)
        for cid in candidate_ids
    ]
    for c in candidates:
        c["swapped_out"] = _swapped_out(state, c, names, when)
        c["swap"] = _swap_mark(state, c, names, when)
        if c["status"] != "selected":
            c["followup"] = None
        for n in c["notes"]:
            n["created_at"] = when(state.notes[n["id"]].created_at)
    report: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "language": lang,
        "timezone": tz.key if isinstance(tz, zoneinfo.ZoneInfo) else "UTC",
        "board": {
            "id": state.board_id,
            "title": state.title,
            "anonymous": state.anonymous,
            "criteria": list(state.criteria),
            "top_n": state.top_n,
            "created_at": when(state.created_at),
            "phase": state.phase.id,
            "closed": state.closed,
            "closed_at": when(state.phase_log[-1][1]) if state.closed else None,
            "results_final": final,
            "language": state.language,
            "timezone": state.timezone,
        },
        "prompt": state.prompt,
        "game": {
            "id": state.game.id,
            "title": state.game.title,
            "phases": [
                {"id": p.id, "type": p.type, "kind": p.kind.value, "title": p.title}
                for p in state.game.phases
            ],
        },
        "timeline": _timeline(state, lang, when),
        "counts": {
            "participants": sum(1 for p in state.participants.values() if p.role != "facilitator"),
            "notes": len(state.notes),
            "candidates": len(candidate_ids),
            "parking_lot": len(state.parking),
            "rankers": results["rankers"] if results else 0,
            "orders": len(orders),
            "orders_per_criterion": counts,
        },
        "candidates": candidates,
        "agreement": dict(results["agreement"]) if results else {},
        "selection": list(state.selected) if final else [],
        "parked": [c["column_id"] for c in candidates if c["status"] == "parked"],
        "swaps": [
            {
                "selected": s["selected"],
                "selected_name": names.get(s["selected"], s["selected"]),
                "parked": s["parked"],
                "parked_name": names.get(s["parked"], s["parked"]),
                "reason": s["reason"],
                "at": when(s["at"]),
            }
            for s in state.swaps
        ],
        "parking_lot": [_note(state, nid, viewer_id, when) for nid in state.parking],
        "notes": _note_fates(state, names, scores, status, viewer_id, lang, when),
        "orders": orders,
        **_partial_ranking(state, names, when),
    }
    # issue-15: the follow-up loop's history (server/exports/followup_history.py)
    report["followup_history"] = followup_history(state, names, when)
    if not state.anonymous:
        report["participants"] = [
            {"id": p.id, "name": p.name, "role": p.role} for p in state.participants.values()
        ]
    return report


def _candidate_ids(state: BoardState) -> list[str]:
    """Place order once results exist; else the candidates, or the columns, as made."""
    if state.results is not None:
        return [c["column_id"] for c in state.results["candidates"]]
    if state.candidates:
        return list(state.candidates)
    return [c.id for c in sorted(state.columns.values(), key=lambda c: c.number)]


def _column_name(state: BoardState, column_id: str, fallback: int, language: str = "en") -> str:
    """The name the facilitator gave the column, else "Column N" (games without naming)."""
    column = state.columns.get(column_id)
    if column is not None and column.name is not None:
        return column.name
    return words(language)["column"].format(n=column.number if column else fallback)


def _swapped_out(
    state: BoardState,
    candidate: dict[str, Any],
    names: dict[str, str],
    when: Callable[[float | None], str | None],
) -> dict[str, Any] | None:
    """Why a parked candidate is not selected, if a swap took it out (the last such swap)."""
    if candidate["status"] != "parked":
        return None
    cid = candidate["column_id"]
    swap = next((s for s in reversed(state.swaps) if s["selected"] == cid), None)
    if swap is None:
        return None
    return {
        "reason": swap["reason"],
        "at": when(swap["at"]),
        "replaced_by": swap["parked"],
        "replaced_by_name": names.get(swap["parked"], swap["parked"]),
    }


def _swap_mark(
    state: BoardState,
    candidate: dict[str, Any],
    names: dict[str, str],
    when: Callable[[float | None], str | None],
) -> dict[str, Any] | None:
    """How the facilitator moved a candidate across the cut, for the marker every ranking
    table shows: ``in`` (selected though the ranking did not select it) or ``out`` (parked
    though it did), with the reason of the last swap or decision that did it."""
    cid = candidate["column_id"]
    by_ranking = candidate["selected_by_ranking"]
    if candidate["status"] == "selected" and not by_ranking:
        direction = "in"
    elif candidate["status"] == "parked" and by_ranking:
        direction = "out"
    else:
        return None
    moves: list[tuple[float, str, str, str | None]] = []
    for s in state.swaps:
        if s["parked" if direction == "in" else "selected"] == cid:
            other = s["selected" if direction == "in" else "parked"]
            moves.append((s["at"], "swap", s["reason"], other))
    decision = state.decision
    if decision is not None and (cid in decision["selected"]) == (direction == "in"):
        moves.append((decision["at"], "decision", decision["reason"], None))
    if not moves:
        return None
    at, by, reason, other = max(moves, key=lambda m: m[0])
    return {
        "direction": direction,
        "by": by,
        "reason": reason,
        "at": when(at),
        "other": other,
        "other_name": names.get(other, other) if other else None,
    }


def _visible_text(state: BoardState, note_id: str, viewer_id: str | None) -> str | None:
    note = state.notes[note_id]
    if note.private and note.author != viewer_id:
        return None
    return note.text


def _note(
    state: BoardState,
    note_id: str,
    viewer_id: str | None,
    when: Callable[[float | None], str | None] = iso,
) -> dict[str, Any]:
    """A note as the reader may see it: its author only on boards that are not anonymous."""
    note = state.notes[note_id]
    data: dict[str, Any] = {
        "id": note.id,
        "text": _visible_text(state, note_id, viewer_id),
        "created_at": when(note.created_at),
        "mine": viewer_id is not None and note.author == viewer_id,
    }
    if not state.anonymous:
        author = state.participants.get(note.author)
        data["author"] = {"id": note.author, "name": author.name if author else None}
    return data


def _candidate(
    state: BoardState,
    column_id: str,
    name: str,
    score: dict[str, Any] | None,
    status: str,
    viewer_id: str | None,
    counts: dict[str, int],
    dists: dict[str, dict[str, list[int]]],
) -> dict[str, Any]:
    column = state.columns.get(column_id)
    note_ids = list(column.notes) if column else []
    notes = [_note(state, nid, viewer_id) for nid in note_ids]
    texts = [n["text"] for n in notes if n["text"] is not None]
    summary = " · ".join(excerpt(t) for t in texts[:SUMMARY_NOTES])
    followup = state.followups.get(column_id)
    per = dict(score["per_criterion"]) if score else {}
    return {
        "column_id": column_id,
        "number": column.number if column else None,
        "name": name,
        "summary": summary,
        "label": f"{name}: {summary}" if summary else name,
        "place": score["place"] if score else None,
        "total": score["total"] if score else None,
        "per_criterion": per,
        "mean_position": _means(state, score, counts),
        "first_places": score["first_places"] if score else None,
        "spread": score["spread"] if score else None,
        "selected_by_ranking": bool(score["selected"]) if score else False,
        "status": status,
        "distribution": dists[column_id],
        "followup": (
            {
                "owner": followup.owner,
                "next_step": followup.next_step,
                "decide_by": followup.decide_by,
                "status": followup.status,
            }
            if followup
            else None
        ),
        "notes": notes,
        **_uncertainty(score),
    }


def _means(
    state: BoardState, score: dict[str, Any] | None, counts: dict[str, int]
) -> dict[str, float | None]:
    """Mean position per criterion: comparable across criteria with different turnout."""
    per = score["per_criterion"] if score else {}
    return {
        c: round(per[c] / counts[c], 4) if counts.get(c) and c in per else None
        for c in state.criteria
    }


def _orders(
    state: BoardState, viewer_id: str | None, candidate_ids: list[str]
) -> list[dict[str, Any]]:
    """Individual orders from the frozen results; nameless and content-sorted if anonymous."""
    assert state.results is not None
    criteria = list(state.criteria)
    place = {cid: i for i, cid in enumerate(candidate_ids)}
    out: list[dict[str, Any]] = []
    for raw in state.results["orders"]:
        pid = raw["participant_id"]
        item: dict[str, Any] = {"criterion": raw["criterion"], "order": list(raw["order"])}
        if not state.anonymous:
            person = state.participants.get(pid) if pid else None
            item["participant"] = {"id": pid, "name": person.name if person else None}
        item["mine"] = viewer_id is not None and pid == viewer_id
        out.append(item)
    if state.anonymous:
        out.sort(
            key=lambda o: (
                criteria.index(o["criterion"]) if o["criterion"] in criteria else len(criteria),
                [place.get(cid, len(place)) for cid in o["order"]],
            )
        )
    return out


def _order_counts(state: BoardState, orders: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(state.criteria, 0)
    for order in orders:
        if order["criterion"] in counts:
            counts[order["criterion"]] += 1
    return counts


def _distributions(
    state: BoardState, candidate_ids: list[str], orders: list[dict[str, Any]]
) -> dict[str, dict[str, list[int]]]:
    """How often each candidate got each position (index 0: first), per criterion."""
    size = len(candidate_ids)
    dists = {cid: {c: [0] * size for c in state.criteria} for cid in candidate_ids}
    for order in orders:
        for position, cid in enumerate(order["order"]):
            per = dists.get(cid)
            if per is not None and order["criterion"] in per and position < size:
                per[order["criterion"]][position] += 1
    return dists


def _timeline(
    state: BoardState, language: str, when: Callable[[float | None], str | None]
) -> list[dict[str, Any]]:
    titles = {p.id: p for p in state.game.phases}
    out = []
    for i, (phase_id, entered) in enumerate(state.phase_log):
        left = state.phase_log[i + 1][1] if i + 1 < len(state.phase_log) else None
        phase = titles.get(phase_id)
        out.append(
            {
                "phase": phase_id,
                "title": phase_title(phase.type, phase.title, language) if phase else phase_id,
                "kind": phase.kind.value if phase else None,
                "entered_at": when(entered),
                "left_at": when(left),
                "seconds": round(left - entered, 3) if left is not None else None,
            }
        )
    return out


def _note_fates(
    state: BoardState,
    names: dict[str, str],
    scores: dict[str, dict[str, Any]],
    status: Callable[[str], str],
    viewer_id: str | None,
    language: str,
    when: Callable[[float | None], str | None],
) -> list[dict[str, Any]]:
    """Every note in the order written, with where it ended up ("what happens with mine?")."""
    w = words(language)
    out = []
    for note in state.notes.values():
        data = _note(state, note.id, viewer_id, when)
        column = note.column
        place = None
        if column is None:
            outcome, where = "unsorted", w["not_sorted"]
        elif column == PARKING:
            outcome, where = "parking_lot", w["in_parking_lot"]
        else:
            name = names.get(column, w["column"].format(n="?"))
            place = scores[column]["place"] if column in scores else None
            outcome = status(column)
            if outcome == "open":
                outcome, where = "in_column", name
            else:
                where = w["where_line"].format(
                    column=name, place=place, outcome=status_text(outcome, language)
                )
        data.update(
            column_id=column if column != PARKING else None,
            column=names.get(column) if column and column != PARKING else None,
            place=place,
            outcome=outcome,
            where=where,
        )
        out.append(data)
    return out


# --- Issue 12, ranking helper: partial rankings and the facilitator's decision ---

#: Per-candidate fields of the Plackett-Luce results, copied as they are (None if absent).
UNCERTAINTY_FIELDS = (
    "strength",
    "interval",
    "per_criterion_strength",
    "per_criterion_interval",
    "borda",
    "per_criterion_borda",
    "appearances",
    "statistically_tied",
    "selected_share",
)


def _uncertainty(score: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (score or {}).get(k) for k in UNCERTAINTY_FIELDS}


def _partial_ranking(
    state: BoardState, names: dict[str, str], when: Callable[[float | None], str | None]
) -> dict[str, Any]:
    """The method, the pairwise agreement, the tie at the cut and its decision."""
    results = state.results
    decision = state.decision
    return {
        # Results written before issue 12 were all rank sums.
        "method": results.get("method", "rank_sum") if results else None,
        "pairwise_agreement": dict(results.get("pairwise_agreement") or {}) if results else {},
        "tied_at_cut": list(results.get("tied_at_cut") or []) if results else [],
        "bootstrap": results.get("bootstrap") if results else None,
        "decision": (
            {
                "selected": list(decision["selected"]),
                "selected_names": [names.get(c, c) for c in decision["selected"]],
                "reason": decision["reason"],
                "at": when(decision["at"]),
            }
            if decision is not None
            else None
        ),
    }
