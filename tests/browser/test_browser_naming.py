"""Naming the columns through the pages: two participants (one on a phone) propose names,
the facilitator adopts the leading proposals, picks one and types one; ranking, the
projector, the results page and a downloaded export carry the names.

The notes are written in the pages; sorting them (tested at length elsewhere) is done by
the facilitator over a real WebSocket to keep this test short.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import httpx
import pytest
from conftest import Watch, advance, laptop_context, no_horizontal_scroll, phone_context
from playwright.async_api import expect
from test_browser_workshop import join
from test_browser_workshop import write_note as write

from support.wsclient import BoardClient, create_board

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=10_000)




def chip(card: Any, name: str) -> Any:
    return card.locator(f'.naming-chip[data-proposal="{name}"]')


async def test_participants_propose_the_facilitator_decides_and_names_reach_the_exports(
    browser: Any, live_server: Any, watch: Watch, screenshots: Any
) -> None:
    base = live_server.base_url
    board = await create_board(base, criteria=["Impact"], top_n=1, anonymous=True)
    board_id, fac_token = board["board_id"], board["facilitator_token"]
    code = board["join_code"]
    fac_ctx = await laptop_context(browser, base)
    ana_ctx = await phone_context(browser, base)
    ben_ctx = await laptop_context(browser, base)
    fac = await BoardClient.connect(live_server.ws_url, board_id, fac_token, name="fac")
    try:
        console = watch.attach(await fac_ctx.new_page(), "facilitator")
        await console.goto(f"/facilitate/{board_id}#token={fac_token}&code={code}")
        await expect(console.locator("[data-join-code]")).to_be_visible()
        projector = watch.attach(await fac_ctx.new_page(), "projector")
        await projector.goto(f"/project/{board_id}#token={board['projector_token']}")
        ana = watch.attach(await ana_ctx.new_page(), "ana")
        ben = watch.attach(await ben_ctx.new_page(), "ben")
        await join(ana, code, "Ana")
        await join(ben, code, "Ben")

        # ---- notes written in the pages, sorted by the facilitator over the wire ---
        await fac.ok("phase.advance", **{"from": "ignite"})
        await write(ana, "mehr Zeit für Kunden")
        await write(ana, "Kunden früher fragen")
        await write(ben, "schneller liefern")
        await write(ben, "kleinere Schritte")
        await write(ben, "Kaffee")
        await fac.ok("phase.advance", **{"from": "generate"})
        await fac.wait_for(lambda c: c.state is not None and len(c.state.notes) == 5)
        assert fac.state is not None
        by_text = {n.text: n.id for n in fac.state.notes.values()}
        await fac.ok("column.create", column_id="k1")
        await fac.ok("column.create", column_id="k2")
        for text, target in (
            ("mehr Zeit für Kunden", "k1"),
            ("Kunden früher fragen", "k1"),
            ("schneller liefern", "k2"),
            ("kleinere Schritte", "k2"),
            ("Kaffee", "parking"),
        ):
            await fac.ok("note.move", note_id=by_text[text], column_id=target)
        await advance(console, "name")

        # ---- participants propose; a chip supports a proposal ----------------------
        ana_cards = ana.locator("[data-naming-column]")
        ben_cards = ben.locator("[data-naming-column]")
        await expect(ana_cards).to_have_count(2)
        await expect(ana_cards.nth(0).locator(".column-notes")).to_contain_text(
            "mehr Zeit für Kunden"
        )
        await expect(ana_cards.nth(0).locator(".naming-title")).to_have_text("Column 1")
        field = ana_cards.nth(0).get_by_label("Propose a name")
        await field.fill("  Kundennähe ")
        await field.press("Enter")  # Enter submits, on the phone too
        await expect(chip(ana_cards.nth(0), "Kundennähe")).to_be_disabled()  # her own
        await expect(field).to_have_value("")
        ben_chip = chip(ben_cards.nth(0), "Kundennähe")
        await expect(ben_chip.locator(".naming-chip-count")).to_have_text("1")
        await ben_chip.click()  # Ben supports it
        await expect(
            chip(ana_cards.nth(0), "Kundennähe").locator(".naming-chip-count")
        ).to_have_text("2")
        await expect(ben_chip).to_be_disabled()
        await ben_cards.nth(1).get_by_label("Propose a name").fill("Tempo")
        await ben_cards.nth(1).get_by_role("button", name="Propose", exact=True).click()
        ana_field = ana_cards.nth(1).get_by_label("Propose a name")
        await ana_field.fill("Geschwindigkeit")
        await ana_field.press("Enter")
        await expect(ana_cards.nth(1).locator(".naming-chip")).to_have_count(2)
        await expect(ben_cards.nth(1).locator(".naming-chip")).to_have_count(2)
        await no_horizontal_scroll(ana)
        await ana.screenshot(path=str(screenshots / "03b-name-phone.png"), full_page=True)
        # the projector shows the proposals as they come
        await expect(
            projector.locator("[data-naming-column]").nth(0).locator(".naming-chip")
        ).to_contain_text("Kundennähe")

        # ---- the facilitator: leaving is blocked until every column has a name ------
        await console.locator("[data-advance]").click()
        await expect(console.locator("dialog.confirm .notice-error")).to_contain_text("2 columns")
        await expect(console.locator("[data-confirm-advance]")).to_be_disabled()
        await console.locator("dialog.confirm .btn-quiet").click()

        cards = console.locator("[data-naming-column]")
        adopt = console.locator("[data-adopt-all]")
        await expect(adopt).to_have_text("Adopt leading proposals (2)")
        await adopt.click()
        await expect(cards.nth(0).locator(".naming-title")).to_have_text("Kundennähe")
        await expect(cards.nth(1).locator(".naming-title")).to_have_text("Tempo")  # first of a tie
        await expect(adopt).to_be_disabled()
        # a chip picks another proposal; typing decides a name nobody proposed
        await chip(cards.nth(1), "Geschwindigkeit").click()
        await expect(cards.nth(1).locator(".naming-title")).to_have_text("Geschwindigkeit")
        name_field = cards.nth(1).get_by_label("Name", exact=True)
        await expect(name_field).to_have_value("Geschwindigkeit")
        await name_field.fill("Schneller liefern")
        await name_field.press("Enter")
        await expect(cards.nth(1).locator(".naming-title")).to_have_text("Schneller liefern")
        await expect(ana_cards.nth(1).locator(".naming-title")).to_have_text("Schneller liefern")
        await expect(console.locator("[data-named-count]")).to_have_attribute(
            "data-named-count", "2"
        )
        await console.screenshot(path=str(screenshots / "03b-name-console.png"), full_page=True)
        await projector.screenshot(path=str(screenshots / "03b-name-projector.png"))

        # ---- ranking shows the names, with the number as a badge ------------------
        await advance(console, "rank")
        names = ana.locator(".rank-item .rank-name > span:not(.col-badge)")
        await expect(names).to_have_count(2)
        assert set(await names.all_inner_texts()) == {"Kundennähe", "Schneller liefern"}
        badges = ana.locator(".rank-item .rank-name > .col-badge")
        assert set(await badges.all_inner_texts()) == {"1", "2"}
        # the up/down buttons say which column they move, by its name
        await expect(ana.get_by_role("button", name="Move Kundennähe up")).to_have_count(1)
        await expect(ana.get_by_role("button", name="Move Kundennähe down")).to_have_count(1)
        await expect(projector.locator(".cards .card h3").first).to_have_text(
            re.compile("Kundennähe|Schneller liefern")
        )
        await expect(console.locator(".rank-progress .card h3")).to_have_text(
            ["Kundennähe", "Schneller liefern"]
        )
        for page in (ana, ben):
            await page.locator("[data-submit-criterion]").click()
            await expect(page.locator(".rank-list")).to_have_attribute(
                "data-rank-status", "submitted"
            )
        await advance(console, "close")

        # ---- results and exports carry the names --------------------------------------
        await expect(console.locator(".card-head h3")).to_have_count(2)
        shown = set(await console.locator(".card-head h3").all_inner_texts())
        assert shown == {"Kundennähe", "Schneller liefern"}
        await ana.goto(f"{base}/results/{board_id}")
        await expect(ana.locator("[data-results]")).to_be_visible()
        await expect(ana.locator("[data-results] .card-head h3")).to_have_count(2)
        assert set(await ana.locator("[data-results] .card-head h3").all_inner_texts()) == shown
        await expect(ana.locator("[data-own-notes]")).to_contain_text("“Kundennähe”")
        await no_horizontal_scroll(ana)

        async with console.expect_download() as download_info:
            await console.get_by_role("button", name="CSV", exact=True).click()
        saved = await (await download_info.value).path()
        assert saved is not None
        rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
        assert {r["candidate"] for r in rows} == shown
        async with httpx.AsyncClient(base_url=base) as http:
            answer = await http.get(
                f"/api/boards/{board_id}/export.json",
                headers={"Authorization": f"Bearer {fac_token}"},
            )
        candidates = json.loads(answer.content)["candidates"]
        assert {(c["name"], c["number"]) for c in candidates} == {
            ("Kundennähe", 1),
            ("Schneller liefern", 2),
        }
        assert not watch.dialogs, watch.dialogs
        assert watch.errors == [], "\n".join(watch.errors)
    finally:
        await fac.close()
        for ctx in (fac_ctx, ana_ctx, ben_ctx):
            await ctx.close()
