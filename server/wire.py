"""JSON in and out of the wire, with orjson (the profile's hot spot is encoding)."""

from __future__ import annotations

from typing import Any

import orjson

from gamestorm.games import Rejection


def encode(value: Any) -> str:
    return orjson.dumps(value).decode()


def decode_object(text: str | bytes) -> dict[str, Any]:
    """A client frame or HTTP body as a JSON object, or a ``bad_request`` Rejection."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise Rejection("bad_request", "not valid JSON") from None
    if not isinstance(value, dict):
        raise Rejection("bad_request", "expected a JSON object")
    return value


def error_frame(rejection: Rejection, cid: str | None) -> str:
    return encode(
        {
            **rejection.details,
            "type": "error",
            "cid": cid,
            "code": rejection.code,
            "message": rejection.message,
        }
    )
