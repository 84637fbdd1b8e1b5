"""The first hour of a real workshop, on the operations side: the console shows a join
link phones can reach (``--public-url`` or the LAN address), warns when it cannot, and a
whole room joining from one address (venue Wi-Fi behind NAT) is not throttled."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Watch, laptop_context, phone_context
from playwright.async_api import expect

from support.live import LiveServer
from support.wsclient import BoardClient, create_board

pytestmark = pytest.mark.browser

PUBLIC = "http://192.0.2.99:8123"  # shown and encoded only; never opened


async def open_console(browser: Any, server: LiveServer, watch: Watch) -> tuple[Any, Any, dict]:
    created = await create_board(server.base_url, title="Kundentag")
    ctx = await laptop_context(browser, server.base_url)
    ctx.set_default_timeout(10_000)
    console = watch.attach(await ctx.new_page(), "console")
    await console.goto(created["urls"]["facilitate"])
    await expect(console.locator("[data-join-code]")).to_have_text(created["join_code"])
    return ctx, console, created


async def qr_link(ctx: Any, console: Any) -> str:
    src = await console.locator("img.qr").get_attribute("src")
    svg = await (await ctx.request.get(src)).text()
    found = re.search(r"<title>(.*?)</title>", svg)
    assert found, svg[:200]
    return found.group(1)


async def test_console_and_projector_show_the_public_join_link(
    browser: Any, tmp_path: Path, watch: Watch
) -> None:
    server = LiveServer(tmp_path / "public.db", extra_args=["--public-url", PUBLIC]).start()
    ctx = None
    try:
        ctx, console, created = await open_console(browser, server, watch)
        link = f"{PUBLIC}/join/{created['join_code']}"
        anchor = console.locator(".share .join-link a")
        await expect(anchor).to_have_text(link)
        await expect(anchor).to_have_attribute("href", link)
        await expect(console.locator("[data-link-warning]")).to_have_count(0)
        assert await qr_link(ctx, console) == link
        projector = watch.attach(await ctx.new_page(), "projector")
        await projector.goto(f"/project/{created['board_id']}#token={created['projector_token']}")
        await expect(projector.locator(".join-url")).to_have_text("192.0.2.99:8123/join")
        assert await qr_link(ctx, projector) == link
        assert watch.errors == [], watch.errors
    finally:
        if ctx is not None:
            await ctx.close()
        server.stop()


async def test_console_warns_when_phones_cannot_reach_the_link(
    browser: Any, live_server: LiveServer, watch: Watch
) -> None:
    ctx, console, created = await open_console(browser, live_server, watch)
    try:
        link = f"{live_server.base_url}/join/{created['join_code']}"
        await expect(console.locator(".share .join-link a")).to_have_text(link)
        warning = console.locator(".share [data-link-warning]")
        await expect(warning).to_be_visible()
        await expect(warning).to_contain_text("Phones cannot open this link")
        await expect(warning).to_contain_text("gamestorm serve --host 0.0.0.0")
        await expect(warning).to_contain_text("--public-url")
        await console.locator(".lang-switch").click()
        await expect(warning).to_contain_text("Handys können diesen Link nicht öffnen")
        assert watch.errors == [], watch.errors
    finally:
        await ctx.close()


async def test_a_room_of_thirty_joins_from_one_address(
    browser: Any, tmp_path: Path, watch: Watch
) -> None:
    """Default throttle settings; every join comes from 127.0.0.1, as behind one NAT."""
    env = {"GAMESTORM_FAILED_JOINS": "50", "GAMESTORM_JOINS_PER_MINUTE": "600"}
    server = LiveServer(tmp_path / "room.db", env=env).start()
    contexts: list[Any] = []
    try:
        created = await create_board(server.base_url, title="Room")
        code = created["join_code"]
        facilitator = await BoardClient.connect(
            server.ws_url, created["board_id"], created["facilitator_token"]
        )

        async def by_form(i: int) -> None:
            ctx = await (phone_context if i % 2 else laptop_context)(browser, server.base_url)
            ctx.set_default_timeout(15_000)
            contexts.append(ctx)
            page = watch.attach(await ctx.new_page(), f"phone{i}")
            if i % 2:  # scanned the QR code: the code is filled in
                await page.goto(f"/join/{code}")
            else:  # typed the code from the projector, in lower case with a space
                await page.goto("/")
                await page.locator("#join-code").fill(f"{code[:3].lower()} {code[3:].lower()}")
            await page.locator("#join-name").fill(f"Form {i}")
            await page.locator("#join-name").press("Enter")
            await page.wait_for_url(re.compile(r"/board/"))
            await expect(page.locator(".conn")).to_have_attribute("data-conn", "online")
            await expect(page.locator("#join-error")).to_have_count(0)

        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:

            async def by_http(i: int) -> int:
                answer = await http.post("/api/join", json={"join_code": code, "name": f"H{i}"})
                return answer.status_code

            results = await asyncio.gather(
                *(by_form(i) for i in range(4)), *(by_http(i) for i in range(26))
            )
        assert [r for r in results if r is not None] == [201] * 26
        await facilitator.wait_for(
            lambda c: c.state is not None and len(c.state.participants) == 31  # + facilitator
        )
        await facilitator.close()
        assert watch.errors == [], watch.errors
    finally:
        for ctx in contexts:
            await ctx.close()
        server.stop()
