"""JSON: the whole results model, unabridged; the other formats are views of it."""

from __future__ import annotations

import json
from typing import Any

MEDIA_TYPE = "application/json; charset=utf-8"


def render_json(report: dict[str, Any]) -> bytes:
    """UTF-8 JSON, indented so a person can read it too; keys in the model's order."""
    text = json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")
