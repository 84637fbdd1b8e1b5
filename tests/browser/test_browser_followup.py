"""Issue 15 in the pages: a workshop closes (driven fast over the wire), the facilitator
records in the console a status and a decision "a month later" (dates a month ahead in
the forms; the server's clock need not move) and starts a new board from the parked
item; a participant's results page, from their own link, shows what happened to their
notes; the exports carry the same history.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import httpx
import pytest
from conftest import Watch, laptop_context, no_horizontal_scroll, phone_context
from playwright.async_api import expect

from support.wsclient import BoardClient, create_board, join

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect.set_options(timeout=10_000)


async def closed_workshop(base: str, ws_url: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Ana's a1 and Ben's b1 in col-a (selected), Ana's a2 in col-b (parked); top 1."""
    board = await create_board(base, criteria=["impact"], top_n=1, anonymous=True)
    board_id = board["board_id"]
    fac = await BoardClient.connect(ws_url, board_id, board["facilitator_token"], name="fac")
    tokens, people = {}, []
    for name in ("Ana", "Ben"):
        joined = await join(base, board["join_code"], name)
        tokens[name] = joined["token"]
        people.append(await BoardClient.connect(ws_url, board_id, joined["token"], name=name))
    ana, ben = people
    try:
        await fac.ok("phase.advance", **{"from": "ignite"})
        await ana.ok("note.create", note_id="a1", text="mehr zuhören")
        await ana.ok("note.create", note_id="a2", text="schneller liefern")
        await ben.ok("note.create", note_id="b1", text="nachfragen")
        await fac.ok("phase.advance", **{"from": "generate"})
        for column_id in ("col-a", "col-b"):
            await fac.ok("column.create", column_id=column_id)
        await fac.ok("note.move", note_id="a1", column_id="col-a")
        await fac.ok("note.move", note_id="b1", column_id="col-a")
        await fac.ok("note.move", note_id="a2", column_id="col-b")
        await fac.ok("phase.advance", **{"from": "affinity"})
        await fac.ok("column.name", column_id="col-a", name="Zuhören")
        await fac.ok("column.name", column_id="col-b", name="Tempo")
        await fac.ok("phase.advance", **{"from": "name"})
        for person in people:
            await person.ok("ranking.submit", criterion="impact", order=["col-a", "col-b"])
        await fac.ok("phase.advance", **{"from": "rank"})
    finally:
        for client in (fac, *people):
            await client.close()
    return board, tokens


async def test_a_month_later_the_participant_sees_what_happened_to_their_notes(
    browser: Any, live_server: Any, watch: Watch, screenshots: Any
) -> None:
    base = live_server.base_url
    board, tokens = await closed_workshop(base, live_server.ws_url)
    board_id, fac_token = board["board_id"], board["facilitator_token"]
    later = datetime.date.today() + datetime.timedelta(days=30)
    decided = later + datetime.timedelta(days=1)
    fac_ctx = await laptop_context(browser, base)
    ana_ctx = await phone_context(browser, base, locale="de-DE")
    try:
        console = watch.attach(await fac_ctx.new_page(), "facilitator")
        await console.goto(f"/facilitate/{board_id}#token={fac_token}")
        item = console.locator('[data-loop-item="col-a"]')
        await expect(item).to_be_visible()
        await expect(item).to_have_attribute("data-fate", "selected")

        # a status update, by keyboard: open the form, fill it, Enter submits
        status = item.locator('[data-loop-form="status"]')
        await status.locator("summary").click()
        await status.locator("select").select_option("running")
        await status.locator('input[type="date"]').fill(later.isoformat())
        note = status.locator('input[id^="lp-status-note"]')
        await note.fill("Pilot läuft in zwei Filialen")
        await note.press("Enter")
        await expect(item).to_have_attribute("data-fate", "running")
        # a decision with a reason, the submit button tapped
        decide = item.locator('[data-loop-form="decide"]')
        await decide.locator("summary").click()
        await decide.locator("select").select_option("adapt")
        await decide.locator('input[type="date"]').fill(decided.isoformat())
        await decide.locator('input[id^="lp-decide-reason"]').fill("Ziel knapp verfehlt")
        await decide.locator('button[type="submit"]').click()
        await expect(item).to_have_attribute("data-fate", "adapt")
        await expect(item.locator("[data-history] li")).to_have_count(2)
        # a date the form refuses before sending: the error is shown, nothing is sent
        await status.locator("summary").click()
        await status.locator('input[id^="lp-status-note"]').fill("ohne Datum")
        await status.locator('button[type="submit"]').click()
        await expect(status.locator(".field-error")).to_be_visible()
        await expect(item.locator("[data-history] li")).to_have_count(2)

        # the waiting loop: a new board from the parked item
        await console.locator("[data-loop-waiting]").click()
        waiting = console.locator("[data-waiting-loop]")
        await expect(waiting).to_have_count(1)
        href = await waiting.locator("a").get_attribute("href")
        assert href is not None and href.startswith("/facilitate/") and "#token=" in href
        await expect(console.locator('[data-loop-parked="col-b"]')).to_have_attribute(
            "data-fate", "waiting_loop"
        )
        await console.screenshot(path=str(screenshots / "followup-console.png"), full_page=True)

        # Ana, months later, opens her results link on her phone (German)
        ana = watch.attach(await ana_ctx.new_page(), "ana")
        await ana.goto(f"/results/{board_id}#token={tokens['Ana']}")
        own = ana.locator("[data-own-notes]")
        await expect(own).to_be_visible()
        first = own.locator('[data-own-note="a1"]')
        await expect(first).to_contain_text("Pilot läuft in zwei Filialen")
        await expect(first).to_contain_text("Ziel knapp verfehlt")
        await expect(first).to_contain_text("anpassen")
        await expect(first.locator("[data-history] li")).to_have_count(2)
        second = own.locator('[data-own-note="a2"]')
        await expect(second).to_contain_text("in einem neuen Board")
        await expect(own.locator("[data-own-note]")).to_have_count(2)  # only her own
        await expect(ana.locator("[data-loop-form]")).to_have_count(0)  # no forms for her
        await no_horizontal_scroll(ana)
        await ana.screenshot(path=str(screenshots / "followup-participant.png"), full_page=True)

        # the exports carry the same history
        async with httpx.AsyncClient(base_url=base) as http:
            auth = {"Authorization": f"Bearer {tokens['Ana']}"}
            bodies = {
                fmt: (await http.get(f"/api/boards/{board_id}/export.{fmt}", headers=auth))
                for fmt in ("json", "md", "html", "csv")
            }
        assert all(r.status_code == 200 for r in bodies.values())
        history = json.loads(bodies["json"].content)["followup_history"]
        (selected,) = history["items"]
        assert [s["on"] for s in selected["statuses"]] == [later.isoformat()]
        assert selected["decisions"][0] == {
            **selected["decisions"][0],
            "decision": "adapt",
            "reason": "Ziel knapp verfehlt",
            "on": decided.isoformat(),
        }
        assert history["parked"][0]["fate"] == "waiting_loop"
        for fmt in ("md", "html", "csv"):
            text = bodies[fmt].content.decode("utf-8-sig")
            assert "Ziel knapp verfehlt" in text and "Pilot läuft in zwei Filialen" in text, fmt
            assert decided.isoformat() in text, fmt
        assert not watch.dialogs, watch.dialogs
        assert watch.errors == [], "\n".join(watch.errors)
    finally:
        for ctx in (fac_ctx, ana_ctx):
            await ctx.close()
