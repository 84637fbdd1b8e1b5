"""Markdown: a report to paste into a wiki page or a mail (CommonMark with GFM tables).

All user text goes through ``md``: line breaks become spaces (a table cell or list item is
one line) and every character that could start markup is backslash-escaped, so a note
cannot become a heading, a link, raw HTML or an extra table column.
"""

from __future__ import annotations

import re
from typing import Any

from .wording import SCORING_NOTE, agreement_text

MEDIA_TYPE = "text/markdown; charset=utf-8"
_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")


def md(text: str | None, empty: str = "") -> str:
    """User text as inert inline Markdown on one line; ``empty`` for None or blank."""
    if text is None:
        return empty
    line = " ".join(text.split())
    if not line:
        return empty
    line = _INLINE.sub(r"\\\1", line)
    return _LINE_START.sub(_escape_start, line)


def _escape_start(match: re.Match[str]) -> str:
    """``# x`` -> ``\\# x``; ``1. x`` -> ``1\\. x`` (a backslash before a digit would show)."""
    start = match.group(0)
    return start + "\\" if start[0].isdigit() else "\\" + start


def note(text: str | None) -> str:
    """A note's text; None is a note still private to its author."""
    return "*(hidden)*" if text is None else md(text)


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join("" if c is None else str(c) for c in cells) + " |"


def _table(head: list[str], align: list[str], body: list[list[Any]]) -> list[str]:
    rule = ["---:" if a == "r" else "---" for a in align]
    return [_row(head), _row(rule), *(_row(r) for r in body), ""]


def ranking_table(report: dict[str, Any]) -> list[str]:
    criteria = report["board"]["criteria"]
    head = ["Place", "Candidate", "Score", *(md(c) for c in criteria), "Status"]
    head += ["Owner", "Next step", "Decide by"]
    body = []
    for c in report["candidates"]:
        f = c["followup"] or {}
        per = [c["per_criterion"].get(k) for k in criteria]
        body.append(
            [c["place"], md(c["label"]), c["total"], *per, c["status"]]
            + [md(f.get("owner")), md(f.get("next_step")), f.get("decide_by") or ""]
        )
    return _table(head, ["r", "l", "r", *("r" for _ in criteria), "l", "l", "l", "l"], body)


def _candidate(c: dict[str, Any], criteria: list[str]) -> list[str]:
    place = f"place {c['place']}" if c["place"] is not None else "not ranked yet"
    out = [f"### {md(c['name'])} ({place}, {c['status']})", ""]
    if c["total"] is not None:
        per = ", ".join(f"{md(k)} {c['per_criterion'].get(k)}" for k in criteria)
        out += [f"Score {c['total']} ({per}); spread {c['spread']}.", ""]
    out += [f"- {note(n['text'])}" + (" *(mine)*" if n["mine"] else "") for n in c["notes"]]
    f = c["followup"]
    if f:
        out += [
            "",
            f"**Follow-up:** owner {md(f['owner'], '-')}; next step {md(f['next_step'], '-')}; "
            f"decide by {f['decide_by'] or '-'}; status {f['status']}.",
        ]
    return [*out, ""]


def render_markdown(report: dict[str, Any]) -> bytes:
    board, counts = report["board"], report["counts"]
    criteria = board["criteria"]
    per_criterion = ", ".join(f"{md(k)}: {n}" for k, n in counts["orders_per_criterion"].items())
    lines = [
        f"# Results: {md(board['title'])}",
        "",
        f"- **Prompt:** {md(report['prompt'], '-')}",
        f"- **Game:** {md(report['game']['title'])}",
        f"- **Created:** {board['created_at']}; **closed:** {board['closed_at'] or 'not yet'}",
        f"- **Participants:** {counts['participants']}; **notes:** {counts['notes']}; "
        f"**rankers:** {counts['rankers']} (orders: {per_criterion or '-'})",
        f"- **Anonymous board:** {'yes' if board['anonymous'] else 'no'}; "
        f"**top {board['top_n']}** selected",
        "",
        "## Ranking",
        "",
        *ranking_table(report),
        SCORING_NOTE,
        "",
    ]
    if report["agreement"]:
        lines += ["## Agreement (Kendall's W)", ""]
        lines += [f"- {md(k)}: {agreement_text(w)}" for k, w in report["agreement"].items()]
        lines.append("")
    for title, status in (("Selected", "selected"), ("Parked", "parked"), ("Candidates", "open")):
        group = [c for c in report["candidates"] if c["status"] == status]
        if group:
            lines += [f"## {title}", ""]
            for c in group:
                lines += _candidate(c, criteria)
    if report["swaps"]:
        lines += ["## Changes to the selection", ""]
        lines += [
            f"- {s['at']}: {md(s['parked_name'])} selected instead of {md(s['selected_name'])}: "
            f"{md(s['reason'])}"
            for s in report["swaps"]
        ]
        lines.append("")
    lines += ["## Parking lot", ""]
    lines += [f"- {note(n['text'])}" for n in report["parking_lot"]] or ["(empty)"]
    lines += ["", "## Where each note went", ""]
    lines += _table(
        ["Note", "Where"], ["l", "l"], [[note(n["text"]), md(n["where"])] for n in report["notes"]]
    )
    if report["orders"]:
        names = {c["column_id"]: c["name"] for c in report["candidates"]}
        lines += ["## Individual orders", ""]
        head = ["Criterion", "Order (first to last)"]
        if not board["anonymous"]:
            head.insert(0, "Participant")
        body = []
        for o in report["orders"]:
            row = [md(o["criterion"]), " > ".join(md(names.get(x, x)) for x in o["order"])]
            if not board["anonymous"]:
                row.insert(0, md(o["participant"]["name"]))
            body.append(row)
        lines += _table(head, ["l"] * len(head), body)
    lines += ["## Timeline", ""]
    lines += _table(
        ["Phase", "Kind", "Entered", "Left", "Seconds"],
        ["l", "l", "l", "l", "r"],
        [
            [md(t["title"]), t["kind"], t["entered_at"], t["left_at"] or "", t["seconds"]]
            for t in report["timeline"]
        ],
    )
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
