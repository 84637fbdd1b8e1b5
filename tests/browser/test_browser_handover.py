"""Facilitator access through the pages: the console moves to a second laptop mid-workshop
by a one-time invite, the first laptop is signed out; a stakeholder who never joined
reads the results by a share link until it is withdrawn; the projector link copied from
the console opens the projector on another machine."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import Watch, laptop_context, phone_context
from playwright.async_api import expect
from test_browser_workshop import advance, join, write_note

from support.wsclient import BoardClient, create_board
from support.wsclient import join as join_ws

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=10_000)
NO_ACCESS = "This device has no access to the board yet."


async def open_console(ctx: Any, watch: Watch, label: str, board: dict[str, Any]) -> Any:
    page = watch.attach(await ctx.new_page(), label)
    await page.goto(board["urls"]["facilitate"])
    await expect(page.locator(".conn")).to_have_attribute("data-conn", "online")
    assert "#token" not in page.url
    return page


async def test_console_moves_to_a_second_laptop_and_signs_the_first_out(
    browser: Any, live_server: Any, watch: Watch, screenshots: Any
) -> None:
    base = live_server.base_url
    board = await create_board(base, title="Handover day")
    laptop_a_ctx = await laptop_context(browser, base)
    laptop_b_ctx = await laptop_context(browser, base)
    late_ctx = await laptop_context(browser, base)
    tablet_ctx = await laptop_context(browser, base)
    ana_ctx = await phone_context(browser, base)
    ben_ctx = await phone_context(browser, base)
    try:
        laptop_a = await open_console(laptop_a_ctx, watch, "laptop A", board)
        ana = watch.attach(await ana_ctx.new_page(), "ana")
        ben = watch.attach(await ben_ctx.new_page(), "ben")
        await join(ana, board["join_code"], "Ana")
        await join(ben, board["join_code"], "Ben")
        await advance(laptop_a, "generate")
        await write_note(ana, "mehr Zeit für Kunden")
        await write_note(ben, "klare Ziele")

        # laptop A invites another device: a link, a QR code and a code to type
        await laptop_a.locator("[data-make-invite]").click()
        invite = laptop_a.locator("[data-invite]")
        await expect(invite).to_be_visible()
        qr = invite.locator("img.invite-qr")
        assert (await qr.get_attribute("src") or "").startswith("data:image/svg+xml,")
        assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")
        code = (await invite.locator("[data-invite-code]").text_content() or "").replace("-", "")
        assert re.fullmatch(r"[A-Z2-9]{10}", code), code
        href = await invite.locator("[data-invite-link]").get_attribute("href")
        assert href == f"/takeover/{board['board_id']}#invite={code}"
        await laptop_a.screenshot(path=str(screenshots / "06-console-invite.png"), full_page=True)

        # laptop B (another device, nothing in its storage) opens the link: the console
        laptop_b = watch.attach(await laptop_b_ctx.new_page(), "laptop B")
        await laptop_b.goto(href)
        await laptop_b.wait_for_url(re.compile(r"/facilitate/"))
        assert "#" not in laptop_b.url
        await expect(laptop_b.locator(".conn")).to_have_attribute("data-conn", "online")
        await expect(laptop_b.locator(".phase-chip")).to_have_attribute("data-phase", "generate")
        # laptop B can put the board on a screen too: it has a projector link of its own
        await expect(laptop_b.locator("[data-copy-projector-link]")).to_be_visible()
        await expect(laptop_b.locator("[data-projector-link]")).to_be_visible()
        await advance(laptop_b, "affinity")
        for page in (ana, ben, laptop_a):
            await expect(page.locator(".phase-chip")).to_have_attribute("data-phase", "affinity")

        # the invite works once: a third device gets a clear message, not a console
        late = watch.attach(await late_ctx.new_page(), "late")
        await late.goto(href)
        await expect(late.locator("[data-takeover-error]")).to_contain_text("already used")
        assert "/takeover/" in late.url

        # a co-facilitator types a fresh invite's code on the start page of a tablet
        await laptop_a.locator("[data-make-invite]").click()
        fresh = laptop_a.locator("[data-invite-code]")
        await expect(fresh).not_to_have_text(f"{code[:5]}-{code[5:]}")
        typed_code = await fresh.text_content() or ""
        tablet = watch.attach(await tablet_ctx.new_page(), "tablet")
        await tablet.goto("/")
        await tablet.locator("[data-takeover-link]").click()
        await tablet.locator("#invite-code").fill(typed_code.lower())
        await tablet.locator("#invite-code").press("Enter")
        await tablet.wait_for_url(re.compile(rf"/facilitate/{board['board_id']}$"))
        await expect(tablet.locator(".phase-chip")).to_have_attribute("data-phase", "affinity")

        # laptop B signs out every other facilitator device: laptop A shows it at once
        await laptop_b.locator("[data-sign-out-others]").click()
        await laptop_b.locator("[data-confirm-sign-out]").click()
        await expect(laptop_a.locator("[data-signed-out]")).to_contain_text("signed out")
        await expect(tablet.locator("[data-signed-out]")).to_contain_text("signed out")
        await laptop_a.reload()
        await expect(laptop_a.locator("h1")).to_have_text(NO_ACCESS)
        # ... while laptop B and the participants go on
        await expect(laptop_b.locator(".conn")).to_have_attribute("data-conn", "online")
        await expect(ana.locator(".conn")).to_have_attribute("data-conn", "online")
        await expect(ana.locator(".phase-chip")).to_have_attribute("data-phase", "affinity")

        # only the late device's refused redeem (410) may log the browser's own note
        assert all(e.startswith("late console:") and "410" in e for e in watch.errors), watch.errors
        assert watch.dialogs == []
    finally:
        for ctx in (laptop_a_ctx, laptop_b_ctx, late_ctx, tablet_ctx, ana_ctx, ben_ctx):
            await ctx.close()


async def drive_to_close(base: str, ws: str, board: dict[str, Any]) -> None:
    """Ann writes, sorts and ranks; the facilitator (on the WebSocket) closes the board."""
    board_id = board["board_id"]
    fac = await BoardClient.connect(ws, board_id, board["facilitator_token"])
    joined = await join_ws(base, board["join_code"], "Ann")
    ann = await BoardClient.connect(ws, board_id, joined["token"])
    try:
        await fac.ok("phase.advance", **{"from": "ignite"})
        await ann.ok("note.create", note_id="n1", text="mehr Zeit für Kunden")
        await ann.ok("note.create", note_id="n2", text="klare Ziele")
        await fac.ok("phase.advance", **{"from": "generate"})
        await ann.ok("column.create", column_id="c1")
        await ann.ok("column.create", column_id="c2")
        await ann.ok("note.move", note_id="n1", column_id="c1", index=0)
        await ann.ok("note.move", note_id="n2", column_id="c2", index=0)
        await fac.ok("phase.advance", **{"from": "affinity"})
        await fac.ok("column.name", column_id="c1", name="Zeit")
        await fac.ok("column.name", column_id="c2", name="Ziele")
        await fac.ok("phase.advance", **{"from": "name"})
        await ann.ok("ranking.submit", criterion="Impact", order=["c2", "c1"])
        await fac.ok("phase.advance", **{"from": "rank"})
    finally:
        await fac.close()
        await ann.close()


async def test_share_link_for_a_stakeholder_and_the_projector_link_on_another_machine(
    browser: Any, live_server: Any, watch: Watch, screenshots: Any
) -> None:
    base = live_server.base_url
    fac_ctx = await laptop_context(browser, base)
    await fac_ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    beamer_ctx = await laptop_context(browser, base)
    boss_ctx = await laptop_context(browser, base)
    try:
        # created on the start page, as a facilitator does: this device keeps the
        # projector token too
        console = watch.attach(await fac_ctx.new_page(), "console")
        await console.goto("/")
        await console.locator("#c-title").fill("Results day")
        await console.locator("#c-prompt").fill("Ich will ___")
        await console.locator("#c-criteria").fill("Impact")
        await console.locator("#c-topn").fill("1")
        await console.locator("form:has(#c-title) button[type=submit]").click()
        await console.wait_for_url(re.compile(r"/facilitate/"))
        board_id = console.url.rsplit("/", 1)[-1]
        code = await console.locator("[data-join-code]").get_attribute("data-join-code")
        board = {
            "board_id": board_id,
            "join_code": code,
            "facilitator_token": await console.evaluate(
                f"localStorage.getItem('gamestorm:facilitator:{board_id}')"
            ),
        }

        # the projector link, copied from the console, opens the projector on a fresh machine
        await console.locator("[data-copy-projector-link]").click()
        projector_url = await console.evaluate("navigator.clipboard.readText()")
        assert projector_url.startswith(f"{base}/project/{board['board_id']}#token=")
        beamer = watch.attach(await beamer_ctx.new_page(), "beamer")
        await beamer.goto(projector_url)
        await expect(beamer.locator(".join-code")).to_have_text(board["join_code"])
        assert "#token" not in beamer.url

        # a share link made before close: the stakeholder waits, then sees the results live
        await console.locator("[data-create-share]").click()
        share = console.locator("[data-share-link]")
        await expect(share).to_be_visible()
        share_url = await share.get_attribute("href")
        assert share_url and share_url.startswith(f"/results/{board['board_id']}#share=")
        boss = watch.attach(await boss_ctx.new_page(), "stakeholder")
        await boss.goto(share_url)
        await expect(boss.get_by_text("Results appear when the board is closed.")).to_be_visible()
        # nothing of the live board reaches a share link before close
        assert "mehr Zeit" not in await boss.content()
        assert "#share" not in boss.url

        await drive_to_close(base, live_server.ws_url, board)
        selected = boss.locator(".card-selected")
        await expect(selected).to_have_count(1)
        await expect(selected.locator("h3")).to_contain_text("Ziele")
        await expect(selected.locator(".place")).to_contain_text("1")
        await expect(boss.locator(".card-parked")).to_have_count(1)
        await expect(boss.locator(".role-chip")).to_have_text("Results")
        # the console offers sharing prominently at close
        await expect(console.locator(".results-share-prominent")).to_be_visible()
        await console.screenshot(path=str(screenshots / "07-console-share.png"), full_page=True)
        await boss.screenshot(path=str(screenshots / "08-shared-results.png"), full_page=True)
        async with boss.expect_download() as download_info:
            await boss.get_by_role("button", name="CSV", exact=True).click()
        download = await download_info.value
        saved = await download.path()
        assert saved is not None and "klare Ziele" in saved.read_text(encoding="utf-8-sig")

        # withdrawn: the open page says so, and a reload shows no access
        await console.locator(".results-share-prominent [data-revoke-share]").click()
        await expect(boss.locator("[data-signed-out]")).to_contain_text("withdrawn")
        await boss.reload()
        await expect(boss.locator("h1")).to_have_text(NO_ACCESS)
        # the old link itself no longer works either (opened again, in a new tab)
        again = watch.attach(await boss_ctx.new_page(), "stakeholder again")
        await again.goto(share_url)
        await expect(again.locator("h1")).to_contain_text("no longer valid")
        await expect(console.locator(".conn")).to_have_attribute("data-conn", "online")
        assert watch.errors == []
        assert watch.dialogs == []
    finally:
        for ctx in (fac_ctx, beamer_ctx, boss_ctx):
            await ctx.close()
