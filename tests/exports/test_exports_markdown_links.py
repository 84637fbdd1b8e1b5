"""Typed URLs survive the Markdown export: a GFM-like renderer (markdown-it-py with
linkify) links each to exactly the address typed, with no visible backslash, while other
Markdown in notes stays escaped."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from export_boards import play
from export_more import with_texts
from markdown_it import MarkdownIt

from gamestorm.server.exports import render
from gamestorm.server.exports.markdown_export import md

URLS = [
    "https://example.org/a_b_c?x=1&y=2",
    "https://de.wikipedia.org/wiki/Foo_(Bar)",
    "https://example.com/*star*/~tilde~/path?q=a*b&r=~x#frag_1",
    "http://example.net/search?q=gamestorm&lang=de_DE&sort=-date",
]
#: markdown-it percent-encodes ``[`` and ``]`` in an href (the same address, RFC 3986).
BRACKETS = "https://x.org/%C3%BC_(1)_[2]"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def rendered(markdown: str) -> Links:
    html = MarkdownIt("gfm-like", {"linkify": True}).render(markdown)
    links = Links()
    links.feed(html)
    return links


@pytest.mark.parametrize("url", URLS)
def test_a_url_in_a_sentence_links_to_itself(url: str) -> None:
    links = rendered(md(f"See {url}, then *ask* _us_."))
    assert links.hrefs == [url]
    text = "".join(links.text).strip()
    assert text == f"See {url}, then *ask* _us_.", "no backslash shows, emphasis stays text"


def test_brackets_reach_the_same_address() -> None:
    links = rendered(md(f"See {BRACKETS} now"))
    assert [unquote(h) for h in links.hrefs] == [unquote(BRACKETS)]
    assert "".join(links.text).strip() == f"See {unquote(BRACKETS)} now"  # shown decoded


def test_www_and_mail_addresses() -> None:
    links = rendered(md("Mail ann_b@example.org or see www.example.org/a_b (soon)."))
    assert links.hrefs == ["mailto:ann_b@example.org", "http://www.example.org/a_b"]
    assert (
        "".join(links.text).strip() == "Mail ann_b@example.org or see www.example.org/a_b (soon)."
    )


def test_every_url_in_the_report_keeps_its_href_in_tables_and_lists() -> None:
    texts = {"note-1": f"Docs: {URLS[0]}", "note-4": URLS[2], "note-5": f"({URLS[1]})"}
    texts["note-6"] = f"Later: {URLS[3]}"  # the parking lot
    state = with_texts(texts)
    body = render(state, "md")[0].decode()
    links = rendered(body)
    for url in URLS:
        assert url in links.hrefs, url
    assert not [h for h in links.hrefs if "\\" in h]
    assert "\\_" not in "".join(links.text)


def test_other_markup_in_notes_stays_escaped() -> None:
    body = render(play(), "md")[0].decode()
    links = rendered(body)
    assert links.hrefs == []  # "[docs]" is not a link, nor is anything else
    assert "Self-service *portal* & [docs]" in "".join(links.text)
    assert "<script>" not in MarkdownIt("gfm-like", {"linkify": True}).render(body)


def test_swaps_are_marked_in_the_ranking_table() -> None:
    from export_parsers import markdown_table

    rows = {r["Place"]: r for r in markdown_table(render(play(), "md")[0], "Ranking")}
    assert rows["2"]["Swap"] == "↓ swapped out" and rows["3"]["Swap"] == "↑ swapped in"
    assert rows["2"]["Reason for the swap"] == "B needs legal review first <b>"
    assert rows["1"]["Swap"] == rows["4"]["Swap"] == ""
