"""A German workshop in Berlin: the facilitator's browser says de-DE and Europe/Berlin,
the board takes both as its defaults, and the downloaded results are German with
Berlin local times.

The phases are driven through the console's advance button until there is none left,
so a phase added to the game later is walked through too: the test does the work of
the phases it knows (notes, sorting, ranking) and, for any other, just advances,
failing with what the confirmation dialog asks if the phase wants more.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import time
import zoneinfo
from typing import Any

import pytest
from conftest import LAPTOP, Watch, laptop_context, name_every_column
from exports.export_parsers import markdown_table, parse_html
from playwright.async_api import expect
from test_browser_workshop import join

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=10_000)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOTES = {
    "Ana": ["Kunden öfter anrufen", "Weniger Meetings"],
    "Ben": ["Bessere Werkzeuge", "Kaffeemaschine reparieren"],
}


def berlin(timestamp: float) -> str:
    """A moment as a German reader in Berlin reads it: 02.12.2026, 10:15 MEZ."""
    moment = datetime.datetime.fromtimestamp(timestamp, BERLIN)
    zone = {"CET": "MEZ", "CEST": "MESZ"}[moment.tzname() or ""]
    return f"{moment:%d.%m.%Y, %H:%M} {zone}"


async def write_notes(page: Any, texts: list[str]) -> None:
    for text in texts:
        before = await page.locator(".own-list > li").count()
        await page.locator("#note-text").fill(text)
        await page.locator("#note-text").press("Enter")
        await expect(page.locator(".own-list > li")).to_have_count(before + 1)


async def move(page: Any, text: str, target: str) -> None:
    """Move a note with the keyboard-friendly control (target: a column id, new, parking)."""
    note = page.locator(".board li.note").filter(has=page.get_by_text(text, exact=True))
    await note.locator("select").select_option(value=target)
    await note.locator(".move button").click()


async def sort_notes(page: Any) -> None:
    """Two columns and the parking lot, every note sorted."""
    columns = page.locator(".zone-column")
    await move(page, "Kunden öfter anrufen", "new")
    await expect(columns).to_have_count(1)
    await move(page, "Bessere Werkzeuge", "new")
    await expect(columns).to_have_count(2)
    first = await columns.nth(0).get_attribute("data-zone")
    await move(page, "Weniger Meetings", str(first))
    await move(page, "Kaffeemaschine reparieren", "parking")
    await expect(page.locator(".zone-unsorted li.note")).to_have_count(0)


async def rank(page: Any) -> None:
    lists = page.locator(".rank-list")
    await expect(lists.first).to_be_visible()
    for i in range(await lists.count()):
        await lists.nth(i).locator("[data-submit-criterion]").click()
        await expect(lists.nth(i)).to_have_attribute("data-rank-status", "submitted")


async def advance(console: Any) -> tuple[str, float, float] | None:
    """Advance to the next phase; its id and the clock just before and after; None at the end."""
    button = console.locator("[data-advance]")
    if await button.count() == 0:
        return None
    target = str(await button.get_attribute("data-advance"))
    before = time.time()
    await button.click()
    dialog = console.locator("dialog.confirm")
    await expect(dialog).to_be_visible()
    confirm = dialog.locator("[data-confirm-advance]")
    if await confirm.is_disabled():
        raise AssertionError(f"cannot leave for {target!r}: {await dialog.inner_text()}")
    await confirm.click()
    await expect(console.locator(".phase-chip")).to_have_attribute("data-phase", target)
    return target, before, time.time()


async def download(console: Any, label: str) -> bytes:
    async with console.expect_download() as info:
        await console.locator(".exports").get_by_role("button", name=label, exact=True).click()
    saved = await (await info.value).path()
    assert saved is not None
    return bytes(saved.read_bytes())


async def test_a_german_workshop_in_berlin(
    browser: Any, live_server: Any, watch: Watch, screenshots: Any
) -> None:
    base = live_server.base_url
    fac_ctx = await browser.new_context(
        base_url=base, viewport=LAPTOP, locale="de-DE", timezone_id="Europe/Berlin"
    )
    ana_ctx = await laptop_context(browser, base, locale="de-DE")
    ben_ctx = await laptop_context(browser, base)
    contexts = (fac_ctx, ana_ctx, ben_ctx)
    for ctx in contexts:
        ctx.set_default_timeout(10_000)
    try:
        console = watch.attach(await fac_ctx.new_page(), "facilitator")
        people = {
            "Ana": watch.attach(await ana_ctx.new_page(), "ana"),
            "Ben": watch.attach(await ben_ctx.new_page(), "ben"),
        }

        # ---- the start page takes language and zone from the browser -----------
        await console.goto(base + "/")
        await expect(console.locator("#c-lang")).to_have_value("de")
        await expect(console.locator("#c-tz")).to_have_value("Europe/Berlin")
        await expect(console.locator("label[for=c-tz]")).to_have_text("Zeitzone")
        await console.locator("#c-title").fill("Kundentag")
        await console.locator("#c-prompt").fill("Ich will ___")
        await console.locator("#c-topn").fill("1")
        await console.locator("#c-name").fill("Frieda")
        await console.screenshot(path=str(screenshots / "10-start-de-berlin.png"), full_page=True)
        created_at = time.time()
        async with console.expect_request(
            lambda r: r.url.endswith("/api/boards") and r.method == "POST"
        ) as request_info:
            await console.locator("form:has(#c-title) button[type=submit]").click()
        sent = (await request_info.value).post_data_json
        assert (sent["language"], sent["timezone"]) == ("de", "Europe/Berlin")
        await console.wait_for_url(re.compile(r"/facilitate/"))
        code = await console.locator("[data-join-code]").get_attribute("data-join-code")
        assert code
        for name, page in people.items():
            await join(page, code, name)
        await expect(console.locator('[data-score="participants"] dd')).to_have_text("2")

        # ---- every phase, whatever the game holds, until none is left ----------
        changes: list[tuple[str, float, float]] = []
        while (step := await advance(console)) is not None:
            changes.append(step)
            phase = step[0]
            if phase == "generate":
                for name, page in people.items():
                    await write_notes(page, NOTES[name])
                await expect(console.locator('[data-score="notes"] dd')).to_have_text("4")
            elif phase == "affinity":
                await sort_notes(people["Ana"])
                await expect(console.locator('[data-score="sorted"] dd')).to_have_text("4/4")
            elif phase == "name":
                await name_every_column(console, "Thema")
            elif phase == "rank":
                for page in people.values():
                    await rank(page)
        assert changes and changes[-1][0] == "close", changes
        assert {"generate", "affinity", "name", "rank"} <= {c[0] for c in changes}
        await expect(console.locator(".card-selected")).to_have_count(1)

        # ---- the downloads: German, Berlin local times --------------------------
        report = json.loads(await download(console, "JSON"))
        assert (report["language"], report["timezone"]) == ("de", "Europe/Berlin")
        offset = datetime.datetime.fromtimestamp(created_at, BERLIN).strftime("%z")
        assert report["board"]["created_at"].endswith(f"{offset[:3]}:{offset[3:]}")
        entered = {t["phase"]: t["entered_at"] for t in report["timeline"]}
        for phase, before, after in changes:
            moment = datetime.datetime.fromisoformat(entered[phase]).timestamp()
            assert before - 1 <= moment <= after + 1, (phase, entered[phase])

        html = parse_html(await download(console, "HTML"))
        assert "Ergebnisse: Kundentag" in " ".join(html.text)
        head, *rows = html.tables["timeline"]
        assert head.cells[:3] == ["Phase", "Art", "Begonnen"]
        shown = {r.cells[0]: r.cells[2] for r in rows}
        assert shown["Zündung"] in {berlin(created_at), berlin(created_at + 5)}
        times = [r.cells[2] for r in rows[1:]]
        for (_, before, after), cell in zip(changes, times, strict=True):
            assert cell in {berlin(before), berlin(after)}, (cell, before, after)
        ranking_head = html.tables["ranking"][0].cells
        assert ranking_head[:3] == ["Platz", "Kandidat", "Punkte"]
        statuses = {r.cells[ranking_head.index("Status")] for r in html.tables["ranking"][1:]}
        assert statuses == {"ausgewählt", "geparkt"}

        md = await download(console, "MD")
        assert md.decode().startswith("# Ergebnisse: Kundentag")
        timeline = markdown_table(md, "Ablauf")
        assert [r["Begonnen"] for r in timeline[1:]] == times

        rows_csv = list(
            csv.DictReader(io.StringIO((await download(console, "CSV")).decode("utf-8-sig")))
        )
        assert {"Platz", "Kandidat", "Status", "Spalten-ID"} <= set(rows_csv[0])
        assert {r["Status"] for r in rows_csv} == {"ausgewählt", "geparkt"}
        assert all(r["Kandidat"].startswith("Thema ") for r in rows_csv)  # the names given

        assert not watch.dialogs, watch.dialogs
        assert not watch.errors, "\n".join(watch.errors)
    finally:
        for ctx in contexts:
            await ctx.close()
