"""The HTTP routes of the wire contract: create, join, games, exports, health.

Every failure is JSON ``{"error": code, "message": ...}`` with a 4xx status; bad input
never reaches a 500.
"""

from __future__ import annotations

import hmac
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
from .tokens import hash_token, is_join_code, normalize_join_code
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


async def create_board(request: Request) -> Response:
    try:
        options = await _json_body(request)
        created = await _hub(request).create_board(options)
    except games.Rejection as rejection:
        return error_response(rejection.code, rejection.message)
    board_id, code = created["board_id"], created["join_code"]
    created["urls"] = {
        "facilitate": f"/facilitate/{board_id}#token={created['facilitator_token']}",
        "join": f"/join/{code}",
        "project": f"/project/{board_id}#token={created['projector_token']}",
        "results": f"/results/{board_id}",
    }
    return JSONResponse(created, status_code=201)


class JoinThrottle:
    """Join attempts per client address in a sliding minute: codes cannot be guessed."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.seen: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        stamps = self.seen.setdefault(address, deque())
        while stamps and stamps[0] < now - 60:
            stamps.popleft()
        if len(stamps) >= self.per_minute:
            return False
        stamps.append(now)
        if len(self.seen) > 100_000:  # forget idle addresses; memory stays bounded
            for key in [k for k, v in self.seen.items() if not v or v[-1] < now - 60]:
                del self.seen[key]
        return True


async def join_board(request: Request) -> Response:
    throttle: JoinThrottle = request.app.state.join_throttle
    address = request.client.host if request.client else "?"
    if not throttle.allow(address):
        return error_response("rate_limited", "too many join attempts; wait a minute")
    try:
        body = await _json_body(request)
        raw_code = body.get("join_code")
        if not isinstance(raw_code, str):
            raise games.Rejection("bad_request", "'join_code' must be a string")
        code = normalize_join_code(raw_code)
        if not is_join_code(code):
            raise games.Rejection("not_found", "no board has this join code")
        joined = await _hub(request).join(code, body.get("name"))
    except games.Rejection as rejection:
        return error_response(rejection.code, rejection.message)
    return JSONResponse(joined, status_code=201)


async def code_info(request: Request) -> Response:
    """What a join form shows before one joins: the board's title and whether it is open."""
    code = normalize_join_code(request.path_params["code"])
    board = await _hub(request).storage.board_by_code(code) if is_join_code(code) else None
    room = await _hub(request).room(board.id) if board is not None else None
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
    hashed = hash_token(token.strip())
    grant = room.grants.get(hashed) if room is not None else None
    if room is None or grant is None or not hmac.compare_digest(grant.hash, hashed):
        return error_response("unauthorized", "unknown board or wrong token")
    if grant.role != "facilitator" and not room.state.closed:
        return error_response("forbidden", "results are shared once the board is closed")
    body, media_type = exports.render(room.state, fmt, viewer_id=grant.participant_id)
    filename = f"gamestorm-{board_id}.{fmt}"
    return Response(
        body,
        media_type=media_type,
        headers={
            "content-disposition": f'inline; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


async def healthz(request: Request) -> Response:
    return JSONResponse({"ok": True, "boards_live": len(_hub(request).rooms)})


routes = [
    Route("/api/boards", create_board, methods=["POST"]),
    Route("/api/join", join_board, methods=["POST"]),
    Route("/api/codes/{code}", code_info, methods=["GET"]),
    Route("/api/games", list_games, methods=["GET"]),
    Route("/api/boards/{board_id}/export.{fmt}", export_board, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
]
