"""The Starlette application: HTTP API, the board WebSocket, the pages of the client."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from . import access, http_api, pages
from .catalog import builtin_games
from .config import Settings
from .fanouts import make_fanout
from .hub import Hub
from .storage import UNREACHABLE, Storage, StorageUnavailable
from .ws_endpoint import board_socket

log = logging.getLogger("gamestorm")

#: The path of a board's socket, as the route ``/ws/{board_id}`` matches it.
BOARD_SOCKET = re.compile(r"/ws/([^/]+)")


def build_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    storage = Storage(settings.db_url)
    # in this process, or Redis between the processes serving the same boards
    fanout = make_fanout(settings.fanout_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await storage.open()
        await fanout.start()
        app.state.hub.start()
        if getattr(app.state, "freeze_startup_heap", False):
            # what is loaded by now (the modules, the app, the migrations) lives as long
            # as the process: a full collection need not walk its 120,000 objects again
            # (tens of ms of every gen-2 pause, felt by every socket of a busy board)
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            await app.state.hub.close()
            await fanout.close()
            await storage.close()

    app = Starlette(
        routes=[
            *http_api.routes,
            *access.routes,
            WebSocketRoute("/ws/{board_id}", board_socket),
            *pages.routes,
        ],
        lifespan=lifespan,
        exception_handlers={
            HTTPException: _http_error,
            StorageUnavailable: _storage_unavailable,
            Exception: _internal_error,
        },
    )
    app.state.settings = settings
    app.state.hub = Hub(storage, builtin_games(), settings, fanout=fanout)
    app.state.join_throttle = http_api.JoinThrottle(
        settings.failed_joins,
        settings.failed_joins_window,
        settings.joins_per_minute,
        settings.failed_lookups_per_minute,
    )
    app.state.creations = http_api.PerMinute(settings.boards_per_minute)
    app.state.access = access.Access(settings, storage)
    # a write the database refused (disk full, read-only): 503, try again later
    app.add_exception_handler(OperationalError, _write_refused)
    # the database server is down or restarting (PostgreSQL): 503, try again shortly
    for unreachable in UNREACHABLE:
        app.add_exception_handler(unreachable, _database_unreachable)
    return app


def sockets_direct(app: Starlette) -> ASGIApp:
    """``app``, but a board's socket goes straight to its endpoint, past Starlette's
    middleware stack and router: they would hold about 3.5 KB of coroutine frames for
    the whole life of every open socket (``python -m bench.conn_memory``), a sixth of
    what a connection costs. Everything else, other sockets included, is ``app``'s."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            match = BOARD_SOCKET.fullmatch(scope["path"])
            if match is not None:
                scope["app"] = app
                scope["path_params"] = {"board_id": match[1]}
                await board_socket(WebSocket(scope, receive, send))
                return
        await app(scope, receive, send)

    return asgi


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code = {
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "bad_request",
        413: "too_large",
    }.get(status, "bad_request")
    detail = exc.detail if isinstance(exc, HTTPException) else "error"
    return JSONResponse({"error": code, "message": str(detail)}, status_code=status)


async def _storage_unavailable(request: Request, exc: Exception) -> Response:
    """The database cannot keep anything (file deleted): say so, acknowledge nothing."""
    return JSONResponse({"error": "unavailable", "message": str(exc)}, status_code=503)


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return JSONResponse(
        {"error": "internal", "message": "unexpected server error"}, status_code=500
    )


async def _database_unreachable(request: Request, exc: Exception) -> Response:
    """The database server did not answer (restarting, down): nothing was kept."""
    log.error("the database is unreachable on %s: %r", request.url.path, exc)
    return JSONResponse(
        {"error": "unavailable", "message": "the database cannot be reached; try again soon"},
        status_code=503,
        headers={"Retry-After": "5"},
    )


async def _write_refused(request: Request, exc: Exception) -> Response:
    """SQLite said no (``database or disk is full``, ``attempt to write a readonly
    database``): nothing was kept; the request may be sent again once there is room."""
    log.error("a write failed on %s: %s", request.url.path, exc)
    message = "the server could not save this (its disk is full or read-only); try again later"
    return JSONResponse(
        {"error": "unavailable", "message": message},
        status_code=503,
        headers={"Retry-After": "30"},
    )
