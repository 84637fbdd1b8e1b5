"""Inline SVG charts for the HTML report: drawn on the server, so no JavaScript is needed
and the report prints and archives as one self-contained file.

One chart per candidate: how many orders put it at each place (1 = first), a bar per
criterion in every place. All charts share one vertical scale so they compare at a glance.

The charts are responsive: drawn in a ``viewBox`` and shown 100 % wide (CSS), at most as
wide as drawn. With many places (50 candidates: 50 groups of bars) the drawing is wider
than the card, so it is drawn taller and with larger text in proportion (``scale``) and
labels every 5th place: shrunk into the card, its text stays readable and its bars keep
their height.
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
#: The width a chart is shown at in the report's card (60rem less padding), in px.
CARD_WIDTH = 880
FONT = 10


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
    plot_width = max(1, places) * group
    scale = max(1.0, (LEFT + plot_width + RIGHT) / CARD_WIDTH)
    top, bottom, left, right = (round(v * scale, 2) for v in (TOP, BOTTOM, LEFT, RIGHT))
    plot_height, font = round(PLOT_HEIGHT * scale, 2), round(FONT * scale, 2)
    width = round(left + plot_width + right, 2)
    height = round(top + plot_height + bottom, 2)
    base = round(top + plot_height, 2)
    every = 1 if scale == 1.0 else 5
    name = escape(candidate["name"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-t" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'style="max-width:{width}px" font-size="{font}">',
        f'<title id="{chart_id}-t">{w["chart_title"].format(name=name)}</title>',
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" class="axis"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" class="axis"/>',
        f'<text x="{left - 4 * scale}" y="{base}" class="tick" text-anchor="end">0</text>',
        f'<text x="{left - 4 * scale}" y="{top + 4 * scale}" class="tick" '
        f'text-anchor="end">{peak}</text>',
    ]
    for place in range(places):
        x0 = left + GROUP_GAP / 2 + place * group
        for i, criterion in enumerate(criteria):
            counts = dist.get(criterion, [])
            count = counts[place] if place < len(counts) else 0
            h = round(plot_height * count / peak, 2)
            x = round(x0 + i * (BAR_WIDTH + BAR_GAP), 2)
            label = escape(w["chart_bar"].format(criterion=criterion, place=place + 1, count=count))
            parts.append(
                f'<rect x="{x}" y="{round(base - h, 2)}" width="{BAR_WIDTH}" height="{h}" '
                f'fill="{colour(i)}"><title>{label}</title></rect>'
            )
        if place == 0 or (place + 1) % every == 0:
            centre = round(x0 + (group - GROUP_GAP) / 2, 2)
            parts.append(
                f'<text x="{centre}" y="{round(base + 13 * scale, 2)}" class="tick" '
                f'text-anchor="middle">{place + 1}</text>'
            )
    middle, foot = round(left + (width - left - right) / 2, 2), round(height - 4 * scale, 2)
    parts.append(
        f'<text x="{middle}" y="{foot}" class="label" text-anchor="middle">'
        f"{escape(w['chart_axis'])}</text>"
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
