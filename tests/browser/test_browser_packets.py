"""Work shared out (issue 12) in a real browser: a participant on a 390x844 phone gets a
packet of notes, places it by taps (tap the note, then a column or "+ New" in the bar),
gets the next packet by itself and places that one with the keyboard, sees their own
part ("Packet 2 done · 4 notes placed"), then ranks only the subset handed to them. A
1920x1080 projector shows the room's progress meanwhile, counts only.

The board is small so the test is: packets from 0 notes, two notes a packet, subsets of
two once there are more than two candidates. The facilitator and the other participant
drive the board over the WebSocket.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Watch, laptop_context, no_horizontal_scroll, phone_context
from playwright.async_api import expect

from support.scenario import open_workshop
from support.wsclient import BoardClient
from support.wsclient import join as api_join

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=10_000)

NOTES = ["Talk to customers", "Ship smaller", "Fewer meetings", "Write things down"]


async def test_a_phone_places_packets_by_taps_and_ranks_a_subset(
    browser: Any, live_server: Any, watch: Watch, screenshots: Any
) -> None:
    w = await open_workshop(
        live_server,
        names=("Ann",),
        criteria=["Impact"],
        top_n=1,
        anonymous=False,
        packets_from=0,
        packet_size=2,
        subsets_from=2,
        subset_size=2,
    )
    fac, ann = w.facilitator, w.participants[0]
    joined = await api_join(live_server.base_url, w.board["join_code"], "Pia")
    await w.advance("ignite")
    for i, text in enumerate(NOTES):
        await ann.ok("note.create", note_id=f"n{i + 1}", text=text)
    await w.advance("generate")
    await fac.ok("column.create", column_id="k1")
    await fac.ok("column.create", column_id="k2")
    await w.settle()

    phone = await phone_context(browser, live_server.base_url)
    wall = await browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1920, "height": 1080}
    )
    try:
        projector = watch.attach(await wall.new_page(), "projector")
        await projector.goto(w.board["urls"]["project"])
        await expect(projector.locator(".projector-stage")).to_have_attribute(
            "data-phase", "affinity"
        )
        await expect(projector.locator(".progress-label").first).to_have_text("0 of 4 notes placed")

        page = watch.attach(await phone.new_page(), "pia")
        await page.goto(f"/board/{w.board_id}#token={joined['token']}")

        # the packet comes by itself, first on the page: two notes, none placed yet
        packet = page.locator("section.packet")
        await expect(packet).to_have_attribute("data-packet", "sort")
        await expect(packet.locator("h2")).to_have_text("Your packet")
        items = packet.locator(".packet-note")
        await expect(items).to_have_count(2)
        await expect(packet.locator("[data-packet-count]")).to_have_attribute(
            "data-packet-count", "0/2"
        )
        await expect(packet.locator("[data-packet-mine]")).to_have_text(
            "No packet done yet · 0 notes placed"
        )
        first_id = await packet.get_attribute("data-packet-id")
        texts = await items.locator(".packet-pick").all_inner_texts()
        assert set(texts) <= set(NOTES) and len(set(texts)) == 2
        # nothing above the packet but the phase line: it is on the first screen
        box = await packet.bounding_box()
        assert box is not None and box["y"] < 844 / 2, box
        await expect(projector.locator('[data-progress-line="packets-open"]')).to_have_text(
            "1 packet open"
        )
        await page.screenshot(path=str(screenshots / "12-packet-phone.png"))
        await no_horizontal_scroll(page)

        # by taps: the note, then a column in the bar
        await items.nth(0).locator(".packet-pick").tap()
        await expect(items.nth(0).locator(".packet-pick")).to_have_attribute("aria-pressed", "true")
        await page.locator('[data-bar-target="k1"]').tap()
        await expect(packet.locator("[data-packet-count]")).to_have_attribute(
            "data-packet-count", "1/2"
        )
        await expect(items.nth(0).locator(".packet-where")).to_have_text("✓ in Column 1")
        # the second note to a new column: "+ New" in the bar
        await items.nth(1).locator(".packet-pick").tap()
        await page.locator('[data-bar-target="new"]').tap()

        # done: the next packet arrives by itself, with my part counted
        await expect(packet).not_to_have_attribute("data-packet-id", first_id or "")
        await expect(packet).to_have_attribute("data-packet", "sort")
        await expect(items).to_have_count(2)
        await expect(packet.locator("[data-packet-mine]")).to_have_text(
            "Packet 1 done · 2 notes placed"
        )
        await expect(projector.locator(".progress-label").first).to_have_text("2 of 4 notes placed")
        await expect(projector.locator('[data-progress-line="packets-done"]')).to_have_text(
            "1 packet done"
        )

        # the keyboard does the same: Enter on a note takes the focus to the bar's first
        # column; Enter places it there, or Tab goes on to the next column first
        for i in range(2):
            await items.nth(i).locator(".packet-pick").focus()
            await page.keyboard.press("Enter")
            await expect(page.locator('[data-bar-target="k1"]')).to_be_focused()
            if i == 1:
                await page.keyboard.press("Tab")
                await expect(page.locator('[data-bar-target="k2"]')).to_be_focused()
            await page.keyboard.press("Enter")
            if i == 0:
                await expect(packet.locator("[data-packet-count]")).to_have_attribute(
                    "data-packet-count", "1/2"
                )
        await expect(packet.locator("[data-packet-mine]")).to_have_text(
            "Packet 2 done · 4 notes placed"
        )
        # nothing left for me: I placed every note, so no second look of my own notes
        await expect(packet).to_have_attribute("data-packet", "none")
        await expect(packet.locator("[data-packet-status]")).to_be_visible()
        await expect(projector.locator(".progress-label").first).to_have_text("4 of 4 notes placed")
        await expect(projector.locator('[data-progress-line="packets-open"]')).to_have_text(
            "0 packets open"
        )
        await w.settle()
        state = fac.state
        assert state is not None and not state.unsorted
        assert [len(c.notes) for c in state.columns.values()] == [2, 1, 1]
        await page.screenshot(path=str(screenshots / "12-packet-done-phone.png"))

        # the second look: Ann asks and gets Pia's notes to look over; she confirms
        await ann.ok("packet.request")
        await w.settle()
        review = [e for e in ann.events if e["kind"] == "packet.assigned"][-1]
        assert review["pass"] == "review" and review["holder"] == ann.you["id"]
        await ann.ok("packet.confirm", packet_id=review["packet_id"])
        await expect(projector.locator('[data-progress-line="second-look"]')).to_have_text(
            "second look: 2 of 4 seen twice"
        )

        # rank: only my subset of two of the three columns
        await w.advance("affinity")
        await w.pass_name()
        await w.settle()
        note = page.locator("[data-rank-subset]")
        await expect(note).to_have_text("Rank these 2 of 3 columns; others rank the rest.")
        rank_items = page.locator(".rank-list .rank-item")
        await expect(rank_items).to_have_count(2)
        shown = await rank_items.evaluate_all("items => items.map(i => i.dataset.column)")
        await expect(projector.locator(".progress-label").first).to_have_text("0 of 2 have ranked")
        await page.locator('[data-submit-criterion="Impact"]').tap()
        await expect(page.locator("[data-all-ranked]")).to_be_visible()
        # the server holds my subset and my order of it (Pia's own socket sees both)
        pia = await BoardClient.connect(live_server.ws_url, w.board_id, joined["token"], name="pia")
        try:
            mine = pia.state
            assert mine is not None
            me = pia.you["id"]
            assert sorted(shown) == sorted(mine.subsets[(me, "Impact")])
            assert list(mine.rankings[(me, "Impact")]) == shown
        finally:
            await pia.close()
        await expect(projector.locator(".progress-label").first).to_have_text("1 of 2 have ranked")
        await no_horizontal_scroll(page)
        await page.screenshot(path=str(screenshots / "12-subset-phone.png"))
        await projector.screenshot(path=str(screenshots / "12-projector-rank.png"))
    finally:
        await phone.close()
        await wall.close()
        await w.close()
    assert not watch.errors, watch.errors
    assert not watch.dialogs, watch.dialogs


async def test_the_console_switches_packets_merges_columns_and_says_the_column_cap(
    browser: Any, live_server: Any, watch: Watch
) -> None:
    w = await open_workshop(
        live_server, names=("Ann",), criteria=["Impact"], packets_from=1000, max_columns=2
    )
    fac, ann = w.facilitator, w.participants[0]
    await w.advance("ignite")
    for i, text in enumerate(NOTES[:3]):
        await ann.ok("note.create", note_id=f"n{i + 1}", text=text)
    await w.advance("generate")
    await fac.ok("column.create", column_id="k1")
    await fac.ok("column.create", column_id="k2")
    await fac.ok("note.move", note_id="n1", column_id="k1")
    await fac.ok("note.move", note_id="n2", column_id="k2")
    await w.settle()
    ctx = await laptop_context(browser, live_server.base_url)
    try:
        console = watch.attach(await ctx.new_page(), "console")
        await console.goto(w.board["urls"]["facilitate"])
        panel = console.locator("[data-console-share]")
        state = panel.locator("[data-packets-state]")
        await expect(state).to_have_attribute("data-packets-state", "auto")
        await expect(state).to_have_text("Packets switch on by themselves from 1,000 notes.")
        await expect(panel.locator('[data-progress-line="placed"]')).to_have_text(
            "2 of 3 notes placed"
        )

        # on: a participant may ask for a packet; the room's count shows it, no names
        await panel.locator('[data-packets-switch="on"]').click()
        await expect(state).to_have_attribute("data-packets-state", "true")
        await ann.ok("packet.request")
        await expect(panel.locator('[data-progress-line="packets-open"]')).to_have_text(
            "1 packet open"
        )
        # off gives every packet back; automatic again
        await panel.locator('[data-packets-switch="off"]').click()
        await expect(state).to_have_attribute("data-packets-state", "false")
        await expect(panel.locator('[data-progress-line="packets-open"]')).to_have_count(0)
        await panel.locator('[data-packets-switch="auto"]').click()
        await expect(state).to_have_attribute("data-packets-state", "auto")
        await w.settle()
        assert fac.state is not None and fac.state.packets_enabled is None

        # merge column 2 into column 1, after a confirmation that names the target
        await console.locator('[data-merge-column="k2"]').click()
        dialog = console.locator("dialog.confirm")
        await expect(dialog).to_be_visible()
        await expect(dialog.locator("[data-confirm-merge]")).to_be_disabled()
        await dialog.locator("[data-merge-target]").select_option("k1")
        await dialog.locator("[data-confirm-merge]").click()
        await expect(dialog).to_be_hidden()
        await expect(console.locator('[data-zone="k2"]')).to_have_count(0)
        await expect(console.locator('[data-zone="k1"] .note')).to_have_count(2)
        await w.settle()
        assert fac.state is not None
        assert [(c.id, c.notes) for c in fac.state.columns.values()] == [("k1", ["n1", "n2"])]

        # the cap: two columns; a third is refused with a sentence that says so
        await fac.ok("column.create", column_id="k3")
        await expect(console.locator('[data-bar-target="k3"]')).to_be_visible()
        await console.locator('[data-bar-target="new"]').click()
        toast = console.locator("#toasts .toast-error")
        await expect(toast).to_contain_text("This board takes at most 2 columns")
        await w.settle()
        assert fac.state is not None and len(fac.state.columns) == 2
    finally:
        await ctx.close()
        await w.close()
    assert not watch.errors, watch.errors
    assert not watch.dialogs, watch.dialogs


async def test_the_second_look_on_a_phone_confirms_moves_and_gives_back(
    browser: Any, live_server: Any, watch: Watch
) -> None:
    w = await open_workshop(
        live_server, names=("Ann",), criteria=["Impact"], packets_from=0, packet_size=2
    )
    fac, ann = w.facilitator, w.participants[0]
    joined = await api_join(live_server.base_url, w.board["join_code"], "Pia")
    await w.advance("ignite")
    for i, text in enumerate(NOTES):
        await ann.ok("note.create", note_id=f"n{i + 1}", text=text)
    await w.advance("generate")
    await fac.ok("column.create", column_id="k1")
    await fac.ok("column.create", column_id="k2")
    # Ann sorts every note through her packets: Pia's second look is of Ann's notes
    for _ in range(2):
        await ann.ok("packet.request")
        await w.settle()
        held = [e for e in ann.events if e["kind"] == "packet.assigned"][-1]
        for note_id in held["note_ids"]:
            await ann.ok("note.move", note_id=note_id, column_id="k1")
    await w.settle()
    assert fac.state is not None and not fac.state.unsorted

    ctx = await phone_context(browser, live_server.base_url)
    try:
        page = watch.attach(await ctx.new_page(), "pia")
        await page.goto(f"/board/{w.board_id}#token={joined['token']}")
        packet = page.locator("section.packet")
        await expect(packet).to_have_attribute("data-packet", "review")
        await expect(packet.locator("h2")).to_have_text("Second look")
        items = packet.locator(".packet-note")
        await expect(items).to_have_count(2)
        await expect(items.nth(0).locator(".packet-where")).to_have_text("in Column 1")
        first_id = await packet.get_attribute("data-packet-id")

        # one is not where it belongs: "Move", then its column in the bar
        moved = await items.nth(1).get_attribute("data-packet-note")
        await items.nth(1).locator(".packet-move").tap()
        await expect(page.locator('[data-bar-target="k1"]')).to_be_focused()
        await page.locator('[data-bar-target="k2"]').tap()
        await expect(items.nth(1).locator(".packet-where")).to_have_text("in Column 2")
        # "Looks right": done, and the next review packet comes by itself
        await packet.locator("[data-packet-confirm]").tap()
        await expect(packet).not_to_have_attribute("data-packet-id", first_id or "")
        await expect(packet).to_have_attribute("data-packet", "review")
        await expect(packet.locator("[data-packet-mine]")).to_have_text(
            "Packet 1 done · 0 notes placed"
        )
        # given back: the panel says so and offers to get notes again
        await packet.locator("[data-packet-return]").tap()
        await expect(packet).to_have_attribute("data-packet", "none")
        await expect(packet.locator("[data-packet-status]")).to_have_text(
            "You gave your packet back."
        )
        await expect(packet.locator("[data-packet-ask]")).to_be_visible()
        await w.settle()
        state = fac.state
        assert state is not None
        assert state.notes[moved or ""].column == "k2"
        assert state.packets_done == 3 and not state.packets
        await no_horizontal_scroll(page)
    finally:
        await ctx.close()
        await w.close()
    assert not watch.errors, watch.errors
    assert not watch.dialogs, watch.dialogs
