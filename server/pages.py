"""The pages of the browser client: one HTML shell for every view, the static files of
``client/``, and the QR code that carries a board's join link.

The shell picks its view from the path (``/facilitate/...``, ``/board/...``, ...), so
every page route answers the same document. Tokens never reach the server in a page
request: they travel in the URL fragment, which browsers do not send.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import segno
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .http_api import public_base
from .links import is_loopback_host

CLIENT_DIR = Path(__file__).resolve().parent.parent / "client"

#: Join codes as the server makes them (server/tokens.py), read off a screen and typed in
#: any case; the QR route refuses anything else before building a URL from it.
JOIN_CODE = re.compile(r"[A-Za-z0-9]{4,12}")

#: The shell loads only its own scripts and styles; the WebSocket goes to the same host.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SHELL_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


#: What ``/static/`` serves: the client's own file types, nothing else that sits in
#: ``client/`` (its ``__init__.py``, editor backups, a stray ``.pyc``).
STATIC_SUFFIXES = frozenset({".js", ".css", ".html", ".svg", ".png", ".ico", ".webp", ".woff2"})


class ClientFiles(StaticFiles):
    """``client/`` under ``/static/``, revalidated on every load (no build step, no
    hashed file names), so a new release reaches phones at their next reload."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if Path(path).suffix.lower() not in STATIC_SUFFIXES:
            return "", None  # 404, as for a file that is not there
        return super().lookup_path(path)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def _shell_html() -> str:
    """index.html with a ``modulepreload`` link for every client module: without them the
    browser finds the modules one import level at a time, a round trip per level (on a
    throttled phone most of the first second)."""
    html = (CLIENT_DIR / "index.html").read_text(encoding="utf-8")
    modules = sorted((CLIENT_DIR / "js").rglob("*.js"))
    links = "".join(
        f'  <link rel="modulepreload" href="/static/{m.relative_to(CLIENT_DIR).as_posix()}">\n'
        for m in modules
    )
    main = '  <script type="module"'
    return html.replace(main, links + main, 1)


async def shell(request: Request) -> Response:
    """The one HTML document; client/js/main.js picks the view from the path."""
    return Response(_shell_html(), media_type="text/html; charset=utf-8", headers=SHELL_HEADERS)


def qr_svg(url: str) -> str:
    """``url`` as an SVG QR code, titled with the URL (what a screen reader says)."""
    qr = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    # omitsize: a viewBox instead of a fixed size, so the page's CSS decides how big
    qr.save(
        buffer,
        kind="svg",
        scale=8,
        border=2,
        dark="#000",
        light="#fff",
        title=url,
        xmldecl=False,
        omitsize=True,
    )
    return buffer.getvalue().decode("utf-8")


async def join_qr(request: Request) -> Response:
    """An SVG QR code of the absolute join link, for the console and the projector."""
    code = request.path_params["join_code"]
    if not JOIN_CODE.fullmatch(code):
        raise HTTPException(404, "not a join code")
    # the configured link (--public-url or the LAN address; on a loopback-only server the
    # loopback address the request came in on), never another Host header: a QR code
    # built from one could send a room elsewhere
    settings = request.app.state.settings
    base = public_base(request)
    if settings.public_url and not is_loopback_host(urlsplit(base).hostname or ""):
        base = settings.public_url
    url = f"{base}/join/{code.upper()}"
    return Response(
        qr_svg(url),
        media_type="image/svg+xml",
        headers={
            # not kept: the link inside changes when the server restarts with another address
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        },
    )


routes: list[BaseRoute] = [
    Route("/", shell, methods=["GET", "HEAD"]),
    Route("/join", shell, methods=["GET", "HEAD"]),
    Route("/join/{join_code}/qr.svg", join_qr, methods=["GET", "HEAD"]),
    Route("/join/{join_code}", shell, methods=["GET", "HEAD"]),
    Route("/facilitate/{board_id}", shell, methods=["GET", "HEAD"]),
    Route("/board/{board_id}", shell, methods=["GET", "HEAD"]),
    Route("/project/{board_id}", shell, methods=["GET", "HEAD"]),
    Route("/results/{board_id}", shell, methods=["GET", "HEAD"]),
    Route("/takeover", shell, methods=["GET", "HEAD"]),
    Route("/takeover/{board_id}", shell, methods=["GET", "HEAD"]),
    Mount("/static", app=ClientFiles(directory=CLIENT_DIR), name="static"),
]
