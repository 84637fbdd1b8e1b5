"""Smaller holes an adversarial probe found (issue 16, item 11), each against the server.

- The HTML export stays as wide as its page on a note that is one 1,000-character word.
- The Markdown export shows a URL a participant typed as the text it is, intact, not as
  a live link (rendered with markdown-it and linkify, as many wikis do).
- A note of only invisible format characters (zero-width space, word joiner, BOM) is
  empty, like a note of spaces.
- The QR code carries the configured public link, never the request's Host header, and
  is not cached.
- ``/static/`` serves the client's file types only (no ``__init__.py``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from markdown_it import MarkdownIt
from playwright.async_api import async_playwright

from support.live import LiveServer
from support.scenario import Workshop, open_workshop

CHROMIUM = os.environ.get("GAMESTORM_CHROMIUM", "/usr/bin/chromium")
LONG_WORD = "Donaudampfschifffahrt" * 47 + "ende"  # 991 characters, no break
URLS = ["https://evil.example/login?next=/a_b", "www.evil.example/x", "mail me: eve@evil.example"]


async def closed_board(server: LiveServer, texts: list[str]) -> Workshop:
    """A board played to the close, its notes ``texts`` all in one column."""
    w = await open_workshop(server, names=("Ann",))
    ann = w.participants[0]
    await w.advance("ignite")
    for i, text in enumerate(texts):
        await ann.ok("note.create", note_id=f"n{i}", text=text)
    await w.advance("generate")
    await ann.ok("column.create", column_id="c1")
    await ann.ok("column.create", column_id="c2")
    for i in range(len(texts)):
        await ann.ok("note.move", note_id=f"n{i}", column_id="c1")
    await w.advance("affinity")  # the empty c2 is dropped
    await w.pass_name({"c1": texts[0][:60]})
    await ann.ok("ranking.submit", criterion="impact", order=["c1"])
    await w.advance("rank")
    await w.settle()
    return w


async def export(w: Workshop, fmt: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=w.server.base_url) as http:
        return await http.get(
            f"/api/boards/{w.board_id}/export.{fmt}",
            headers={"authorization": f"Bearer {w.tokens['facilitator']}"},
        )


@pytest.mark.browser
async def test_the_html_export_stays_narrow_on_one_long_word(live_server: LiveServer) -> None:
    w = await closed_board(live_server, [f"Wort: {LONG_WORD}", "short"])
    try:
        html = (await export(w, "html")).text
        assert LONG_WORD in html
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = await browser.new_page(viewport={"width": 1024, "height": 800})
            await page.set_content(html)
            sizes: list[dict[str, Any]] = await page.evaluate(
                """() => [...document.querySelectorAll('table')].map((t) => ({
                    id: t.closest('section, .candidate, body').className || 'body',
                    table: t.getBoundingClientRect().width,
                    card: t.parentElement.getBoundingClientRect().width,
                }))"""
            )
            page_width = await page.evaluate("document.documentElement.scrollWidth")
            await browser.close()
        assert sizes
        wide = [s for s in sizes if s["table"] > s["card"] + 1]
        assert not wide, f"tables wider than their card: {wide}"
        assert page_width <= 1024, f"the page scrolls sideways: {page_width}px"
    finally:
        await w.close()


async def test_the_markdown_export_shows_urls_as_plain_text(live_server: LiveServer) -> None:
    w = await closed_board(live_server, [f"see {u} now" for u in URLS])
    try:
        body = (await export(w, "md")).text
        rendered = MarkdownIt("gfm-like", {"linkify": True}).enable("linkify").render(body)
        links = re.findall(r"<a [^>]*>.*?</a>", rendered)
        assert not links, f"the export's text became links: {links[:3]}"
        text = re.sub(r"<[^>]+>", "", rendered).replace("&amp;", "&")
        for url in URLS:
            assert url.split(": ")[-1] in text, f"{url} not shown intact"
    finally:
        await w.close()


async def test_notes_of_only_format_characters_are_empty(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    ann = w.participants[0]
    try:
        await w.advance("ignite")
        for text in ("\u200b", "\u2060\u200b\ufeff", " \u200d\u200c ", "\u00ad\u2063", "\u200e"):
            reply = await ann.command("note.create", note_id="blank", text=text)
            assert reply.get("code") == "invalid", (repr(text), reply)
        await ann.ok("note.create", note_id="joined", text="a\u200bb")  # visible text stays
        reply = await w.facilitator.command("prompt.set", text="\u200b\u2060")
        assert reply.get("code") == "invalid", reply
    finally:
        await w.close()


async def test_the_qr_code_carries_the_public_link_not_the_host_header(tmp_path: Path) -> None:
    server = LiveServer(
        tmp_path / "qr.db", extra_args=["--public-url", "http://192.0.2.7:8123"]
    ).start()
    try:
        w = await open_workshop(server, names=())
        code = w.board["join_code"]
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            response = await http.get(f"/join/{code}/qr.svg", headers={"host": "evil.example"})
        assert response.status_code == 200
        title = re.search(r"<title>(.*?)</title>", response.text)
        assert title and title.group(1) == f"http://192.0.2.7:8123/join/{code}", title
        cache = response.headers.get("cache-control", "")
        assert "no-store" in cache and "max-age=86400" not in cache, cache
        await w.close()
    finally:
        server.stop()


async def test_a_local_servers_qr_code_ignores_the_host_header(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=())
    code = w.board["join_code"]
    try:
        async with httpx.AsyncClient(base_url=live_server.base_url) as http:
            response = await http.get(f"/join/{code}/qr.svg", headers={"host": "evil.example"})
        title = re.search(r"<title>(.*?)</title>", response.text)
        assert title and "evil.example" not in title.group(1), title.group(1)
        assert title.group(1) == f"http://localhost:{live_server.port}/join/{code}"
    finally:
        await w.close()


async def test_static_serves_only_the_clients_file_types(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        for path in ("/static/__init__.py", "/static/js/../__init__.py", "/static/__init__.pyc"):
            response = await http.get(path)
            assert response.status_code == 404, (path, response.status_code)
            assert "import" not in response.text
        for path in ("/static/js/main.js", "/static/favicon.svg", "/static/index.html"):
            assert (await http.get(path)).status_code == 200, path
