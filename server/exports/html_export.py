"""HTML: a printable, self-contained report with charts.

No JavaScript and no external resources: styles are inline, charts are inline SVG, and a
Content-Security-Policy forbids anything else, so even a mistake in escaping could not
run a script or call home. Every piece of user text passes through ``html.escape``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .svg_charts import distribution_chart, legend, scale_max
from .wording import SCORING_NOTE, agreement_text

MEDIA_TYPE = "text/html; charset=utf-8"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;max-width:60rem;margin:2rem auto;
padding:0 1rem}
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
.chart .axis{stroke:#555;stroke-width:1}.chart .tick,.chart .label{font-size:10px;fill:#333}
.legend{list-style:none;padding:0;display:flex;gap:1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}}
@page{margin:15mm}
"""


def e(value: Any) -> str:
    """Escaped text; None as a dash."""
    return "–" if value is None or value == "" else escape(str(value))


def _text(text: str | None) -> str:
    if text is None:
        return '<span class="muted">(hidden)</span>'
    return escape(text).replace("\n", "<br>")


def _facts(report: dict[str, Any]) -> str:
    board, counts = report["board"], report["counts"]
    per = ", ".join(f"{k}: {n}" for k, n in counts["orders_per_criterion"].items())
    rows = [
        ("Game", report["game"]["title"]),
        ("Created", board["created_at"]),
        ("Closed", board["closed_at"] or "not yet"),
        ("Participants", counts["participants"]),
        ("Notes", counts["notes"]),
        ("Rankers", f"{counts['rankers']} (orders per criterion: {per or '-'})"),
        ("Criteria", ", ".join(board["criteria"])),
        ("Selected", f"top {board['top_n']}"),
        ("Anonymous", "yes" if board["anonymous"] else "no"),
    ]
    return (
        '<dl class="facts">'
        + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
        + ("</dl>")
    )


def _ranking(report: dict[str, Any]) -> str:
    criteria = report["board"]["criteria"]
    head = ['<th class="num">Place</th><th>Candidate</th><th class="num">Score</th>']
    head += [f'<th class="num">{e(c)}</th>' for c in criteria]
    head += ["<th>Status</th><th>Owner</th><th>Next step</th><th>Decide by</th>"]
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
            f'<td><span class="badge {e(c["status"])}">{e(c["status"])}</span></td>'
            f"<td>{e(f.get('owner'))}</td><td>{e(f.get('next_step'))}</td>"
            f"<td>{e(f.get('decide_by'))}</td></tr>"
        )
    return (
        f'<table id="ranking"><thead><tr>{"".join(head)}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table><p class="muted">{e(SCORING_NOTE)}</p>'
    )


def _candidates(report: dict[str, Any]) -> str:
    criteria = report["board"]["criteria"]
    peak = scale_max(report)
    out = [legend(criteria)] if report["orders"] else []
    for i, c in enumerate(report["candidates"], start=1):
        place = f"place {c['place']}" if c["place"] is not None else "not ranked yet"
        notes = "".join(
            f"<li>{_text(n['text'])}{' <em>(mine)</em>' if n['mine'] else ''}</li>"
            for n in c["notes"]
        )
        chart = ""
        if report["orders"]:
            chart = (
                f"<figure>{distribution_chart(c, criteria, peak, f'chart-{i}')}"
                f"<figcaption>Rank distribution of {e(c['name'])}: orders that put it at "
                f"each place; spread {e(c['spread'])}.</figcaption></figure>"
            )
        f = c["followup"]
        follow = (
            f"<p><strong>Follow-up:</strong> owner {e(f['owner'])}; next step "
            f"{e(f['next_step'])}; decide by {e(f['decide_by'])}; status {e(f['status'])}</p>"
            if f
            else ""
        )
        out.append(
            f'<article class="candidate" id="candidate-{i}">'
            f"<h3>{e(c['name'])} ({place}, {e(c['status'])})</h3>{chart}"
            f"<ul>{notes}</ul>{follow}</article>"
        )
    return "".join(out)


def _table(table_id: str, head: list[str], rows: list[list[str]]) -> str:
    """A table whose cells are already escaped HTML."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table id="{table_id}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _rest(report: dict[str, Any]) -> str:
    out = []
    if report["agreement"]:
        items = "".join(
            f"<li>{e(k)}: {e(agreement_text(w))}</li>" for k, w in report["agreement"].items()
        )
        out.append(f"<h2>Agreement (Kendall's W)</h2><ul>{items}</ul>")
    if report["swaps"]:
        items = "".join(
            f"<li>{e(s['at'])}: {e(s['parked_name'])} selected instead of "
            f"{e(s['selected_name'])}: {e(s['reason'])}</li>"
            for s in report["swaps"]
        )
        out.append(f"<h2>Changes to the selection</h2><ul>{items}</ul>")
    lot = "".join(f"<li>{_text(n['text'])}</li>" for n in report["parking_lot"])
    out.append(f"<h2>Parking lot</h2><ul>{lot or '<li>(empty)</li>'}</ul>")
    out.append("<h2>Where each note went</h2>")
    notes = [[_text(n["text"]), e(n["where"])] for n in report["notes"]]
    out.append(_table("notes", ["Note", "Where"], notes))
    if report["orders"]:
        names = {c["column_id"]: c["name"] for c in report["candidates"]}
        head = ["Criterion", "Order (first to last)"]
        named = not report["board"]["anonymous"]
        rows = []
        for o in report["orders"]:
            row = [e(o["criterion"]), " &gt; ".join(e(names.get(x, x)) for x in o["order"])]
            rows.append([e(o["participant"]["name"]), *row] if named else row)
        out.append("<h2>Individual orders</h2>")
        out.append(_table("orders", ["Participant", *head] if named else head, rows))
    timeline = [
        [e(t["title"]), e(t["kind"]), e(t["entered_at"]), e(t["left_at"]), e(t["seconds"])]
        for t in report["timeline"]
    ]
    out.append("<h2>Timeline</h2>")
    out.append(_table("timeline", ["Phase", "Kind", "Entered", "Left", "Seconds"], timeline))
    return "".join(out)


def render_html(report: dict[str, Any]) -> bytes:
    title = e(report["board"]["title"])
    prompt = report["prompt"]
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Results: {title}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>Results: {title}</h1>"
        + (f'<blockquote class="prompt">{_text(prompt)}</blockquote>' if prompt else "")
        + _facts(report)
        + "</header><main><h2>Ranking</h2>"
        + _ranking(report)
        + "<h2>Candidates</h2>"
        + _candidates(report)
        + _rest(report)
        + "</main></body></html>\n"
    )
    return page.encode("utf-8")
