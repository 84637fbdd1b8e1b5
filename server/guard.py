"""The HTTP protocol uvicorn runs, with the guards it lacks against slow clients.

- A request's headers must arrive within ``header_timeout`` seconds of its first byte
  (or of the connection, for a client that sends nothing); else ``408`` and close. The
  WebSocket handshake is such a request, so it is covered too; after it the app's hello
  timeout applies. (uvicorn only times out idle keep-alive connections, and a dribbled
  byte resets that.)
- One client address holds at most ``per_address`` connections (HTTP and WebSocket);
  the next gets ``503`` and close. Addresses uvicorn trusts as proxies
  (``forwarded_allow_ips``, 127.0.0.1 by default) are not capped: behind a proxy every
  client has its address.

Connections are counted by their transport, which outlives the switch from this protocol
to the WebSocket one; closed transports are dropped when the address connects again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("gamestorm.guard")

_TIMEOUT_408 = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: 33\r\nconnection: close\r\n\r\nrequest headers came too slowly.\n"
)
_BUSY_503 = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"retry-after: 10\r\ncontent-length: 46\r\nconnection: close\r\n\r\n"
    b"too many connections from this address; wait.\n"
)


class ConnectionBook:
    """Open transports per client address."""

    def __init__(self, per_address: int, exempt: frozenset[str]) -> None:
        self.per_address = per_address
        self.exempt = exempt
        self.open: dict[str, set[asyncio.BaseTransport]] = {}
        self.refused = 0
        self.logged_at = -1e9

    def admit(self, address: str, transport: asyncio.BaseTransport) -> bool:
        if address in self.exempt or "*" in self.exempt:
            return True
        mine = self.open.setdefault(address, set())
        if len(mine) >= self.per_address:
            mine -= {t for t in mine if t.is_closing()}
        if len(mine) >= self.per_address:
            return False
        mine.add(transport)
        if len(self.open) > 10_000:  # forget addresses with nothing open
            for key in [k for k, v in self.open.items() if all(t.is_closing() for t in v)]:
                del self.open[key]
        return True

    def release(self, address: str, transport: asyncio.BaseTransport) -> None:
        mine = self.open.get(address)
        if mine is not None:
            mine.discard(transport)
            if not mine:
                del self.open[address]


def guarded_protocol(header_timeout: float, book: ConnectionBook) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with a header timeout and a per-address cap."""

    class GuardedProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None
        _address: str = "?"
        _kept = False

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._address = self.client[0] if self.client else "?"
            if not book.admit(self._address, transport):
                book.refused += 1
                now = self.loop.time()
                if now - book.logged_at >= 10:  # a flood would flood the log too
                    log.warning(
                        "refused %d connection(s) from addresses over %d open (last: %s)",
                        book.refused,
                        book.per_address,
                        self._address,
                    )
                    book.logged_at, book.refused = now, 0
                transport.write(_BUSY_503)
                transport.close()
                return
            self._kept = True
            self._start_header_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_header_timer()
            if self._kept:
                book.release(self._address, self.transport)
            super().connection_lost(exc)

        def handle_websocket_upgrade(self) -> None:
            # the transport now belongs to the WebSocket protocol, which never tells this
            # one it closed: the book drops it once it is closing
            self._stop_header_timer()
            self._kept = False
            super().handle_websocket_upgrade()

        def on_message_begin(self) -> None:
            self._start_header_timer()
            super().on_message_begin()

        def on_headers_complete(self) -> None:
            self._stop_header_timer()
            super().on_headers_complete()

        def _start_header_timer(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout, self._too_slow)

        def _stop_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                self.transport.write(_TIMEOUT_408)
                self.transport.close()

    return GuardedProtocol


def raise_open_files_limit() -> tuple[int, int] | None:
    """Raise the soft limit on open files to the hard one: ``(old, new)``, or None if it
    was already there (or the system does not allow it)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            return None
        return soft, target
    return None
