"""Random ids, tokens and join codes; tokens are kept only as hashes."""

from __future__ import annotations

import hashlib
import math
import secrets

#: No look-alikes (0/O, 1/I/L): codes are read off a projector and typed on phones.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: New codes are at least this long, and grow with the boards (``join_code_length``).
JOIN_CODE_LENGTH = 6
#: The longest code accepted (the join form's field takes 12).
JOIN_CODE_MAX_LENGTH = 12


def new_token() -> str:
    """192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_id() -> str:
    return secrets.token_hex(8)


def join_code_length(boards: int, odds: float) -> int:
    """The shortest code length at which one guess hits any of ``boards`` + 1 codes with
    a chance of at most ``odds``: ``(boards + 1) / 31**L <= odds``; 6 at least."""
    needed = math.log((boards + 1) / odds, len(JOIN_ALPHABET))
    return max(JOIN_CODE_LENGTH, min(JOIN_CODE_MAX_LENGTH, math.ceil(needed - 1e-9)))


def new_join_code(length: int = JOIN_CODE_LENGTH) -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))


def normalize_join_code(raw: str) -> str:
    """What a person typed, in any case, with spaces or dashes."""
    return raw.upper().replace(" ", "").replace("-", "")


def is_join_code(code: str) -> bool:
    """Well-formed: 6 to 12 characters of the alphabet (older boards keep shorter codes)."""
    return JOIN_CODE_LENGTH <= len(code) <= JOIN_CODE_MAX_LENGTH and all(
        c in JOIN_ALPHABET for c in code
    )
