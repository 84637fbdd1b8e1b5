"""Chromium gets the reveal compressed and shows it (issue 14).

The server agrees to permessage-deflate with no context takeover and sends a reveal of
8 KB or more compressed, once for every socket. Here a phone waits in ``generate``
while three writers fill the board; the facilitator moves on; the handshake Chromium
saw (read over the DevTools protocol) carries the extension, and the phone shows the
first revealed note of another participant and finds the last one.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import Watch, phone_context
from playwright.async_api import expect

from support.live import LiveServer
from support.wsclient import BoardClient, create_board, join

pytestmark = pytest.mark.browser
expect.set_options(timeout=10_000)

WRITERS = 3
NOTES_EACH = 30


def text_of(w: int, k: int) -> str:
    return f"Idee {k} von W{w}: mehr Zeit für Kunden, klare Ziele und weniger Meetings im Team"


async def test_a_phone_reads_a_compressed_reveal(
    browser: Any, live_server: LiveServer, watch: Watch
) -> None:
    base = live_server.base_url
    board = await create_board(base, packets_from=100_000)
    board_id = board["board_id"]
    fac = await BoardClient.connect(live_server.ws_url, board_id, board["facilitator_token"])
    writers = []
    for w in range(WRITERS):
        joined = await join(base, board["join_code"], f"W{w}")
        writers.append(await BoardClient.connect(live_server.ws_url, board_id, joined["token"]))
    pia = await join(base, board["join_code"], "Pia")
    ctx = await phone_context(browser, base)
    page = watch.attach(await ctx.new_page(), "phone")
    handshakes: list[dict[str, Any]] = []
    frames: list[int] = []
    cdp = await ctx.new_cdp_session(page)
    await cdp.send("Network.enable")
    cdp.on("Network.webSocketHandshakeResponseReceived", lambda e: handshakes.append(e))
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda e: frames.append(len(e["response"]["payloadData"])),
    )
    try:
        await fac.ok("phase.advance", **{"from": "ignite"})
        await page.goto(f"/board/{board_id}#token={pia['token']}")
        await expect(page.locator(".conn")).to_have_attribute("data-conn", "online")
        for w, client in enumerate(writers):
            for k in range(NOTES_EACH):
                await client.ok("note.create", note_id=f"w{w}-{k:02d}", text=text_of(w, k))
        await fac.ok("phase.advance", **{"from": "generate"})

        await expect(page.locator(".zone-unsorted li.note-next")).to_have_attribute(
            "data-note", "w0-00"
        )
        await expect(page.locator(".zone-unsorted li.note-next")).to_contain_text(text_of(0, 0))
        # the last note of the reveal is there too: found by its text
        await page.locator("#aff-search").fill(text_of(WRITERS - 1, NOTES_EACH - 1)[:15])
        last = f"w{WRITERS - 1}-{NOTES_EACH - 1:02d}"
        await expect(page.locator(f'.aff-result[data-result="{last}"]')).to_have_count(1)
        extensions = [
            value
            for h in handshakes
            for name, value in h["response"]["headers"].items()
            if name.lower() == "sec-websocket-extensions"
        ]
        assert extensions, handshakes
        assert "permessage-deflate" in extensions[-1]
        assert "server_no_context_takeover" in extensions[-1]
        assert max(frames) > 8192  # the reveal, as the page got it: inflated
        assert watch.errors == [] and watch.dialogs == []
    finally:
        await ctx.close()
        for client in (fac, *writers):
            await client.close()
