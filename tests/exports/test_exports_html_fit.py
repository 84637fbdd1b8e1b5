"""The HTML report at 50 candidates: parses strictly (html5lib), fits its page in
Chromium on screen and at A4 print width, prints to A4, speaks the board's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import html5lib
import pytest
from export_boards import NAMES, play
from export_more import many_candidates
from test_exports_partial import partial_table

from gamestorm.games import BoardState
from gamestorm.server.exports import render

CHROMIUM = Path("/usr/bin/chromium")
#: A4 is 210 mm wide: 794 CSS px at 96 px per inch.
A4_WIDTH = 794

#: Every element whose box reaches past the right edge of the viewport (1 px of slack).
OVERFLOW = """() => {
  const limit = window.innerWidth + 1;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    const name = `${el.tagName}.${el.className.baseVal ?? el.className}#${el.id}`;
    if (box.width && box.right > limit) out.push(`${name} right=${Math.round(box.right)}`);
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, out};
}"""


@pytest.fixture(scope="module")
def fifty() -> BoardState:
    return many_candidates(50, language="de", timezone="Europe/Berlin")


@pytest.mark.parametrize(
    "board",
    ["small", "named", "German", "partial", "fifty"],
)
def test_html5lib_parses_every_report_strictly(board: str, fifty: BoardState) -> None:
    states = {
        "small": lambda: play(),
        "named": lambda: play(anonymous=False, names=NAMES),
        "German": lambda: play(language="de", timezone="Europe/Berlin"),
        "partial": lambda: partial_table().state,
        "fifty": lambda: fifty,
    }
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(render(states[board](), "html")[0].decode())  # raises on any parse error
    assert parser.errors == []


def test_times_and_status_words_in_the_board_language(fifty: BoardState) -> None:
    html = render(fifty, "html")[0].decode()
    assert "in_progress" not in html and "In Arbeit" in html
    assert "MEZ" in html and ">2026-" not in html, "local times for people, not ISO"
    assert "@page{size:A4" in html and "break-before:page" in html


def _layout(page: Any, width: int, print_media: bool) -> dict[str, Any]:
    page.set_viewport_size({"width": width, "height": 1000})
    page.emulate_media(media="print" if print_media else "screen")
    result: dict[str, Any] = page.evaluate(OVERFLOW)
    return result


def test_fifty_candidates_fit_the_page_in_chromium(fifty: BoardState, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    html = render(fifty, "html")[0].decode()
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.set_content(html, wait_until="load")
            assert page.locator("svg.chart").count() == 50
            for width, print_media in ((1024, False), (A4_WIDTH, True), (A4_WIDTH, False)):
                layout = _layout(page, width, print_media)
                assert layout["scroll"] <= layout["inner"], (width, print_media, layout)
                assert layout["out"] == [], (width, print_media, layout["out"][:10])
            page.set_viewport_size({"width": 1024, "height": 1000})
            page.emulate_media(media="screen")
            chart = page.locator("svg.chart").first.bounding_box()
            card = page.locator("article.candidate").first.bounding_box()
            assert chart and card and chart["width"] <= card["width"]
            assert chart["height"] > 60, "shrunk to fit, yet tall enough to read"
            tick = page.locator("svg.chart text.tick").first.bounding_box()
            assert tick and tick["height"] >= 8, "tick labels stay readable"
            # the widest table: partial rankings add strength bars and two columns
            page.set_content(render(partial_table(language="de").state, "html")[0].decode())
            for width, print_media in ((1024, False), (A4_WIDTH, True)):
                layout = _layout(page, width, print_media)
                assert layout["out"] == [], ("partial", width, layout["out"][:10])
            page.set_content(html, wait_until="load")
            pdf = page.pdf(format="A4", path=str(tmp_path / "report.pdf"))
            assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 3
            # A4 portrait: 595 x 842 points
            assert b"/MediaBox [0 0 595" in pdf or b"/MediaBox [0 0 594" in pdf
        finally:
            browser.close()
    assert problems == []


def test_swaps_are_marked_in_the_ranking_table() -> None:
    from export_parsers import parse_html

    head, *rows = parse_html(render(play(), "html")[0]).tables["ranking"]
    cells = [dict(zip(head.cells, r.cells, strict=True)) for r in rows]
    assert [c["Swap"] for c in cells] == ["–", "↓ swapped out", "↑ swapped in", "–"]
    assert cells[1]["Reason for the swap"] == "B needs legal review first <b>"
    assert cells[0]["Follow-up status"] == "In progress"
