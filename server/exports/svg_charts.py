"""Inline SVG charts for the HTML report: drawn on the server, so no JavaScript is needed
and the report prints and archives as one self-contained file.

One chart per candidate: how many orders put it at each place (1 = first), a bar per
criterion in every place. All charts share one vertical scale so they compare at a glance.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .wording import WORDS

#: Okabe-Ito colours: told apart by colour-blind readers and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
PLOT_HEIGHT = 110
TOP, BOTTOM, LEFT, RIGHT = 12, 30, 30, 8
BAR_WIDTH, BAR_GAP, GROUP_GAP = 14, 1, 10


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def scale_max(report: dict[str, Any]) -> int:
    """The highest count in any candidate's distribution (at least 1)."""
    peaks = [
        max(counts, default=0)
        for c in report["candidates"]
        for counts in c["distribution"].values()
    ]
    return max([1, *peaks])


def distribution_chart(
    candidate: dict[str, Any],
    criteria: list[str],
    peak: int,
    chart_id: str,
    words: dict[str, str] | None = None,
) -> str:
    """An ``<svg>`` element (as text) of one candidate's rank distribution, its titles in
    the language of ``words`` (wording.py; English if None)."""
    w = words or WORDS["en"]
    dist = candidate["distribution"]
    places = max((len(v) for v in dist.values()), default=0)
    k = max(1, len(criteria))
    group = k * (BAR_WIDTH + BAR_GAP) - BAR_GAP + GROUP_GAP
    width = LEFT + max(1, places) * group + RIGHT
    height = TOP + PLOT_HEIGHT + BOTTOM
    base = TOP + PLOT_HEIGHT
    name = escape(candidate["name"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-t" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">',
        f'<title id="{chart_id}-t">{w["chart_title"].format(name=name)}</title>',
        f'<line x1="{LEFT}" y1="{base}" x2="{width - RIGHT}" y2="{base}" class="axis"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" class="axis"/>',
        f'<text x="{LEFT - 4}" y="{base}" class="tick" text-anchor="end">0</text>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" class="tick" text-anchor="end">{peak}</text>',
    ]
    for place in range(places):
        x0 = LEFT + GROUP_GAP / 2 + place * group
        for i, criterion in enumerate(criteria):
            counts = dist.get(criterion, [])
            count = counts[place] if place < len(counts) else 0
            h = round(PLOT_HEIGHT * count / peak, 2)
            x = round(x0 + i * (BAR_WIDTH + BAR_GAP), 2)
            label = escape(w["chart_bar"].format(criterion=criterion, place=place + 1, count=count))
            parts.append(
                f'<rect x="{x}" y="{round(base - h, 2)}" width="{BAR_WIDTH}" height="{h}" '
                f'fill="{colour(i)}"><title>{label}</title></rect>'
            )
        centre = round(x0 + (group - GROUP_GAP) / 2, 2)
        parts.append(
            f'<text x="{centre}" y="{base + 13}" class="tick" text-anchor="middle">'
            f"{place + 1}</text>"
        )
    parts.append(
        f'<text x="{LEFT + (width - LEFT - RIGHT) / 2}" y="{height - 4}" class="label" '
        f'text-anchor="middle">{escape(w["chart_axis"])}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def legend(criteria: list[str]) -> str:
    """Criterion colours, as HTML with tiny inline SVG swatches."""
    items = [
        f'<li><svg xmlns="http://www.w3.org/2000/svg" width="12" height="12" aria-hidden="true">'
        f'<rect width="12" height="12" fill="{colour(i)}"/></svg> {escape(c)}</li>'
        for i, c in enumerate(criteria)
    ]
    return '<ul class="legend">' + "".join(items) + "</ul>"
