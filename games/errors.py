"""The one exception of the rules: a command refused, with a wire error code."""

from __future__ import annotations

from typing import Any

#: Every error code of the wire contract (PROTOCOL.md), and nothing else.
CODES = frozenset(
    {
        "bad_request",
        "unknown_type",
        "unauthorized",
        "forbidden",
        "phase_forbids",
        "stale_phase",
        "not_found",
        "invalid",
        "not_a_permutation",
        "unsorted_notes",
        "unnamed_columns",
        "no_rankings",
        "rate_limited",
        "too_large",
        "expired",
        "packets_off",
        "too_many_columns",
        "no_subset",
        "unavailable",
    }
)


class Rejection(Exception):
    """A command the rules refuse. A rejected command changes nothing."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        if code not in CODES:
            raise ValueError(f"not an error code of the contract: {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        #: Extra fields for the error frame, e.g. the ids of unsorted notes.
        self.details = details
