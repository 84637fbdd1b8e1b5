"""Choose the fan-out by URL: in this process (the default) or through Redis."""

from __future__ import annotations

from urllib.parse import urlsplit

from .fanout_local import InProcessFanout
from .seams import Fanout

#: What ``--fanout`` accepts for "this process only", besides leaving it out.
IN_PROCESS_NAMES = frozenset({"memory", "in-process"})
REDIS_SCHEMES = frozenset({"redis", "rediss"})


def check_fanout_url(url: str | None) -> str | None:
    """The URL to keep (None: in this process), or ValueError saying what is accepted."""
    if url is None or url.strip() == "" or url in IN_PROCESS_NAMES:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in REDIS_SCHEMES or not parts.hostname:
        raise ValueError(
            f"{url!r} is not a fan-out URL: give redis://host:6379/0 (or rediss:// for "
            "TLS) to share boards between server processes, or leave it out (or say "
            "'memory') to serve boards in this process only"
        )
    return url


def make_fanout(url: str | None) -> Fanout:
    """The fan-out for ``Settings.fanout_url``; raises ValueError for an unknown URL."""
    checked = check_fanout_url(url)
    if checked is None:
        return InProcessFanout()
    from .fanout_redis import RedisFanout

    return RedisFanout(checked)
