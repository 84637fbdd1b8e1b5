"""Random ids, tokens and join codes; tokens are kept only as hashes."""

from __future__ import annotations

import hashlib
import secrets

#: No look-alikes (0/O, 1/I/L): codes are read off a projector and typed on phones.
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_token() -> str:
    """192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_id() -> str:
    return secrets.token_hex(8)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(raw: str) -> str:
    """What a person typed, in any case, with spaces or dashes."""
    return raw.upper().replace(" ", "").replace("-", "")


def is_join_code(code: str) -> bool:
    return len(code) == JOIN_CODE_LENGTH and all(c in JOIN_ALPHABET for c in code)
