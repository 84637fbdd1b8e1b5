"""Download names from the board's title and the workshop's day, umlauts kept."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from export_boards import play

from gamestorm.server.exports import export
from gamestorm.server.exports.filenames import readable_stem, slug


@pytest.mark.parametrize(
    ("title", "plain", "readable"),
    [
        ("Kundentag Köln", "kundentag-koeln", "Kundentag-Köln"),
        ("Straße & Grüße!", "strasse-gruesse", "Straße-&-Grüße!"),
        ("Café crème", "cafe-creme", "Café-crème"),
        ('../../etc/passwd "x"', "etc-passwd-x", "etc-passwd-x"),
        ("日本語", "gamestorm", "日本語"),
        ("   ", "gamestorm", "gamestorm"),
        ("a\r\nb;c%d", "a-b-c-d", "a-b-c-d"),
    ],
)
def test_slug_and_readable_stem(title: str, plain: str, readable: str) -> None:
    assert slug(title) == plain
    assert readable_stem(title) == readable


def test_content_disposition_names_title_and_day() -> None:
    state = play(title="Kundentag Köln", timezone="Europe/Berlin")
    made = export(state, "xlsx")
    assert made.filename == "kundentag-koeln-2026-01-01.xlsx"
    assert made.filename_utf8 == "Kundentag-Köln-2026-01-01.xlsx"
    head, plain, star = made.content_disposition.split("; ")
    assert head == "attachment"
    assert plain == 'filename="kundentag-koeln-2026-01-01.xlsx"'
    assert star.startswith("filename*=UTF-8''") and star.isascii()
    assert unquote(star.removeprefix("filename*=UTF-8''")) == made.filename_utf8
    assert made.content_disposition.isascii(), "a header carries ASCII only"


def test_the_day_is_the_boards_local_day() -> None:
    # created 2026-01-01 10:00 UTC: already 2 January on Kiritimati (UTC+14)
    assert export(play(timezone="Pacific/Kiritimati"), "csv").filename.endswith("-2026-01-02.csv")
    assert export(play(), "csv").filename.endswith("-2026-01-01.csv")
