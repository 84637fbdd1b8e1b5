"""The HTML report: user text escaped, self-contained, and its charts render in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_boards import FORMULA_NOTE, NOTES, SCRIPT_NOTE
from export_parsers import parse_html

from gamestorm.games import BoardState
from gamestorm.server.exports import render

CHROMIUM = Path("/usr/bin/chromium")


def test_user_text_comes_out_as_text_not_markup(closed_board: BoardState) -> None:
    body = render(closed_board, "html")[0]
    html = body.decode()
    assert SCRIPT_NOTE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    report = parse_html(body)
    assert "script" not in report.tags
    assert not [name for name, _ in report.attrs if name.startswith("on")]
    text = "".join(report.text)
    assert SCRIPT_NOTE in text and FORMULA_NOTE in text
    assert "Customer day <2026> & co" in text


def test_the_report_needs_nothing_from_outside(closed_board: BoardState) -> None:
    html = render(closed_board, "html")[0].decode()
    report = parse_html(html.encode())
    assert not {"script", "link", "img", "iframe", "object"} & set(report.tags)
    urls = [v for name, v in report.attrs if name in ("src", "href") and v]
    assert urls == []
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 4


def test_every_note_says_where_it_went(closed_board: BoardState) -> None:
    rows = parse_html(render(closed_board, "html")[0]).tables["notes"][1:]
    where = {r.cells[0]: r.cells[1] for r in rows}
    assert where["Coffee machine"] == "parking lot"
    assert where[SCRIPT_NOTE] == "Column 2 → place 2 → parked"
    assert where[FORMULA_NOTE] == "Column 3 → place 3 → selected"
    assert len(where) == len(NOTES)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin")
def test_the_report_renders_with_visible_charts_in_chromium(closed_board: BoardState) -> None:
    from playwright.sync_api import Dialog, sync_playwright

    html = render(closed_board, "html")[0].decode()
    problems: list[str] = []
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("dialog", on_dialog)
            page.set_content(html, wait_until="load")
            charts = page.locator("svg.chart")
            assert charts.count() == 4
            for i in range(4):
                chart = charts.nth(i)
                assert chart.is_visible()
                box = chart.bounding_box()
                assert box is not None and box["width"] > 50 and box["height"] > 50
                assert chart.locator("rect").count() == 4 * 2  # places x criteria
            tall = page.locator("svg.chart rect[height]:not([height='0.0'])")
            assert tall.count() > 0 and tall.first.is_visible()
            assert page.locator("script").count() == 0
            assert page.locator("#ranking tbody tr").count() == 4
            assert page.title() == "Results: Customer day <2026> & co"
            page.emulate_media(media="print")
            assert page.locator("svg.chart").first.is_visible()
        finally:
            browser.close()
    assert problems == []
    assert dialogs == []
