"""The WebSocket endpoint ``/ws/{board_id}``: decode, authorize, hand over, nothing more.

Errors come in three tiers: a rule or a frame broken -> an error frame, socket stays
open; the protocol broken (no hello, bad token, a frame over the size limit) -> an error
frame and a close with a policy code; anything unexpected -> logged, close 1011.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from starlette.websockets import WebSocketDisconnect

from gamestorm import games
from gamestorm.games.commands import parse_command

from .config import Settings
from .connection import (
    CLOSE_INTERNAL,
    CLOSE_NOT_YET,
    CLOSE_POLICY,
    CLOSE_TOO_BIG,
    CLOSE_TOO_MANY,
    Connection,
)
from .hub import Hub
from .room import Job, Room
from .storage import StorageUnavailable
from .wire import decode_object, encode, error_frame

log = logging.getLogger("gamestorm.ws")

CID_MAX = 128
#: The name a welcome gives a read-only socket (no participant behind it).
READ_ONLY_NAMES = {"projector": "Projector", "viewer": "Viewer"}


class _Closed(Exception):
    """The peer disconnected."""


async def board_socket(websocket: Any) -> None:
    hub: Hub = websocket.app.state.hub
    settings: Settings = websocket.app.state.settings
    board_id = websocket.path_params["board_id"]
    await websocket.accept()
    conn = Connection(
        websocket,
        outbox_limit=settings.outbox_limit,
        outbox_bytes=settings.outbox_bytes,
        stall_seconds=settings.stall_seconds,
        rate=settings.commands_per_second,
        burst=settings.command_burst,
    )
    room: Room | None = None
    try:
        room = await _greet(websocket, hub, settings, board_id, conn)
        if room is None:
            return
        await _serve(websocket, settings, room, conn)
    except _Closed:
        pass
    except Exception:
        log.exception("board %s: connection failed", board_id)
        conn.close(CLOSE_INTERNAL, "internal error")
        if room is None:
            await _close_now(websocket, CLOSE_INTERNAL)
    finally:
        if room is not None:
            room.detach(conn)
        await conn.stop()


async def _greet(
    websocket: Any, hub: Hub, settings: Settings, board_id: str, conn: Connection
) -> Room | None:
    """Read the hello, check the token, send the welcome; None if the client was refused."""
    try:
        text = await asyncio.wait_for(_receive_text(websocket, settings), settings.hello_timeout)
        frame = decode_object(text)
    except TimeoutError:
        await _refuse(websocket, "bad_request", "send hello first", CLOSE_POLICY)
        return None
    except games.Rejection as rejection:
        await _refuse(
            websocket,
            rejection.code,
            rejection.message,
            CLOSE_TOO_BIG if rejection.code == "too_large" else CLOSE_POLICY,
        )
        return None
    if frame.get("type") != "hello":
        await _refuse(websocket, "bad_request", "the first frame must be a hello", CLOSE_POLICY)
        return None
    token, since = frame.get("token"), frame.get("since")
    if since is not None and (not isinstance(since, int) or isinstance(since, bool) or since < 0):
        await _refuse(
            websocket, "bad_request", "'since' must be a seq (0 or more) or null", CLOSE_POLICY
        )
        return None
    room = await hub.room(board_id) if isinstance(token, str) and len(board_id) <= 64 else None
    grant = await hub.grant(room, token) if room is not None and isinstance(token, str) else None
    if room is None or grant is None:
        await _refuse(websocket, "unauthorized", "unknown board or wrong token", CLOSE_POLICY)
        return None
    if grant.role == "viewer" and not room.state.closed:
        # A share link shows results, and there are none before close: the live board
        # (notes, names) is for the people in the workshop, not for everyone with the link.
        await _refuse(
            websocket,
            "forbidden",
            "results are shared once the board is closed",
            CLOSE_NOT_YET,
            reason="not_closed",
        )
        return None
    if sum(1 for c in room.clients if c.grant_hash == grant.hash) >= settings.sockets_per_token:
        await _refuse(
            websocket,
            "rate_limited",
            f"this token already has {settings.sockets_per_token} connections open; "
            "close one (another tab or device) and try again",
            CLOSE_TOO_MANY,
            reason="too_many_connections",
        )
        return None
    conn.viewer_id, conn.role = grant.participant_id, grant.role
    conn.bucket = room.buckets.setdefault(grant.participant_id, conn.bucket)
    conn.grant_hash = grant.hash
    participant = room.state.participants.get(grant.participant_id)
    conn.name = participant.name if participant else READ_ONLY_NAMES.get(grant.role, "Projector")
    room.attach(conn, since)
    conn.start()
    return room


async def _serve(websocket: Any, settings: Settings, room: Room, conn: Connection) -> None:
    actor = games.Actor(conn.viewer_id, conn.role)
    while not conn.closing:
        cid: str | None = None
        try:
            text = await _receive_text(websocket, settings)
            allowed = conn.allow_command()
            frame = decode_object(text)
            raw_cid = frame.get("cid")
            if isinstance(raw_cid, str) and 0 < len(raw_cid) <= CID_MAX:
                cid = raw_cid
            if not allowed:  # after reading the cid, so the sender knows what to resend
                raise games.Rejection("rate_limited", "too many frames; slow down")
            kind = frame.get("type")
            if kind == "hello":
                # each one queued a whole welcome: a client that sent hellos and never
                # read made the server hold hundreds of snapshots. To resync, reconnect.
                raise games.Rejection(
                    "bad_request", "hello was already said on this socket; reconnect with since"
                )
            if kind == "ping":
                _pong(conn, cid)
                continue
            if kind == "typing":
                _typing(room, conn, frame)
                continue
            if cid is None:
                raise games.Rejection(
                    "bad_request", f"'cid' must be a string of 1 to {CID_MAX} characters"
                )
            command = parse_command(frame)
            try:
                room.storage.check()  # a stat: the database file is still there
            except StorageUnavailable:  # nothing could be kept: never acked
                raise games.Rejection(
                    "unavailable", "the server cannot save right now; nothing was changed"
                ) from None
            if not room.submit(Job(command, actor, client=conn, cid=cid)):
                raise games.Rejection("rate_limited", "the board is busy; try again")
        except games.Rejection as rejection:
            conn.send(error_frame(rejection, cid))
            if rejection.code == "too_large":
                conn.close(CLOSE_TOO_BIG, "frame too large", flush=True)


def _pong(conn: Connection, cid: str | None) -> None:
    """The heartbeat: answer at once, so a client can tell a quiet board from a dead link."""
    frame: dict[str, Any] = {"type": "pong", "server_time": time.time()}
    if cid is not None:
        frame["cid"] = cid
    conn.send(encode(frame))


def _typing(room: Room, conn: Connection, frame: dict[str, Any]) -> None:
    """A participant's draft became non-empty or empty: only a count reaches anyone."""
    typing = frame.get("typing")
    if not isinstance(typing, bool):
        raise games.Rejection("bad_request", "'typing' must be true or false")
    if conn.role != "participant" or conn.typing == typing:
        return
    conn.typing = typing
    room.typing_changed()


async def _receive_text(websocket: Any, settings: Settings) -> str:
    """The next text frame; binary or oversized frames are Rejections, a close is _Closed."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise _Closed
    text = message.get("text")
    if text is None:
        data = message.get("bytes") or b""
        if len(data) > settings.max_frame_bytes:
            raise games.Rejection(
                "too_large", f"frames are at most {settings.max_frame_bytes} bytes"
            )
        raise games.Rejection("bad_request", "binary frames are not part of the protocol")
    if len(text) > settings.max_frame_bytes // 4 and (
        len(text.encode("utf-8", "surrogatepass")) > settings.max_frame_bytes
    ):
        raise games.Rejection("too_large", f"frames are at most {settings.max_frame_bytes} bytes")
    return str(text)


async def _refuse(websocket: Any, code: str, message: str, close_code: int, **details: str) -> None:
    try:
        await websocket.send_text(
            encode({"type": "error", "cid": None, "code": code, "message": message, **details})
        )
    except (RuntimeError, OSError, WebSocketDisconnect):  # the peer is already gone
        return
    await _close_now(websocket, close_code)


async def _close_now(websocket: Any, code: int) -> None:
    try:
        await websocket.close(code)
    except (RuntimeError, OSError, WebSocketDisconnect):  # already closed by the peer
        pass
