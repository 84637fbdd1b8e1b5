"""The page routes on their own: the QR code, the start page's language switch, and a
join code that does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Watch, laptop_context, no_horizontal_scroll, phone_context
from playwright.async_api import expect

pytestmark = pytest.mark.browser


async def test_qr_code_is_an_svg_of_the_join_link(browser: Any, live_server: Any) -> None:
    ctx = await laptop_context(browser, live_server.base_url)
    try:
        response = await ctx.request.get("/join/ABC234/qr.svg")
        assert response.status == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.headers["cache-control"] == "no-store"  # the link changes with --host
        body = await response.text()
        assert body.startswith("<svg") and f"{live_server.base_url}/join/ABC234" in body
        bad = await ctx.request.get("/join/no%20way!/qr.svg")
        assert bad.status == 404
        shell = await ctx.request.get("/board/whatever")
        assert "script-src 'self'" in shell.headers["content-security-policy"]
    finally:
        await ctx.close()


async def test_start_page_switches_language_and_explains_a_wrong_code(
    browser: Any, live_server: Any, watch: Watch
) -> None:
    ctx = await phone_context(browser, live_server.base_url, locale="en-US")
    try:
        page = watch.attach(await ctx.new_page(), "start")
        await page.goto("/")
        await expect(page.locator("h1")).to_have_text("Run a workshop board")
        await no_horizontal_scroll(page)
        await page.locator(".lang-switch").click()
        await expect(page.locator("h1")).to_have_text("Ein Workshop-Board starten")
        assert await page.evaluate("document.documentElement.lang") == "de"
        await page.reload()
        await expect(page.locator("h1")).to_have_text("Ein Workshop-Board starten")
        await page.locator("#join-code").fill("zzzzzz")
        await page.locator("#join-name").fill("Dana")
        await page.locator("#join-name").press("Enter")
        await expect(page.locator("#join-error")).to_contain_text("kein Board")
        # the only console message allowed here is the browser's own note on the 404
        assert all("404" in e for e in watch.errors), watch.errors
        assert not watch.dialogs
    finally:
        await ctx.close()
