"""Typed URLs survive the Markdown export intact: a GFM-like renderer (markdown-it-py
with linkify) shows each exactly as typed, with no visible backslash and as plain text,
not a live link (issue 16), while other Markdown in notes stays escaped."""

from __future__ import annotations

from html.parser import HTMLParser

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
BRACKETS = "https://x.org/%C3%BC_(1)_[2]"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.code: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        self._in_code = tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_code:
            self.code.append(data)


def rendered(markdown: str) -> Links:
    html = MarkdownIt("gfm-like", {"linkify": True}).render(markdown)
    links = Links()
    links.feed(html)
    return links


@pytest.mark.parametrize("url", URLS)
def test_a_url_in_a_sentence_shows_as_typed(url: str) -> None:
    links = rendered(md(f"See {url}, then *ask* _us_."))
    assert links.hrefs == [], "no live link to what a participant typed"
    assert links.code == [url]
    text = "".join(links.text).strip()
    assert text == f"See {url}, then *ask* _us_.", "no backslash shows, emphasis stays text"


def test_brackets_stay_as_typed() -> None:
    links = rendered(md(f"See {BRACKETS} now"))
    assert links.hrefs == [] and links.code == [BRACKETS]
    assert "".join(links.text).strip() == f"See {BRACKETS} now"


def test_www_and_mail_addresses() -> None:
    links = rendered(md("Mail ann_b@example.org or see www.example.org/a_b (soon)."))
    assert links.hrefs == []
    assert links.code == ["ann_b@example.org", "www.example.org/a_b"]
    assert (
        "".join(links.text).strip() == "Mail ann_b@example.org or see www.example.org/a_b (soon)."
    )


def test_every_url_in_the_report_is_intact_in_tables_and_lists() -> None:
    texts = {"note-1": f"Docs: {URLS[0]}", "note-4": URLS[2], "note-5": f"({URLS[1]})"}
    texts["note-6"] = f"Later: {URLS[3]}"  # the parking lot
    state = with_texts(texts)
    body = render(state, "md")[0].decode()
    links = rendered(body)
    assert links.hrefs == []
    for url in URLS:
        assert url in links.code, url
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
