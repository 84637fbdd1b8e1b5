"""HTML: a printable, self-contained report with charts.

No JavaScript and no external resources: styles are inline, charts are inline SVG, and a
Content-Security-Policy forbids anything else, so even a mistake in escaping could not
run a script or call home. Every piece of user text passes through ``html.escape``.

It fits its page: the charts are responsive SVG (a ``viewBox``, 100 % wide, never wider
than drawn), so 50 candidates' charts shrink into the card instead of scrolling; long
words and tables wrap. Printed, it is A4 with each major section (ranking, candidates,
where the notes went, orders, timeline) on a new page, and no break inside a table row,
a chart or a candidate's card. Times are the board's local times in its language
(``02.12.2026, 10:15 MEZ``), with the ISO time in ``<time datetime>`` for machines.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .followup_render import html_section  # issue-15
from .svg_charts import distribution_chart, legend, scale_max
from .wording import (
    agreement_text,
    followup_status_text,
    kind_text,
    local_date,
    local_time,
    method_note,
    number,
    pairwise_text,
    percent,
    scoring_note,
    status_text,
    strength_text,
    swap_reason,
    swap_text,
    words,
)
from .wording import label_text as cap

MEDIA_TYPE = "text/html; charset=utf-8"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;max-width:60rem;margin:2rem auto;
padding:0 1rem;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin-bottom:.3rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .45rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.selected td{background:#eef6ee}.summary{display:block;color:#555;font-size:.9em}
.badge{font-size:.8em;padding:.05rem .4rem;border-radius:.6rem;background:#ddd}
.badge.selected{background:#1e7b34;color:#fff}.muted{color:#666}
.prompt{font-size:1.15rem;border-left:4px solid #0072B2;margin:1rem 0;padding-left:1rem}
.candidate{break-inside:avoid;border:1px solid #ddd;border-radius:6px;padding:.2rem 1rem;
margin:1rem 0}
figure{margin:.5rem 0}figcaption{font-size:.85em;color:#555}
.chart .axis{stroke:#555;stroke-width:1}.chart .tick,.chart .label{fill:#333}
.legend{list-style:none;padding:0;display:flex;gap:1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}
.bar{position:relative;display:inline-block;width:8rem;height:.7rem;background:#eee;
vertical-align:middle;margin-left:.4rem}.bar span{position:absolute;top:0;bottom:0;
background:#0072B2}.bar i{position:absolute;top:-.15rem;bottom:-.15rem;width:2px;
background:#1b1b1b}.tied{font-weight:600;color:#8a4b00}
svg.chart{display:block;width:100%;height:auto}
.swap{white-space:nowrap;font-weight:600;color:#8a4b00}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2,h3{break-after:avoid}
section.major+section.major{break-before:page}tr,figure,.candidate,svg{break-inside:avoid}
thead{display:table-header-group}}
@page{size:A4;margin:15mm 12mm}
"""


def e(value: Any) -> str:
    """Escaped text; None as a dash."""
    return "–" if value is None or value == "" else escape(str(value))


def _text(text: str | None, hidden: str = "(hidden)") -> str:
    if text is None:
        return f'<span class="muted">{escape(hidden)}</span>'
    return escape(text).replace("\n", "<br>")


def _facts(report: dict[str, Any]) -> str:
    w = words(report["language"])
    board, counts = report["board"], report["counts"]
    per = ", ".join(f"{k}: {n}" for k, n in counts["orders_per_criterion"].items())
    rows = [
        (w["game"], report["game"]["title"]),
        (w["created"], local_time(board["created_at"], report)),
        (w["closed"], local_time(board["closed_at"], report) or w["not_yet"]),
        (w["timezone"], report["timezone"]),
        (w["participants"], counts["participants"]),
        (w["notes"], counts["notes"]),
        (w["rankers"], w["rankers_detail"].format(n=counts["rankers"], per=per or "-")),
        (w["criteria"], ", ".join(board["criteria"])),
        (w["selected_label"], w["top_n"].format(n=board["top_n"])),
        (w["anonymous"], w["yes"] if board["anonymous"] else w["no"]),
    ]
    return (
        '<dl class="facts">'
        + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
        + ("</dl>")
    )


def _ranking(report: dict[str, Any]) -> str:
    w, lang = words(report["language"]), report["language"]
    criteria = report["board"]["criteria"]
    head = [
        f'<th class="num">{e(w["place"])}</th><th>{e(w["candidate"])}</th>'
        f'<th class="num">{e(w["score"])}</th>'
    ]
    head += [f'<th class="num">{e(c)}</th>' for c in criteria]
    head += [f"<th>{e(w[k])}</th>" for k in ("status", "owner", "next_step", "decide_by")]
    head += [f"<th>{e(w['followup_status'])}</th>"]
    head += [f"<th>{e(w['swap'])}</th>", f"<th>{e(w['swap_reason'])}</th>"]
    partial = report.get("method") == "plackett_luce"
    if partial:
        head += [f"<th>{e(w['strength'])}</th>", f'<th class="num">{e(w["borda"])}</th>']
        head += [f"<th>{e(w['tied'])}</th>"]
    peak = max((c.get("interval") or [0, 0])[1] for c in report["candidates"]) if partial else 0
    rows = []
    for c in report["candidates"]:
        f = c["followup"] or {}
        per = "".join(f'<td class="num">{e(c["per_criterion"].get(k))}</td>' for k in criteria)
        rows.append(
            f'<tr class="{e(c["status"])}" data-column-id="{e(c["column_id"])}">'
            f'<td class="num">{e(c["place"])}</td>'
            f"<td><strong>{e(c['name'])}</strong> "
            f'<span class="summary">{e(c["summary"])}</span></td>'
            f'<td class="num">{e(c["total"])}</td>{per}'
            f'<td><span class="badge {e(c["status"])}">{e(status_text(c["status"], lang))}'
            "</span></td>"
            f"<td>{e(f.get('owner'))}</td><td>{e(f.get('next_step'))}</td>"
            f"<td>{e(local_date(f.get('decide_by'), lang))}</td>"
            f"<td>{e(cap(followup_status_text(f['status'], lang)) if f else None)}</td>"
            f'<td class="swap">{e(swap_text(c, lang))}</td><td>{e(swap_reason(c))}</td>'
            + (_partial_cells(c, lang, peak) if partial else "")
            + "</tr>"
        )
    return (
        f'<table id="ranking"><thead><tr>{"".join(head)}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table><p class="muted">{e(scoring_note(lang))}</p>'
        + _partial_sections(report)
    )


def _candidates(report: dict[str, Any]) -> str:
    w, lang = words(report["language"]), report["language"]
    criteria = report["board"]["criteria"]
    peak = scale_max(report)
    out = [legend(criteria)] if report["orders"] else []
    for i, c in enumerate(report["candidates"], start=1):
        place = w["place_n"].format(n=c["place"]) if c["place"] is not None else w["not_ranked"]
        notes = "".join(
            f"<li>{_text(n['text'], w['hidden'])}"
            + (f" <em>{e(w['mine'])}</em>" if n["mine"] else "")
            + "</li>"
            for n in c["notes"]
        )
        chart = ""
        if report["orders"]:
            caption = w["chart_caption"].format(name=c["name"], spread=number(c["spread"], lang))
            chart = (
                f"<figure>{distribution_chart(c, criteria, peak, f'chart-{i}', w)}"
                f"<figcaption>{e(caption)}</figcaption></figure>"
            )
        f = c["followup"]
        follow = ""
        if f:
            line = w["followup_line"].format(
                owner=e(f["owner"]),
                step=e(f["next_step"]),
                date=e(local_date(f["decide_by"], lang)),
                status=e(followup_status_text(f["status"], lang)),
            )
            follow = f'<p class="followup"><strong>{e(w["followup"])}:</strong> {line}</p>'
        swap = c.get("swapped_out")
        if swap:
            line = w["swapped_out_line"].format(
                at=e(local_time(swap["at"], report)),
                name=e(swap["replaced_by_name"]),
                reason=e(swap["reason"]),
            )
            follow += f'<p class="swapped-out"><strong>{e(w["swapped_out"])}:</strong> {line}</p>'
        out.append(
            f'<article class="candidate" id="candidate-{i}">'
            f"<h3>{e(c['name'])} ({e(place)}, {e(status_text(c['status'], lang))})</h3>{chart}"
            f"<ul>{notes}</ul>{follow}</article>"
        )
    return "".join(out)


def _time(iso_text: str | None, report: dict[str, Any]) -> str:
    """A local time for people, with the machine's ISO time (offset included) beside it."""
    if not iso_text:
        return e(None)
    return f'<time datetime="{e(iso_text)}">{e(local_time(iso_text, report))}</time>'


def _table(table_id: str, head: list[str], rows: list[list[str]]) -> str:
    """A table whose cells are already escaped HTML (the head is plain text)."""
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table id="{table_id}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _rest(report: dict[str, Any]) -> str:
    w, lang = words(report["language"]), report["language"]
    out = ['<section class="major" id="outcomes-section">']
    if report["agreement"] and report.get("method") != "plackett_luce":
        items = "".join(
            f"<li>{e(k)}: {e(agreement_text(v, lang))}</li>" for k, v in report["agreement"].items()
        )
        out.append(f"<h2>{e(w['agreement'])}</h2><ul>{items}</ul>")
    if report["swaps"]:
        items = "".join(
            "<li>"
            + w["swap_line"].format(
                at=e(local_time(s["at"], report)),
                parked=e(s["parked_name"]),
                selected=e(s["selected_name"]),
                reason=e(s["reason"]),
            )
            + "</li>"
            for s in report["swaps"]
        )
        out.append(f"<h2>{e(w['changes'])}</h2><ul>{items}</ul>")
    lot = "".join(f"<li>{_text(n['text'], w['hidden'])}</li>" for n in report["parking_lot"])
    out.append(f"<h2>{e(w['parking_lot'])}</h2><ul>{lot or '<li>' + e(w['empty']) + '</li>'}</ul>")
    out.append(f"<h2>{e(w['where_heading'])}</h2>")
    notes = [[_text(n["text"], w["hidden"]), e(n["where"])] for n in report["notes"]]
    out.append(_table("notes", [w["note"], w["where"]], notes))
    out.append("</section>")
    if report["orders"]:
        names = {c["column_id"]: c["name"] for c in report["candidates"]}
        head = [w["criterion"], w["order"]]
        named = not report["board"]["anonymous"]
        rows = []
        for o in report["orders"]:
            row = [e(o["criterion"]), " &gt; ".join(e(names.get(x, x)) for x in o["order"])]
            rows.append([e(o["participant"]["name"]), *row] if named else row)
        out.append(f'<section class="major" id="orders-section"><h2>{e(w["orders"])}</h2>')
        out.append(_table("orders", [w["participant"], *head] if named else head, rows))
        out.append("</section>")
    timeline = [
        [
            e(t["title"]),
            e(kind_text(t["kind"], lang)),
            _time(t["entered_at"], report),
            _time(t["left_at"], report),
            e(number(t["seconds"], lang)),
        ]
        for t in report["timeline"]
    ]
    out.append(f'<section class="major" id="timeline-section"><h2>{e(w["timeline"])}</h2>')
    head = [w["phase"], w["kind"], w["entered"], w["left"], w["seconds"]]
    out.append(_table("timeline", head, timeline))
    out.append("</section>")
    return "".join(out)


def render_html(report: dict[str, Any]) -> bytes:
    w = words(report["language"])
    title = e(report["board"]["title"])
    heading = w["results"].format(title=title)
    prompt = report["prompt"]
    page = (
        f'<!DOCTYPE html>\n<html lang="{e(report["language"])}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{heading}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{heading}</h1>"
        + (f'<blockquote class="prompt">{_text(prompt)}</blockquote>' if prompt else "")
        + _facts(report)
        + f'</header><main><section class="major" id="ranking-section"><h2>{e(w["ranking"])}</h2>'
        + _ranking(report)
        + f'</section><section class="major" id="candidates-section"><h2>{e(w["candidates"])}</h2>'
        + _candidates(report)
        + "</section>"
        + html_section(report, e)  # issue-15: the follow-up history
        + _rest(report)
        + "</main></body></html>\n"
    )
    return page.encode("utf-8")


# --- Issue 12, ranking helper: partial rankings and the facilitator's decision ---


def _partial_cells(c: dict[str, Any], language: str, peak: float) -> str:
    """Strength as text and as a bar: the interval shaded, the estimate a tick."""
    w = words(language)
    low, high = c.get("interval") or (0.0, 0.0)
    scale = 100 / peak if peak else 0.0
    bar = (
        f'<span class="bar" role="img" aria-label="{e(strength_text(c, language))}">'
        f'<span style="left:{low * scale:.1f}%;width:{(high - low) * scale:.1f}%"></span>'
        f'<i style="left:{(c.get("strength") or 0) * scale:.1f}%"></i></span>'
    )
    tied = f'<span class="tied">{e(w["tied_yes"])}</span>' if c.get("statistically_tied") else ""
    return (
        f"<td>{e(percent(c.get('strength'), language))} "
        f'<span class="muted">({e(percent(low, language))} – {e(percent(high, language))})'
        f"</span>{bar}</td>"
        f'<td class="num">{e(c.get("borda"))}</td>'
        f"<td>{'<span class=tied>' + e(w['tied_yes']) + '</span>' if tied else ''}</td>"
    )


def _partial_sections(report: dict[str, Any]) -> str:
    w, lang = words(report["language"]), report["language"]
    names = {c["column_id"]: c["name"] for c in report["candidates"]}
    out = []
    if report.get("method") == "plackett_luce":
        out.append(f'<p class="muted method">{e(method_note(lang))}</p>')
        tied = report.get("tied_at_cut") or []
        if tied:
            line = w["tie_line"].format(names=", ".join(names.get(c, c) for c in tied))
            rest = "" if report.get("decision") else " " + w["tie_open"]
            out.append(f'<p class="tied" id="tie">{e(line + rest)}</p>')
        items = "".join(
            f"<li>{e(k)}: {e(pairwise_text(v, lang))}</li>"
            for k, v in (report.get("pairwise_agreement") or {}).items()
        )
        out.append(f'<h2>{e(w["pairwise"])}</h2><ul id="pairwise">{items}</ul>')
    decision = report.get("decision")
    if decision:
        line = w["decision_line"].format(
            at=_time(decision["at"], report),
            names=e(", ".join(decision["selected_names"])),
            reason=e(decision["reason"]),
        )
        out.append(f'<h2>{e(w["decision"])}</h2><p id="decision">{line}</p>')
    return "".join(out)
