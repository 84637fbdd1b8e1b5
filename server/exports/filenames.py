"""Download names from the board's title and date: ``customer-day-2026-01-01.csv``.

The date is the day the board was created (the workshop's day), in the board's time zone.
Browsers take ``filename*`` (RFC 6266 / RFC 8187: UTF-8, percent-encoded) and keep the
title's umlauts; older clients take the ASCII ``filename`` (``Kundentag Köln`` ->
``kundentag-koeln``). Neither can carry a path, a quote or a control character.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

FALLBACK = "gamestorm"
MAX_STEM = 80
_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|%;]+')


def slug(title: str) -> str:
    """The title as lower-case ASCII words joined by ``-``; ``gamestorm`` if none is left."""
    ascii_text = unicodedata.normalize("NFKD", title.translate(_GERMAN))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_SLUG.sub("-", ascii_text).strip("-")[:MAX_STEM].strip("-") or FALLBACK


def readable_stem(title: str) -> str:
    """The title as a file name people read: letters (umlauts too) kept, words joined
    by ``-``, nothing a file system or a header would choke on."""
    text = _NOT_IN_NAMES.sub(" ", unicodedata.normalize("NFC", title))
    return "-".join(text.split())[:MAX_STEM].strip("-.") or FALLBACK


def workshop_day(report: dict[str, Any]) -> str:
    """``YYYY-MM-DD`` of the board's creation in its time zone (the ISO time's date part)."""
    created = report["board"].get("created_at") or ""
    return created[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", created[:10]) else "undated"


def download_names(report: dict[str, Any], ext: str) -> tuple[str, str]:
    """``(ascii name, UTF-8 name)`` of the file for format ``ext``."""
    title, day = report["board"].get("title") or "", workshop_day(report)
    return f"{slug(title)}-{day}.{ext}", f"{readable_stem(title)}-{day}.{ext}"


def content_disposition(report: dict[str, Any], ext: str) -> str:
    """``attachment; filename="kundentag-koeln-2026-01-01.csv";
    filename*=UTF-8''Kundentag-K%C3%B6ln-2026-01-01.csv``."""
    plain, readable = download_names(report, ext)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(readable, safe='')}"
