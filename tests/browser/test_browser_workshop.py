"""A whole workshop through the pages alone: a facilitator on a laptop, three
participants (one on a 390x844 phone, one in German), and the projector.

Checked on the way: live updates without reloads, drag and drop with mouse and touch
and the "move to" control, a reload in the middle of affinity mapping that resumes the
same identity and board, a note typed while its phase closed offered back, a note
that looks like HTML shown as text with no dialog, no console errors, no sideways
scrolling on the phone, and screenshots of every phase.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import (
    LAPTOP,
    Watch,
    advance,
    laptop_context,
    name_columns,
    no_horizontal_scroll,
    phone_context,
)
from playwright.async_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=10_000)

XSS = "<img src=x onerror=alert(1)>"


async def shoot(page: Any, screenshots: Any, name: str) -> None:
    await page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)


async def join(page: Any, code: str, name: str) -> None:
    await page.goto(f"/join/{code}")
    await page.locator("#join-name").fill(name)
    await page.locator("#join-name").press("Enter")
    await page.wait_for_url(re.compile(r"/board/"))
    await expect(page.locator(".conn")).to_have_attribute("data-conn", "online")


async def write_note(page: Any, text: str) -> None:
    before = await page.locator(".own-list > li").count()
    await page.locator("#note-text").fill(text)
    await page.locator("#note-text").press("Enter")
    await expect(page.locator(".own-list > li")).to_have_count(before + 1)
    await expect(page.locator("#note-text")).to_have_value("")


def note_on_board(page: Any, text: str) -> Any:
    return page.locator(".board li.note").filter(has=page.get_by_text(text, exact=True))


async def move_with_control(page: Any, text: str, option_label: str) -> None:
    note = note_on_board(page, text)
    await note.locator("select").select_option(label=option_label)
    await note.locator(".move button").click()


async def mouse_drag(page: Any, source: Any, target: Any) -> None:
    """Drag with the mouse; both ends must be on screen (a person would scroll first)."""
    await target.scroll_into_view_if_needed()
    await source.scroll_into_view_if_needed()
    box = await source.bounding_box()
    goal = await target.bounding_box()
    height = page.viewport_size["height"]
    # dropping within 56 px of the window's bottom edge scrolls the page (dnd.js EDGE_PX)
    # and the drop lands elsewhere; a person would scroll first, so the test does too
    over = goal["y"] + goal["height"] - 8 - (height - 64)
    if over > 0 and box["y"] - over >= 0:
        await page.evaluate(f"window.scrollBy(0, {over})")
        box = await source.bounding_box()
        goal = await target.bounding_box()
    assert 0 <= box["y"] and goal["y"] + goal["height"] <= height, "both ends must be visible"
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    await page.mouse.down()
    await page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + 30, steps=3)
    await page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] - 8, steps=8)
    await page.mouse.up()


async def touch_drag(page: Any, handle: Any, target: Any) -> None:
    """A finger drag from a note's handle, as Chromium's touch input delivers it."""
    await handle.scroll_into_view_if_needed()
    await target.scroll_into_view_if_needed()
    await handle.scroll_into_view_if_needed()
    start = await handle.bounding_box()
    cdp = await page.context.new_cdp_session(page)
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    await cdp.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]}
    )
    goal = await target.bounding_box()
    x1, y1 = goal["x"] + goal["width"] / 2, goal["y"] + goal["height"] / 2
    for i in range(1, 11):
        x, y = x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10
        await cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
        )
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    await cdp.detach()


async def zone_texts(page: Any) -> list[tuple[str, list[str]]]:
    """Every zone of the board with the note texts in it, in order."""
    return await page.evaluate(
        """() => [...document.querySelectorAll('.board [data-zone]')].map(z => [
            z.dataset.zone === 'unsorted' || z.dataset.zone === 'parking'
                ? z.dataset.zone : z.querySelector('.col-badge').textContent,
            [...z.querySelectorAll('li.note .note-body')].map(n => n.textContent)])"""
    )


async def test_whole_workshop(
    browser: Any, live_server: Any, watch: Watch, screenshots: Any
) -> None:
    base = live_server.base_url
    fac_ctx = await laptop_context(browser, base)
    ana_ctx = await phone_context(browser, base)
    ben_ctx = await laptop_context(browser, base)
    cem_ctx = await laptop_context(browser, base, locale="de-DE")
    for ctx in (fac_ctx, ana_ctx, ben_ctx, cem_ctx):
        ctx.set_default_timeout(10_000)
    try:
        console = watch.attach(await fac_ctx.new_page(), "facilitator")
        ana = watch.attach(await ana_ctx.new_page(), "ana")
        ben = watch.attach(await ben_ctx.new_page(), "ben")
        cem = watch.attach(await cem_ctx.new_page(), "cem")
        for page in (console, ana, ben, cem):
            page.set_default_navigation_timeout(10_000)

        # ---- the facilitator creates the board on the start page ----------------
        await console.goto(base + "/")
        await console.locator("#c-title").fill("Customer day")
        await console.locator("#c-prompt").fill("Ich will ___")
        await console.locator("#c-criteria").fill("Impact\nEffort")
        await console.locator("#c-topn").fill("2")
        await expect(console.locator("#c-anon")).to_be_checked()
        await console.locator("#c-name").fill("Fran")
        await shoot(console, screenshots, "00-start-laptop")
        await console.locator("form:has(#c-title) button[type=submit]").click()
        await console.wait_for_url(re.compile(r"/facilitate/"))
        assert "#token" not in console.url, "the token must leave the address bar"
        board_id = console.url.rstrip("/").rsplit("/", 1)[1]
        code_el = console.locator("[data-join-code]")
        await expect(code_el).to_be_visible()
        code = await code_el.get_attribute("data-join-code")
        assert code and re.fullmatch(r"[A-Z0-9]{6,12}", code)
        qr = console.locator("img.qr")
        await expect(qr).to_have_attribute("src", f"/join/{code}/qr.svg")
        assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")

        # the projector, opened from the console's link, in the facilitator's browser
        projector_href = await console.locator("[data-projector-link]").get_attribute("href")
        projector = watch.attach(await fac_ctx.new_page(), "projector")
        await projector.goto(base + projector_href)
        await expect(projector.locator(".join-code")).to_have_text(code)
        assert "#token" not in projector.url

        # ---- participants join with the code; one phone, one in German ---------
        await ana.goto(base + "/")
        await join(ana, code, "Ana")
        await join(ben, code, "Ben")
        await join(cem, code, "Cem")
        await expect(cem.locator("#phase-heading")).to_have_text("Zündung")
        await expect(console.locator('[data-score="participants"] dd')).to_have_text("3")
        await expect(console.locator(".people-list li")).to_have_count(3)
        await shoot(ana, screenshots, "01-ignite-phone")
        await shoot(console, screenshots, "01-ignite-console")
        await shoot(projector, screenshots, "01-ignite-projector")
        await no_horizontal_scroll(ana)

        # ---- generate: write alone, edit and delete own notes -------------------
        await advance(console, "generate")
        await console.locator("#timer-min").fill("5")
        await console.locator("#timer-min").press("Enter")
        await expect(ana.locator("[data-timer]")).to_be_visible()
        await expect(ana.locator(".blank-before")).to_have_text("Ich will ")
        await write_note(ana, XSS)
        await write_note(ana, "mehr Zeit für Kunden")
        await write_note(ana, "weniger Meetings")
        await write_note(ana, "delete me")
        await write_note(ben, "bessere Werkzeuge")
        await write_note(ben, "klare Ziele")
        await write_note(cem, "mehr Zeit mit Kunden")
        await write_note(cem, "Feedback schneller")
        # others' texts stay private: only a count
        await expect(ben.locator("[data-others-count]")).to_have_attribute("data-others-count", "6")
        await expect(ben.get_by_text("mehr Zeit mit Kunden")).to_have_count(0)
        # edit and delete on the phone
        mine = ana.locator(".own-list > li")
        await mine.filter(has_text="weniger Meetings").get_by_role("button", name="Edit").click()
        editor = ana.locator(".note-editing textarea")
        await expect(editor).to_be_focused()
        await editor.fill("weniger Meetings, mehr Fokus")
        await ana.locator(".note-editing button[type=submit]").click()
        await expect(mine.filter(has_text="weniger Meetings, mehr Fokus")).to_have_count(1)
        delete = mine.filter(has_text="delete me").get_by_role("button", name="Delete")
        await delete.click()
        await mine.filter(has_text="delete me").get_by_role("button", name="Really delete?").click()
        await expect(mine).to_have_count(3)
        # the HTML-looking note is shown as text
        await expect(mine.filter(has_text=XSS)).to_have_count(1)
        await expect(console.locator('[data-score="notes"] dd')).to_have_text("7")
        await expect(projector.locator("[data-big-count] .big-number")).to_have_text("7")
        await shoot(ana, screenshots, "02-generate-phone")
        await shoot(cem, screenshots, "02-generate-laptop-de")
        await shoot(projector, screenshots, "02-generate-projector")
        await no_horizontal_scroll(ana)

        # Ben is still typing when the phase closes: his text is kept and offered back
        await ben.locator("#note-text").fill("angefangene Idee")
        await advance(console, "affinity")
        draft = ben.locator("[data-draft]")
        await expect(draft).to_be_visible()
        await expect(draft.locator(".draft-text")).to_have_text("angefangene Idee")
        await ben.reload()
        await expect(ben.locator("[data-draft] .draft-text")).to_have_text("angefangene Idee")
        await ben.locator("[data-draft] .btn-quiet").click()
        await expect(ben.locator("[data-draft]")).to_have_count(0)

        # ---- affinity mapping: mouse, touch and the move control ----------------
        await expect(note_on_board(ana, XSS)).to_be_visible()
        await expect(ben.locator(".zone-unsorted li.note")).to_have_count(7)
        # leaving now is blocked: the dialog says why
        await console.locator("[data-advance]").click()
        await expect(console.locator("dialog.confirm .notice-error")).to_contain_text("7 notes")
        await expect(console.locator("[data-confirm-advance]")).to_be_disabled()
        await console.locator("dialog.confirm .btn-quiet").click()

        await mouse_drag(
            ben, note_on_board(ben, "bessere Werkzeuge"), ben.locator('[data-drop="new"]')
        )
        await expect(ben.locator(".zone-column")).to_have_count(1)
        await expect(cem.locator(".zone-column")).to_have_count(1)
        await expect(cem.locator(".zone-column").first.locator("li.note")).to_have_count(1)
        await mouse_drag(cem, note_on_board(cem, "klare Ziele"), cem.locator(".zone-column").first)
        await expect(ana.locator(".zone-column").first.locator("li.note")).to_have_count(2)

        # a finger drag on the phone, from the note's handle to the new-column target of
        # the sticky column bar (the slot below the columns is off screen on a phone)
        await touch_drag(
            ana,
            note_on_board(ana, "mehr Zeit für Kunden").locator("[data-drag-handle]"),
            ana.locator('[data-drop="bar:new"]'),
        )
        await expect(ana.locator(".zone-column")).to_have_count(2)
        await expect(
            ana.locator(".zone-column").nth(1).get_by_text("mehr Zeit für Kunden", exact=True)
        ).to_be_visible()
        await move_with_control(ana, "mehr Zeit mit Kunden", "Column 2")
        await expect(ben.locator(".zone-column").nth(1).locator("li.note")).to_have_count(2)
        await shoot(ana, screenshots, "03-affinity-phone")
        await shoot(projector, screenshots, "03-affinity-projector")
        await no_horizontal_scroll(projector)
        await no_horizontal_scroll(ana)

        # a reload in the middle of mapping resumes the same person and the same board
        before = await zone_texts(ana)
        ana_token = await ana.evaluate(f"localStorage.getItem('gamestorm:token:{board_id}')")
        await ana.reload()
        await expect(ana.locator(".conn")).to_have_attribute("data-conn", "online")
        await expect(ana.locator(".zone-column")).to_have_count(2)
        assert await zone_texts(ana) == before
        assert (
            await ana.evaluate(f"localStorage.getItem('gamestorm:token:{board_id}')") == ana_token
        )
        await expect(ana.locator(".board .mine-tag")).to_have_count(3)
        await expect(console.locator('[data-score="participants"] dd')).to_have_text("3")

        # Ben's connection drops; what happens meanwhile reaches him on reconnect
        await ben.evaluate("window.gamestorm.conn.socket.close()")
        # the rest with the keyboard-friendly control, in German for Cem
        await move_with_control(cem, "Feedback schneller", "+ Neue Spalte")
        await expect(ben.locator(".zone-column")).to_have_count(3)
        await expect(ben.locator(".conn")).to_have_attribute("data-conn", "online")
        await move_with_control(ben, "weniger Meetings, mehr Fokus", "Column 1")
        await move_with_control(ana, XSS, "Parking lot")
        await expect(console.locator(".zone-unsorted li.note")).to_have_count(0)
        await expect(console.locator('[data-score="sorted"] dd')).to_have_text("7/7")
        await expect(ana.locator(".zone-parking").get_by_text(XSS, exact=True)).to_be_visible()
        await shoot(ben, screenshots, "03-affinity-laptop")
        await shoot(console, screenshots, "03-affinity-console")

        # ---- naming: the facilitator names the three columns ----------------------
        await advance(console, "name")
        await name_columns(console, ["Klare Ziele", "Zeit für Kunden", "Schneller Feedback"])

        # ---- forced ranking: buttons on the phone, dragging on a laptop ---------
        await advance(console, "rank")
        lists = ana.locator(".rank-list")
        await expect(lists).to_have_count(2)
        first = lists.nth(0)
        await expect(first.locator(".rank-item")).to_have_count(3)
        ids = await first.locator(".rank-item").evaluate_all(
            "items => items.map(i => i.dataset.column)"
        )
        await (
            first.locator(".rank-item").nth(2).get_by_role("button", name=re.compile("up$")).click()
        )
        await expect(first.locator(".rank-item").nth(1)).to_have_attribute("data-column", ids[2])
        for i in range(2):
            await lists.nth(i).locator("[data-submit-criterion]").click()
            await expect(lists.nth(i)).to_have_attribute("data-rank-status", "submitted")
        await expect(ana.locator("[data-all-ranked]")).to_be_visible()
        await shoot(ana, screenshots, "04-rank-phone")
        await no_horizontal_scroll(ana)

        ben_first = ben.locator(".rank-list").nth(0)
        order = await ben_first.locator(".rank-item").evaluate_all(
            "items => items.map(i => i.dataset.column)"
        )
        await mouse_drag(
            ben, ben_first.locator(".rank-item").nth(0), ben_first.locator(".rank-item").nth(2)
        )
        await expect(ben_first.locator(".rank-item").nth(2)).to_have_attribute(
            "data-column", order[0]
        )
        for i in range(2):
            await ben.locator(".rank-list").nth(i).locator("[data-submit-criterion]").click()
            await expect(ben.locator(".rank-list").nth(i)).to_have_attribute(
                "data-rank-status", "submitted"
            )
        # changing a submitted order shows it needs sending again
        await (
            ben_first.locator(".rank-item")
            .nth(0)
            .get_by_role("button", name=re.compile("down$"))
            .click()
        )
        await expect(ben_first).to_have_attribute("data-rank-status", "changed")
        await ben_first.locator("[data-submit-criterion]").click()
        await expect(ben_first).to_have_attribute("data-rank-status", "submitted")
        await cem.locator(".rank-list").nth(0).locator("[data-submit-criterion]").click()
        await expect(cem.locator(".rank-list").nth(0)).to_have_attribute(
            "data-rank-status", "submitted"
        )
        await shoot(cem, screenshots, "04-rank-laptop-de")
        # people who ranked, not rankings per criterion (5 of those)
        await expect(console.locator('[data-score="rankers"] dd')).to_have_text("3 of 3")
        await shoot(console, screenshots, "04-rank-console")
        await shoot(projector, screenshots, "04-rank-projector")

        # ---- close: results, follow-up, a swap with its reason ------------------
        await advance(console, "close")
        selected = console.locator(".card-selected")
        await expect(selected).to_have_count(2)
        form = selected.first.locator(".followup-form")
        await form.locator("input[type=text]").fill("Ana")
        await form.locator("textarea").fill("Pilot with two customers")
        await form.locator("input[type=date]").fill("2026-12-31")
        await form.locator("select").select_option("scale")
        await form.locator("button[type=submit]").click()
        await expect(ana.locator(".card-selected").first.locator(".followup")).to_contain_text(
            "Pilot with two customers"
        )
        parked_id = await console.locator(".card-parked").first.get_attribute("data-candidate")
        selected_id = await selected.nth(1).get_attribute("data-candidate")
        await console.locator("#swap-selected").select_option(selected_id)
        await console.locator("#swap-parked").select_option(parked_id)
        await console.locator("#swap-reason").fill("Budget is already approved")
        await console.locator(".swap-form button[type=submit]").click()
        await expect(ben.locator(".swaps")).to_contain_text("Budget is already approved")
        await expect(ben.locator(f'.card-selected[data-candidate="{parked_id}"]')).to_be_visible()

        # what happened to one's own notes, the HTML-looking one still plain text
        own = ana.locator("[data-own-notes]")
        await expect(own).to_contain_text("in the parking lot")
        await expect(own.get_by_text(XSS, exact=True)).to_be_visible()
        await shoot(ana, screenshots, "05-close-phone")
        await shoot(ben, screenshots, "05-close-laptop")
        await shoot(console, screenshots, "05-close-console")
        await shoot(projector, screenshots, "05-close-projector")
        await no_horizontal_scroll(ana)

        # the facilitator downloads the CSV from the console; the results link is there
        async with console.expect_download() as download_info:
            await console.get_by_role("button", name="CSV", exact=True).click()
        download = await download_info.value
        saved = await download.path()
        assert saved is not None and "column_id" in saved.read_text(encoding="utf-8-sig")
        await expect(console.locator(f'.exports a[href="/results/{board_id}"]')).to_be_visible()

        # the results page, for a participant, with its downloads
        await ana.goto(f"{base}/results/{board_id}")
        await expect(ana.locator("[data-results]")).to_be_visible()
        await expect(ana.locator(".exports button")).to_have_count(7)  # issue-15: +xlsx, ;, ics
        await expect(ana.locator("[data-own-notes]")).to_contain_text("selected")
        await shoot(ana, screenshots, "06-results-phone")
        await no_horizontal_scroll(ana)

        assert LAPTOP["width"] == 1280
        assert not watch.dialogs, watch.dialogs
        assert await ana.evaluate("document.querySelectorAll('img[src=x]').length") == 0
        assert not watch.errors, "\n".join(watch.errors)
    except Exception:
        # leave a picture of every page behind for whoever reads the failure
        for ctx in (fac_ctx, ana_ctx, ben_ctx, cem_ctx):
            for i, page in enumerate(ctx.pages):
                name = f"failure-{id(ctx) % 1000}-{i}"
                await page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
        raise
    finally:
        for ctx in (fac_ctx, ana_ctx, ben_ctx, cem_ctx):
            await ctx.close()
