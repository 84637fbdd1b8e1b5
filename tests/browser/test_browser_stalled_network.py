"""A stalled network is noticed: the phone talks to the server through a TCP proxy that
stops forwarding without closing anything (what a bad Wi-Fi does). The page must say
"Connection lost" within 5 s, come back to "Live" by itself when the network does, and
the note written meanwhile must reach the board."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest
from conftest import Watch, phone_context
from playwright.async_api import expect

from support.scenario import open_workshop
from support.stall_proxy import StallProxy

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_a_stall_is_shown_within_5_s_and_the_page_resumes(
    browser: Any, live_server: Any, watch: Watch
) -> None:
    w = await open_workshop(live_server, names=())
    fac = w.facilitator
    proxy = await StallProxy("127.0.0.1", live_server.port).start()
    ctx = await phone_context(browser, proxy.base_url)
    ctx.set_default_timeout(10_000)
    try:
        page = watch.attach(await ctx.new_page(), "phone")
        await page.goto(f"/join/{w.board['join_code']}")
        await page.locator("#join-name").fill("Ana")
        await page.locator("#join-name").press("Enter")
        await page.wait_for_url(re.compile(r"/board/"))
        conn = page.locator(".conn")
        await expect(conn).to_have_attribute("data-conn", "online")
        await w.advance("ignite")
        await expect(page.locator("#note-text")).to_be_visible()
        banner = page.locator("[data-conn-banner]")
        await expect(banner).to_be_hidden()

        # a quiet but healthy board stays Live: the heartbeat keeps it so
        await page.wait_for_timeout(4_000)
        await expect(conn).to_have_attribute("data-conn", "online")

        proxy.stall()
        stalled_at = time.monotonic()
        await expect(conn).to_have_attribute("data-conn", "offline", timeout=5_000)
        assert time.monotonic() - stalled_at < 5.0
        await expect(banner).to_be_visible()
        await expect(banner).to_have_text("Connection lost – reconnecting…")
        # the banner is on screen on a phone, not only a dot in the corner
        box = await banner.bounding_box()
        assert box is not None and box["height"] >= 30 and box["width"] >= 300

        # a note written while stalled is kept (queued with its field) and not lost
        await page.locator("#note-text").fill("written in the tunnel")
        await page.locator("#note-text").press("Enter")
        await page.wait_for_timeout(3_000)
        await expect(conn).to_have_attribute("data-conn", "offline")
        assert not any(
            f.get("type") == "event" and f["event"]["kind"] == "note.created" for f in fac.frames
        )

        proxy.resume()
        resumed_at = time.monotonic()
        await expect(conn).to_have_attribute("data-conn", "online", timeout=10_000)
        await expect(banner).to_be_hidden()
        assert time.monotonic() - resumed_at < 10.0
        await expect(page.locator(".own-list > li")).to_have_count(1)
        await expect(page.locator(".own-list")).to_contain_text("written in the tunnel")
        await expect(page.locator("#note-text")).to_have_value("")
        await fac.wait_for(lambda c: c.state is not None and len(c.state.notes) == 1, within=10)
        # once, though it may have travelled on the old socket and the new one
        await asyncio.sleep(0.5)
        assert len(fac.state.notes) == 1

        # offline and online events of the browser are heard at once
        await ctx.set_offline(True)
        await page.evaluate("window.dispatchEvent(new Event('offline'))")
        await expect(conn).to_have_attribute("data-conn", "offline", timeout=2_000)
        await ctx.set_offline(False)
        await page.evaluate("window.dispatchEvent(new Event('online'))")
        await expect(conn).to_have_attribute("data-conn", "online", timeout=10_000)
        assert not watch.dialogs, watch.dialogs
        assert watch.errors == [], "\n".join(watch.errors)
    finally:
        await ctx.close()
        await proxy.stop()
        await w.close()
