"""Markdown: a report to paste into a wiki page or a mail (CommonMark with GFM tables).

All user text goes through ``md``: line breaks become spaces (a table cell or list item is
one line) and every character that could start markup is backslash-escaped, so a note
cannot become a heading, a link, raw HTML or an extra table column.

A URL or e-mail address a participant typed is shown as the plain text it is, intact:
a code span (```https://example.org/a_b?x=1&y=*~(z)```), inside which nothing is escaped,
so GFM renderers (cmark-gfm, markdown-it with linkify) show it without a backslash and do
not make a live link of what a participant typed (issue 16: a report is no place for
someone else's links; the reader can still copy the address exactly). Like GFM, trailing
punctuation (``.``, ``,``, ``)`` without its ``(``) is not part of the address.
"""

from __future__ import annotations

import re
from typing import Any

from .followup_render import markdown_section  # issue-15
from .wording import (
    agreement_text,
    followup_status_text,
    kind_text,
    local_date,
    local_time,
    method_note,
    number,
    pairwise_text,
    scoring_note,
    status_text,
    strength_text,
    swap_reason,
    swap_text,
    words,
)

MEDIA_TYPE = "text/markdown; charset=utf-8"
_INLINE = re.compile(r"([\\`*_\[\]<>|~&!])")
_LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")


#: What renderers make links of by themselves (GFM's autolinks, markdown-it's linkify):
#: ``scheme://...``, ``www....``, ``mailto:...``, e-mail addresses; up to a space, ``<``,
#: ``>`` (an autolink cannot hold them), a backtick or a pipe (a table's cell border).
_LINKISH = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\bmailto:)[^\s`|<>]+"
    r"|[^\s`|@<>()\[\]]+@[^\s`|@<>()\[\]]+\.[a-z]{2,}[^\s`|<>]*"
)
_TRAILING = ".,:;!?'\"*_~"


def _trim(url: str) -> str:
    """The address without the punctuation that ends the sentence around it (as GFM)."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def _link(url: str) -> str:
    """An address as a code span: exactly what was typed, never a live link (the
    pattern stops at a backtick or a pipe, so neither can end the span early)."""
    return f"`{url}`"


def md(text: str | None, empty: str = "") -> str:
    """User text as inert inline Markdown on one line; ``empty`` for None or blank;
    a typed URL or e-mail address as a code span of exactly that address."""
    if text is None:
        return empty
    line = " ".join(text.split())
    if not line:
        return empty
    parts, at = [], 0
    for match in _LINKISH.finditer(line):
        url = _trim(match.group(0))
        if not url or url.endswith(("://", "@")):
            continue
        end = match.start() + len(url)
        parts += [_INLINE.sub(r"\\\1", line[at : match.start()]), _link(url)]
        at = end
    parts.append(_INLINE.sub(r"\\\1", line[at:]))
    return _LINE_START.sub(_escape_start, "".join(parts))


def _escape_start(match: re.Match[str]) -> str:
    """``# x`` -> ``\\# x``; ``1. x`` -> ``1\\. x`` (a backslash before a digit would show)."""
    start = match.group(0)
    return start + "\\" if start[0].isdigit() else "\\" + start


def note(text: str | None, hidden: str = "*(hidden)*") -> str:
    """A note's text; None is a note still private to its author."""
    return hidden if text is None else md(text)


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join("" if c is None else str(c) for c in cells) + " |"


def _table(head: list[str], align: list[str], body: list[list[Any]]) -> list[str]:
    rule = ["---:" if a == "r" else "---" for a in align]
    return [_row(head), _row(rule), *(_row(r) for r in body), ""]


def ranking_table(report: dict[str, Any]) -> list[str]:
    w, lang = words(report["language"]), report["language"]
    criteria = report["board"]["criteria"]
    head = [w["place"], w["candidate"], w["score"], *(md(c) for c in criteria), w["status"]]
    head += [w["owner"], w["next_step"], w["decide_by"], w["swap"], w["swap_reason"]]
    partial = report.get("method") == "plackett_luce"
    if partial:
        head += [w["strength"], w["borda"], w["tied"]]
    body = []
    for c in report["candidates"]:
        f = c["followup"] or {}
        per = [c["per_criterion"].get(k) for k in criteria]
        body.append(
            [c["place"], md(c["label"]), c["total"], *per, status_text(c["status"], lang)]
            + [md(f.get("owner")), md(f.get("next_step")), local_date(f.get("decide_by"), lang)]
            + [swap_text(c, lang), md(swap_reason(c))]
            + (_partial_cells(c, lang) if partial else [])
        )
    align = ["r", "l", "r", *("r" for _ in criteria), "l", "l", "l", "l", "l", "l"]
    return _table(head, align + (["r", "r", "l"] if partial else []), body)


def _candidate(c: dict[str, Any], report: dict[str, Any]) -> list[str]:
    w, lang = words(report["language"]), report["language"]
    criteria = report["board"]["criteria"]
    place = w["place_n"].format(n=c["place"]) if c["place"] is not None else w["not_ranked"]
    out = [f"### {md(c['name'])} ({place}, {status_text(c['status'], lang)})", ""]
    if c["total"] is not None:
        per = ", ".join(f"{md(k)} {c['per_criterion'].get(k)}" for k in criteria)
        out += [
            w["score_line"].format(total=c["total"], per=per, spread=number(c["spread"], lang)),
            "",
        ]
    hidden = f"*{w['hidden']}*"
    mine = f" *{w['mine']}*"
    out += [f"- {note(n['text'], hidden)}" + (mine if n["mine"] else "") for n in c["notes"]]
    f = c["followup"]
    if f:
        line = w["followup_line"].format(
            owner=md(f["owner"], "-"),
            step=md(f["next_step"], "-"),
            date=local_date(f["decide_by"], lang) or "-",
            status=followup_status_text(f["status"], lang),
        )
        out += ["", f"**{w['followup']}:** {line}."]
    swap = c.get("swapped_out")
    if swap:
        line = w["swapped_out_line"].format(
            at=local_time(swap["at"], report),
            name=md(swap["replaced_by_name"]),
            reason=md(swap["reason"], "-"),
        )
        out += ["", f"**{w['swapped_out']}:** {line}"]
    return [*out, ""]


def render_markdown(report: dict[str, Any]) -> bytes:
    w, lang = words(report["language"]), report["language"]
    board, counts = report["board"], report["counts"]
    per_criterion = ", ".join(f"{md(k)}: {n}" for k, n in counts["orders_per_criterion"].items())
    closed = local_time(board["closed_at"], report) or w["not_yet"]
    hidden = f"*{w['hidden']}*"
    lines = [
        f"# {w['results'].format(title=md(board['title']))}",
        "",
        f"- **{w['prompt']}:** {md(report['prompt'], '-')}",
        f"- **{w['game']}:** {md(report['game']['title'])}",
        f"- **{w['created']}:** {local_time(board['created_at'], report)}; "
        f"**{w['closed_inline']}:** {closed}",
        f"- **{w['timezone']}:** {md(report['timezone'])}",
        f"- **{w['participants']}:** {counts['participants']}; "
        f"**{w['notes_inline']}:** {counts['notes']}; "
        f"**{w['rankers_inline']}:** {counts['rankers']} "
        f"({w['orders_short']}: {per_criterion or '-'})",
        f"- **{w['anonymous_board']}:** {w['yes'] if board['anonymous'] else w['no']}; "
        f"**{w['top_n_selected'].format(n=board['top_n'])}**",
        "",
        f"## {w['ranking']}",
        "",
        *ranking_table(report),
        scoring_note(lang),
        "",
        *_partial_sections(report),
    ]
    if report["agreement"] and report.get("method") != "plackett_luce":
        lines += [f"## {w['agreement']}", ""]
        lines += [f"- {md(k)}: {agreement_text(v, lang)}" for k, v in report["agreement"].items()]
        lines.append("")
    groups = (("selected", "selected"), ("parked", "parked"), ("candidates", "open"))
    for title, status in groups:
        group = [c for c in report["candidates"] if c["status"] == status]
        if group:
            lines += [f"## {w[title]}", ""]
            for c in group:
                lines += _candidate(c, report)
    if report["swaps"]:
        lines += [f"## {w['changes']}", ""]
        lines += [
            "- "
            + w["swap_line"].format(
                at=local_time(s["at"], report),
                parked=md(s["parked_name"]),
                selected=md(s["selected_name"]),
                reason=md(s["reason"]),
            )
            for s in report["swaps"]
        ]
        lines.append("")
    lines += markdown_section(report, md)  # issue-15: the follow-up history
    lines += [f"## {w['parking_lot']}", ""]
    lines += [f"- {note(n['text'], hidden)}" for n in report["parking_lot"]] or [w["empty"]]
    lines += ["", f"## {w['where_heading']}", ""]
    lines += _table(
        [w["note"], w["where"]],
        ["l", "l"],
        [[note(n["text"], hidden), md(n["where"])] for n in report["notes"]],
    )
    if report["orders"]:
        names = {c["column_id"]: c["name"] for c in report["candidates"]}
        lines += [f"## {w['orders']}", ""]
        head = [w["criterion"], w["order"]]
        if not board["anonymous"]:
            head.insert(0, w["participant"])
        body = []
        for o in report["orders"]:
            row = [md(o["criterion"]), " > ".join(md(names.get(x, x)) for x in o["order"])]
            if not board["anonymous"]:
                row.insert(0, md(o["participant"]["name"]))
            body.append(row)
        lines += _table(head, ["l"] * len(head), body)
    lines += [f"## {w['timeline']}", ""]
    lines += _table(
        [w["phase"], w["kind"], w["entered"], w["left"], w["seconds"]],
        ["l", "l", "l", "l", "r"],
        [
            [
                md(t["title"]),
                kind_text(t["kind"], lang),
                local_time(t["entered_at"], report),
                local_time(t["left_at"], report),
                number(t["seconds"], lang),
            ]
            for t in report["timeline"]
        ],
    )
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


# --- Issue 12, ranking helper: partial rankings and the facilitator's decision ---


def _partial_cells(c: dict[str, Any], language: str) -> list[str]:
    w = words(language)
    return [
        strength_text(c, language),
        str(c.get("borda") or ""),
        w["tied_yes"] if c.get("statistically_tied") else "",
    ]


def _partial_sections(report: dict[str, Any]) -> list[str]:
    """The method's note, the tie at the cut, pairwise agreement; the decision if any."""
    w, lang = words(report["language"]), report["language"]
    names = {c["column_id"]: c["name"] for c in report["candidates"]}
    out: list[str] = []
    if report.get("method") == "plackett_luce":
        out += [method_note(lang), ""]
        tied = report.get("tied_at_cut") or []
        if tied:
            line = w["tie_line"].format(names=", ".join(md(names.get(c, c)) for c in tied))
            out += [f"**{line}**" + ("" if report.get("decision") else " " + w["tie_open"]), ""]
        out += [f"## {w['pairwise']}", ""]
        out += [
            f"- {md(k)}: {pairwise_text(v, lang)}"
            for k, v in (report.get("pairwise_agreement") or {}).items()
        ]
        out.append("")
    decision = report.get("decision")
    if decision:
        line = w["decision_line"].format(
            at=local_time(decision["at"], report),
            names=", ".join(md(n) for n in decision["selected_names"]),
            reason=md(decision["reason"]),
        )
        out += [f"## {w['decision']}", "", line, ""]
    return out
