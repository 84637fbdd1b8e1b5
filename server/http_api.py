"""The HTTP routes of the wire contract: create, join, games, exports, health.

Every failure is JSON ``{"error": code, "message": ...}`` with a 4xx status; bad input
never reaches a 500.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gamestorm import games

from . import exports
from .config import Settings
from .hub import Hub
from .keyed_locks import KeyedLocks
from .storage import BoardRow, StorageUnavailable
from .tokens import is_join_code, normalize_join_code
from .waiting_loop import start_waiting_loop  # issue-15
from .wire import decode_object

STATUS = {
    "bad_request": 400,
    "unknown_type": 400,
    "invalid": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "phase_forbids": 409,
    "rate_limited": 429,
    "too_large": 413,
    "expired": 410,
    # WebSocket-only codes (issue 12), here so every code has a status
    "packets_off": 409,
    "too_many_columns": 422,
    "no_subset": 409,
    "unavailable": 503,
}


def error_response(code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=STATUS.get(code, 400))


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


async def _json_body(request: Request) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise games.Rejection("too_large", f"bodies are at most {settings.max_body_bytes} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > settings.max_body_bytes:
            raise games.Rejection(
                "too_large", f"bodies are at most {settings.max_body_bytes} bytes"
            )
    return decode_object(body)


def public_base(request: Request) -> str:
    """Where phones reach this server: ``--public-url`` or the LAN address found at start-up.

    When the server listens on loopback only ("local"), or nothing is known (an app built
    without the command line), the address the request came in on is the best guess.
    """
    settings: Settings = request.app.state.settings
    if settings.public_url and settings.public_url_scope == "network":
        return settings.public_url
    return str(request.base_url).rstrip("/")


class PerMinute:
    """At most ``limit`` events per client address in a sliding minute (board creation)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen: dict[str, deque[float]] = {}

    def wait(self, address: str) -> int | None:
        """Seconds ``address`` must wait, or None, having counted this one if allowed."""
        now = time.monotonic()
        stamps = self.seen.setdefault(address, deque())
        while stamps and stamps[0] < now - 60:
            stamps.popleft()
        if len(stamps) >= self.limit:
            return max(1, int(stamps[0] + 60 - now) + 1)
        stamps.append(now)
        if len(self.seen) > 100_000:  # forget quiet addresses; memory stays bounded
            for key in [k for k, v in self.seen.items() if not v or v[-1] < now - 60]:
                del self.seen[key]
        return None


def _bearer(request: Request) -> str:
    """issue-15: the token of ``Authorization: Bearer <token>``, or ''."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def create_board(request: Request) -> Response:
    creations: PerMinute = request.app.state.creations
    wait = creations.wait(request.client.host if request.client else "?")
    if wait is not None:
        response = error_response(
            "rate_limited",
            f"more than {creations.limit} boards a minute from this network; "
            f"try again in {wait} seconds",
        )
        response.headers["retry-after"] = str(wait)
        return response
    try:
        options = await _json_body(request)
        if "from_board" in options:  # issue-15: the waiting loop (server/waiting_loop.py)
            created = await start_waiting_loop(_hub(request), options, _bearer(request))
        else:
            created = await _hub(request).create_board(options)
    except games.Rejection as rejection:
        return error_response(rejection.code, rejection.message)
    board_id, code = created["board_id"], created["join_code"]
    settings: Settings = request.app.state.settings
    base = public_base(request)
    created["urls"] = {
        "facilitate": f"/facilitate/{board_id}#token={created['facilitator_token']}",
        "join": f"/join/{code}",
        "project": f"/project/{board_id}#token={created['projector_token']}",
        "results": f"/results/{board_id}",
        # Absolute, for sharing: on the network address phones reach (see ``link_scope``).
        "public": {"join": f"{base}/join/{code}", "qr": f"{base}/join/{code}/qr.svg"},
    }
    created["join_url"] = f"{base}/join/{code}"
    created["link_scope"] = settings.public_url_scope
    return JSONResponse(created, status_code=201)


#: Misses an address may have in its window and still be answered once the overall
#: budget is spent (a typo or two is not an attack).
SIEGE_ALLOWANCE = 3


class JoinThrottle:
    """Throttles guessing join codes per client address, not people joining a board.

    A whole room may join from one address (venue Wi-Fi behind NAT), so only *failed*
    attempts (a well-formed code no board has, on ``POST /api/join`` or
    ``GET /api/codes/{code}``) count against the guess limit, in a sliding window. Once an
    address is over it, every attempt from it waits, right code or not: answering a right
    code then would tell a guesser which code is right. Successful joins have their own,
    generous cap per minute, so one address cannot add participants without bound.

    Many addresses together share one budget of misses a minute. Once it is spent (an
    attack from many addresses), an address that has missed ``SIEGE_ALLOWANCE`` times in
    its window waits; one with fewer (a room typing the right code, a typist with a typo
    or two) is still answered, so an attack does not lock a real room out.
    """

    def __init__(
        self, failures: int, window: float, joins_per_minute: int, overall_per_minute: int = 0
    ) -> None:
        self.failures_allowed = failures
        self.window = window
        self.joins_per_minute = joins_per_minute
        #: Misses from all addresses in the last minute (at most the budget are kept).
        self.overall_per_minute = overall_per_minute
        self.overall: deque[float] = deque(maxlen=max(1, overall_per_minute))
        #: Lookups under way (counted as misses until known, so parallel guesses from
        #: many addresses cannot overshoot the budget).
        self.pending = 0
        self.failed: dict[str, deque[float]] = {}
        self.joined: dict[str, deque[float]] = {}
        #: One code check at a time per address, so parallel guesses cannot all slip in
        #: before the first failure is counted (held for one indexed lookup only).
        self._locks = KeyedLocks()

    @staticmethod
    def _recent(book: dict[str, deque[float]], address: str, since: float) -> deque[float]:
        stamps = book.setdefault(address, deque())
        while stamps and stamps[0] < since:
            stamps.popleft()
        return stamps

    def siege(self, now: float) -> int | None:
        """Seconds until the overall budget of misses has room again, or None if it has."""
        if not self.overall_per_minute:
            return None
        overall = self.overall
        while overall and overall[0] < now - 60:
            overall.popleft()
        if len(overall) + self.pending < self.overall_per_minute:
            return None
        return max(1, int(overall[0] + 60 - now) + 1) if overall else 1

    def refusal(self, address: str, joining: bool) -> tuple[str, int] | None:
        """Why ``address`` must wait now and for how many seconds, or ``None``."""
        now = time.monotonic()
        failed = self._recent(self.failed, address, now - self.window)
        siege = self.siege(now) if len(failed) >= SIEGE_ALLOWANCE else None
        if siege is not None:
            message = (
                "too many wrong join codes are being tried on this server right now; "
                f"check the code and try again in {siege} seconds"
            )
            return message, siege
        if len(failed) >= self.failures_allowed:
            wait = max(1, int(failed[0] + self.window - now) + 1)
            message = (
                f"too many wrong join codes from this network ({len(failed)} in "
                f"{max(1, round(self.window / 60))} minutes); check the code and try again in "
                f"{(wait + 59) // 60} minute(s)"
            )
            return message, wait
        joined = self._recent(self.joined, address, now - 60)
        if joining and len(joined) >= self.joins_per_minute:
            wait = max(1, int(joined[0] + 60 - now) + 1)
            return f"more than {self.joins_per_minute} joins a minute from this network", wait
        return None

    def record(self, address: str, found: bool, joining: bool) -> None:
        now = time.monotonic()
        if not found:
            self.failed.setdefault(address, deque()).append(now)
            self.overall.append(now)
        elif joining:
            self.joined.setdefault(address, deque()).append(now)
        if len(self.failed) + len(self.joined) > 100_000:  # memory stays bounded
            for book, age in ((self.failed, self.window), (self.joined, 60.0)):
                for key in [k for k, v in book.items() if not v or v[-1] < now - age]:
                    del book[key]

    def checking(self, address: str) -> contextlib.AbstractAsyncContextManager[None]:
        """Code checks from one address run one at a time (parallel guesses wait)."""
        return self._locks.hold(address)


async def _check_code(request: Request, code: str, joining: bool) -> Response | BoardRow:
    """The board of ``code``, or the error to answer; counts misses against the address."""
    throttle: JoinThrottle = request.app.state.join_throttle
    address = request.client.host if request.client else "?"
    if not is_join_code(code):  # a malformed code tells a guesser nothing: not counted
        return error_response("not_found", "no board has this join code")
    async with throttle.checking(address):
        refusal = throttle.refusal(address, joining)
        if refusal is not None:
            response = error_response("rate_limited", refusal[0])
            response.headers["retry-after"] = str(refusal[1])
            return response
        throttle.pending += 1
        try:
            board = await _hub(request).storage.board_by_code(code)
        finally:
            throttle.pending -= 1
        throttle.record(address, found=board is not None, joining=joining)
    if board is None:
        return error_response("not_found", "no board has this join code")
    return board


async def join_board(request: Request) -> Response:
    try:
        body = await _json_body(request)
        raw_code = body.get("join_code")
        if not isinstance(raw_code, str):
            raise games.Rejection("bad_request", "'join_code' must be a string")
        checked = await _check_code(request, normalize_join_code(raw_code), joining=True)
        if isinstance(checked, Response):
            return checked
        joined = await _hub(request).join(checked.join_code, body.get("name"))
    except games.Rejection as rejection:
        return error_response(rejection.code, rejection.message)
    return JSONResponse(joined, status_code=201)


async def code_info(request: Request) -> Response:
    """What a join form shows before one joins: the board's title and whether it is open."""
    code = normalize_join_code(request.path_params["code"])
    checked = await _check_code(request, code, joining=False)
    if isinstance(checked, Response):
        return checked
    room = await _hub(request).room(checked.id)
    if room is None:
        return error_response("not_found", "no board has this join code")
    return JSONResponse(
        {"board_id": room.board_id, "title": room.state.title, "closed": room.state.closed}
    )


async def list_games(request: Request) -> Response:
    catalog: dict[str, games.Game] = _hub(request).catalog
    return JSONResponse(
        [
            {
                "id": g.id,
                "title": g.title,
                "phases": [
                    {"id": p.id, "kind": p.kind.value, "type": p.type, "title": p.title}
                    for p in g.phases
                ],
            }
            for g in catalog.values()
        ]
    )


async def export_board(request: Request) -> Response:
    board_id, fmt = request.path_params["board_id"], request.path_params["fmt"]
    if fmt not in exports.FORMATS:
        return error_response("not_found", f"no export format {fmt[:20]!r}")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return error_response("unauthorized", "send Authorization: Bearer <token>")
    room = await _hub(request).room(board_id) if len(board_id) <= 64 else None
    grant = await _hub(request).grant(room, token.strip()) if room is not None else None
    if room is None or grant is None:
        return error_response("unauthorized", "unknown board or wrong token")
    if grant.role != "facilitator" and not room.state.closed:
        return error_response("forbidden", "results are shared once the board is closed")
    query = request.query_params
    try:  # a CSV's separator and decimal mark (docs/exports.md); other formats take none
        csv = exports.csv_options(
            query.get("sep") if fmt == "csv" else None,
            query.get("decimal") if fmt == "csv" else None,
            room.state.language,
        )
    except ValueError as error:
        return error_response("invalid", str(error))
    made = exports.export(room.state, fmt, viewer_id=grant.participant_id, csv=csv)
    return Response(
        made.body,
        media_type=made.media_type,
        headers={
            "content-disposition": made.content_disposition,
            "cache-control": "no-store",
        },
    )


async def healthz(request: Request) -> Response:
    """Up, and able to keep what it acknowledges (503 once the database file is gone)."""
    hub = _hub(request)
    try:
        hub.storage.check()
    except StorageUnavailable as fault:
        body = {"ok": False, "error": "unavailable", "message": str(fault)}
        return JSONResponse({**body, "boards_live": len(hub.rooms)}, status_code=503)
    # issue-13: how this process hears of the others (fan-out, or polling the log)
    return JSONResponse({"ok": True, "boards_live": len(hub.rooms), "sync": hub.sync_status()})


routes = [
    Route("/api/boards", create_board, methods=["POST"]),
    Route("/api/join", join_board, methods=["POST"]),
    Route("/api/codes/{code}", code_info, methods=["GET"]),
    Route("/api/games", list_games, methods=["GET"]),
    Route("/api/boards/{board_id}/export.{fmt}", export_board, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
]
