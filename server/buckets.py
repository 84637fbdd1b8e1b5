"""A token bucket: ``rate`` a second, bursts up to ``burst``; shared where it must be."""

from __future__ import annotations

import time


class TokenBucket:
    """One participant's commands, across all of their sockets (a bucket per socket let
    600 sockets of one token send 600 times the rate)."""

    __slots__ = ("burst", "rate", "_stamp", "_tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._tokens = float(burst)
        self._stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False
