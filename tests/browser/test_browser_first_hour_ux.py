"""The first hour of a real workshop, in the pages: the advance dialog's text in both
languages, "still typing" before closing writing, a draft kept when writing ends, a timer
that ends with its phase on the projector, error sentences per code, plurals, length
counters, the "yours" tag clear of the text, and focus after "Move" and "Submit"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import Watch, laptop_context, name_every_column, phone_context
from playwright.async_api import expect

from gamestorm.games.errors import CODES
from support.scenario import open_workshop
from support.wsclient import join as api_join

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=10_000)

#: Every code the server may send (games.errors.CODES): each needs its own sentence.
ERROR_CODES = sorted(CODES)


async def open_as(ctx: Any, watch: Watch, label: str, path: str) -> Any:
    page = watch.attach(await ctx.new_page(), label)
    await page.goto(path)
    await expect(page.locator(".conn")).to_have_attribute("data-conn", "online")
    return page


async def participant_page(ctx: Any, watch: Watch, w: Any, name: str) -> Any:
    joined = await api_join(w.server.base_url, w.board["join_code"], name)
    return await open_as(ctx, watch, name, f"/board/{w.board_id}#token={joined['token']}")


async def dialog_lines(console: Any) -> list[str]:
    await console.locator("[data-advance]").click()
    dialog = console.locator("dialog.confirm")
    await expect(dialog).to_be_visible()
    lines = await dialog.locator("p").all_inner_texts()
    text = await dialog.inner_text()
    assert "[object" not in text, text
    return lines


async def close_dialog(console: Any) -> None:
    await console.locator("dialog.confirm .btn-quiet").click()
    await expect(console.locator("dialog.confirm")).to_be_hidden()


async def confirm_advance(console: Any, phase: str) -> None:
    await console.locator("[data-advance]").click()
    await console.locator("[data-confirm-advance]").click()
    await expect(console.locator(".phase-chip")).to_have_attribute("data-phase", phase)


def no_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


async def test_first_hour_in_the_pages(browser: Any, live_server: Any, watch: Watch) -> None:
    base = live_server.base_url
    w = await open_workshop(live_server, names=(), criteria=["Impact", "Effort"], top_n=1)
    fac_ctx = await laptop_context(browser, base)
    de_ctx = await laptop_context(browser, base, locale="de-DE")
    ana_ctx = await phone_context(browser, base)
    ben_ctx = await laptop_context(browser, base, locale="de-DE")
    contexts = (fac_ctx, de_ctx, ana_ctx, ben_ctx)
    for ctx in contexts:
        ctx.set_default_timeout(10_000)
    try:
        console = await open_as(fac_ctx, watch, "console", w.board["urls"]["facilitate"])
        projector = await open_as(fac_ctx, watch, "projector", w.board["urls"]["project"])
        console_de = await open_as(de_ctx, watch, "console-de", w.board["urls"]["facilitate"])
        ana = await participant_page(ana_ctx, watch, w, "Ana")
        ben = await participant_page(ben_ctx, watch, w, "Ben")

        # ---- the advance dialog says its sentences, in English and German ---------
        lines = await dialog_lines(console)
        assert "Joining stays open. Participants can start writing notes." in lines
        await close_dialog(console)
        lines = await dialog_lines(console_de)
        assert "Beitreten bleibt möglich. Alle können mit dem Schreiben beginnen." in lines
        await close_dialog(console_de)

        # ---- a timer ends with its phase, on the projector too --------------------
        await w.facilitator.ok("timer.set", seconds=1)
        await expect(projector.locator(".projector-side [data-timer]")).to_have_text("Time is up")
        await confirm_advance(console, "generate")
        await expect(projector.locator("[data-timer]")).to_have_count(0)
        await projector.wait_for_timeout(1_000)
        await expect(projector.locator("[data-timer]")).to_have_count(0)

        # ---- length counters: from 80 % of the limit, and a message at the limit ---
        field = ana.locator("#note-text")
        counter = ana.locator("#note-text-count")
        await field.fill("x" * 700)
        await expect(counter).to_be_hidden()
        await field.fill("x" * 950)
        await expect(counter).to_have_text("950 / 1,000")
        await field.fill("x" * 1200)  # cut by maxlength, but no longer silently
        await expect(field).to_have_value("x" * 1000)
        await expect(counter).to_contain_text("1,000 / 1,000")
        await expect(counter).to_contain_text("Limit of 1,000 characters reached")
        await field.fill("")
        await expect(counter).to_be_hidden()
        prompt_counter = console.locator("#prompt-text-count")
        await console.locator("#prompt-text").fill("p" * 999)
        await expect(prompt_counter).to_have_text("999 / 1,000")
        await console.locator("#prompt-text").fill("Ich will ___")

        # ---- plurals: one note, two notes ----------------------------------------
        await ana.locator("#note-text").fill("eins")
        await ana.locator("#note-text").press("Enter")
        await expect(ana.locator(".own-list > li")).to_have_count(1)
        await expect(console.locator('[data-score="notes"] dt')).to_have_text("note")
        await expect(console_de.locator('[data-score="notes"] dt')).to_have_text("Notiz")
        await expect(ben.locator("[data-others-count]")).to_have_text(
            "Die anderen haben bisher 1 Notiz geschrieben."
        )
        await ben.locator("#note-text").fill("zwei")
        await ben.locator("#note-text").press("Enter")
        await expect(console.locator('[data-score="notes"] dt')).to_have_text("notes")
        await expect(console.locator('[data-score="notes"] dd')).to_have_text("2")

        # ---- "still typing": a count for the facilitator, and in the dialog ------
        typing = console.locator("[data-typing-count]")
        await expect(typing).to_have_attribute("data-typing-count", "0")
        await ana.locator("#note-text").fill("halb fertig")
        await expect(typing).to_have_text("1 still typing")
        await expect(console_de.locator("[data-typing-count]")).to_have_text("1 schreibt noch")
        lines = await dialog_lines(console)
        assert (
            "1 participant is still writing a note; if you close now their draft is kept on "
            "their device but cannot be added." in lines
        ), lines
        assert "Writing ends. All 2 notes are revealed to everyone." in lines
        await close_dialog(console)
        await ben.locator("#note-text").fill("auch noch")
        await expect(typing).to_have_text("2 still typing")
        lines = await dialog_lines(console_de)
        assert any(line.startswith("2 Personen schreiben noch an einer Notiz") for line in lines)
        await close_dialog(console_de)
        await ben.locator("#note-text").fill("")
        await expect(typing).to_have_text("1 still typing")

        # ---- writing ends with a draft in the field: kept, explained, no Add -----
        await ana.locator("#note-text").focus()
        await confirm_advance(console, "affinity")
        draft = ana.locator("[data-draft]")
        await expect(draft).to_be_visible()
        await expect(draft.locator("h2")).to_have_text(
            "Writing has ended. Your draft was not added; it is kept here so you can copy it."
        )
        await expect(draft.locator(".draft-text")).to_have_text("halb fertig")
        await expect(draft.get_by_role("button", name="Copy text")).to_be_visible()
        await expect(draft.get_by_role("button", name="Discard")).to_be_visible()
        await expect(ana.locator("#note-text")).to_have_count(0)
        await expect(ana.get_by_role("button", name="Add note")).to_have_count(0)
        await expect(typing).to_have_count(0)
        await draft.get_by_role("button", name="Discard").click()
        await expect(draft).to_have_count(0)

        # ---- affinity: plural column counts, the "yours" tag clear of the text ----
        await expect(ana.locator(".zone-unsorted .zone-count")).to_have_text(" · 2 notes")
        note = ana.locator(".board li.note").filter(has_text="eins")
        await note.locator("select").select_option(label="+ New column")
        await note.locator(".move button").click()
        await expect(ana.locator(".zone-column")).to_have_count(1)
        await expect(ana.locator(".zone-column .zone-count")).to_have_text(" · 1 note")
        await expect(ben.locator(".zone-column .zone-count")).to_have_text(" · 1 Notiz")
        # focus stayed on the moved card, not on the page
        active = await ana.evaluate(
            "() => document.activeElement?.closest('li.note')?.textContent || "
            "document.activeElement?.tagName"
        )
        assert "eins" in active, active
        mine = ana.locator(".zone-column li.note-mine")
        tag_box = await mine.locator(".mine-tag").bounding_box()
        text_box = await mine.locator(".note-body").bounding_box()
        assert tag_box and text_box and no_overlap(tag_box, text_box), (tag_box, text_box)
        long_note = ben.locator(".board li.note").filter(has_text="zwei")
        await long_note.locator("select").select_option(label="Parkplatz")
        await long_note.locator(".move button").click()
        await expect(ben.locator(".zone-parking li.note")).to_have_count(1)
        await expect(ben.locator(".zone-unsorted li.note")).to_have_count(0)

        # ---- name, then rank: people who ranked, not rankings; focus after Submit --
        await confirm_advance(console, "name")
        await name_every_column(console)
        await confirm_advance(console, "rank")
        first = ana.locator(".rank-list").nth(0)
        await first.locator("[data-submit-criterion]").click()
        await expect(first).to_have_attribute("data-rank-status", "submitted")
        await ana.wait_for_function(
            "() => document.activeElement && document.activeElement !== document.body"
        )
        focused = await ana.evaluate(
            "() => [document.activeElement.tagName, "
            "document.activeElement.closest('[data-criterion]')?.dataset.criterion]"
        )
        assert focused == ["H3", "Impact"], focused
        await ana.locator(".rank-list").nth(1).locator("[data-submit-criterion]").click()
        await expect(console.locator('[data-score="rankers"] dd')).to_have_text("1 of 2")
        await expect(console.locator('[data-score="rankers"] dt')).to_have_text("have ranked")
        await expect(console_de.locator('[data-score="rankers"] dd')).to_have_text("1 von 2")

        # ---- errors: a sentence per code in both languages, raw text only if unknown
        for page, lang in ((console, "en"), (console_de, "de")):
            texts = await page.evaluate(
                """async (codes) => {
                    const { errorText } = await import('/static/js/views/common.js');
                    const raw = 'RAW server words';
                    return {
                      known: codes.map((code) => errorText({ code, message: raw })),
                      unknown: errorText({ code: 'brand_new', message: raw }),
                      sorted: errorText({ code: 'unsorted_notes', message: raw,
                                          details: { note_ids: ['a'] } }),
                    };
                }""",
                ERROR_CODES,
            )
            for code, text in zip(ERROR_CODES, texts["known"], strict=True):
                assert "RAW" not in text and "error." not in text and text, (lang, code, text)
            assert "RAW server words" in texts["unknown"]
            assert texts["sorted"].startswith("1 note" if lang == "en" else "1 Notiz"), texts
        # close the board (a real refusal is the next test)
        await w.facilitator.ok("phase.advance", **{"from": "rank"})
        await expect(console.locator(".phase-chip")).to_have_attribute("data-phase", "close")

        # ---- the start page counts the title and names -----------------------------
        start = watch.attach(await de_ctx.new_page(), "start")
        await start.goto("/")
        await start.locator("#c-title").fill("t" * 200)
        await expect(start.locator("#c-title-count")).to_contain_text("200 / 200")
        await expect(start.locator("#c-title-count")).to_contain_text("Grenze von 200 Zeichen")
        await start.locator("#join-name").fill("n" * 50)
        await expect(start.locator("#join-name-count")).to_have_text("50 / 60")
        await start.locator("#c-name").fill("n" * 10)
        await expect(start.locator("#c-name-count")).to_be_hidden()

        assert not watch.dialogs, watch.dialogs
        assert watch.errors == [], "\n".join(watch.errors)
    finally:
        for ctx in contexts:
            await ctx.close()
        await w.close()


async def test_stale_advance_shows_the_sentence_not_the_server_text(
    browser: Any, live_server: Any, watch: Watch
) -> None:
    """Two facilitator tabs: the second one's advance is stale; its dialog explains."""
    w = await open_workshop(live_server, names=())
    ctx = await laptop_context(browser, live_server.base_url)
    try:
        console = await open_as(ctx, watch, "console", w.board["urls"]["facilitate"])
        await console.locator("[data-advance]").click()
        await expect(console.locator("dialog.confirm")).to_be_visible()
        await w.facilitator.ok("phase.advance", **{"from": "ignite"})
        await console.locator("[data-confirm-advance]").click()
        error = console.locator("dialog.confirm .notice-error")
        await expect(error).to_have_text("The phase has already changed.")
        assert not re.search(r"'from'|current phase", await error.inner_text())
        assert watch.errors == [], "\n".join(watch.errors)
    finally:
        await ctx.close()
        await w.close()
