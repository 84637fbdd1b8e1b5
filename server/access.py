"""Who else may run or read a board: facilitator invites, signing out devices, share links.

- A facilitator invites another device (a second laptop, a co-facilitator): a one-time
  code, valid ``Settings.invite_seconds``, redeemed for a NEW facilitator token. Invites
  are stored in the database, hashed (a backup holds no usable code), so the redeem may
  reach any server process; the redeem is one conditional UPDATE, so one redeemer wins
  even across processes. The tokens they are redeemed for are stored like every other.
- "Sign out other devices" revokes every facilitator token of the board except the
  caller's (and drops the board's open invites); sockets of revoked tokens get an
  ``unauthorized`` error frame and close 4001.
- A share link carries a read-only ``viewer`` token: the results once the board is
  closed (exports as a participant who wrote nothing sees them, the WebSocket like a
  projector); before close nothing (server/ws_endpoint.py refuses the hello, 4003).
  Withdrawing the share revokes every viewer token.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gamestorm import games

from .config import Settings
from .http_api import STATUS, _json_body, public_base
from .hub import Hub
from .invites import Invite
from .pages import qr_svg
from .room import Room
from .storage import Storage, TokenGrant
from .tokens import JOIN_ALPHABET, hash_token, new_id, new_token

INVITE_CODE_LENGTH = 10  # 31**10 ~ 2**49; with the failure throttle, not guessable in 15 minutes
#: Open invites per board at most (each click makes one; old ones stay valid until used).
INVITES_PER_BOARD = 20
VIEWER = "viewer"
FACILITATOR = "facilitator"


def new_invite_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


def normalize_invite_code(raw: str) -> str:
    """What a person typed: any case, with spaces or dashes (the console shows ABCDE-FGHJK)."""
    return raw.upper().replace(" ", "").replace("-", "")


class InviteBook:
    """Open facilitator invites, by the hash of their code, in the database: a redeem
    may reach another server process than the one that made the invite."""

    def __init__(self, storage: Storage, valid_for: float) -> None:
        self.storage = storage
        self.valid_for = valid_for

    async def create(self, board_id: str, now: float) -> tuple[str, Invite]:
        code = new_invite_code()
        invite = Invite(board_id, now + self.valid_for)
        await self.storage.add_invite(
            hash_token(code), board_id, invite.expires_at, now, keep=INVITES_PER_BOARD
        )
        return code, invite

    async def take(self, board_id: str | None, code: str, now: float) -> tuple[str, str | None]:
        """Use up ``code``: its status (``ok`` only once per code) and its board."""
        return await self.storage.take_invite(hash_token(code), board_id, now)

    async def drop_board(self, board_id: str) -> None:
        await self.storage.drop_invites(board_id)


class FailureThrottle:
    """Failed attempts per client address in a sliding minute; successes cost nothing."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.seen: dict[str, deque[float]] = {}

    def blocked(self, address: str) -> bool:
        stamps = self.seen.get(address)
        if not stamps:
            return False
        now = time.monotonic()
        while stamps and stamps[0] < now - 60:
            stamps.popleft()
        return len(stamps) >= self.per_minute

    def failed(self, address: str) -> None:
        now = time.monotonic()
        self.seen.setdefault(address, deque()).append(now)
        if len(self.seen) > 100_000:  # forget idle addresses; memory stays bounded
            for key in [k for k, v in self.seen.items() if not v or v[-1] < now - 60]:
                del self.seen[key]


class Access:
    """What app.state keeps for this module."""

    def __init__(self, settings: Settings, storage: Storage) -> None:
        self.invites = InviteBook(storage, settings.invite_seconds)
        self.failures = FailureThrottle(settings.invite_failures_per_minute)


# -- helpers ------------------------------------------------------------------------------


def _error(rejection: games.Rejection) -> JSONResponse:
    return JSONResponse(
        {**rejection.details, "error": rejection.code, "message": rejection.message},
        status_code=STATUS.get(rejection.code, 400),
    )


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


def _access(request: Request) -> Access:
    access: Access = request.app.state.access
    return access


async def _caller(request: Request, role: str) -> tuple[Room, TokenGrant]:
    """The board and the grant of the bearer token, which must be of ``role``."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise games.Rejection("unauthorized", "send Authorization: Bearer <token>")
    board_id = request.path_params["board_id"]
    room = await _hub(request).room(board_id) if len(board_id) <= 64 else None
    grant = await _hub(request).grant(room, token.strip()) if room is not None else None
    if room is None or grant is None:
        raise games.Rejection("unauthorized", "unknown board or wrong token")
    if grant.role != role:
        raise games.Rejection("forbidden", f"only the {role} may do this")
    return room, grant


async def _issue(room: Room, *grants: TokenGrant, request: Request) -> None:
    """Store new tokens first, then let the room know them (a reload reads storage)."""
    await _hub(request).storage.add_grants(list(grants))
    for grant in grants:
        room.grants[grant.hash] = grant


async def revoke(room: Room, hashes: list[str], hub: Hub, message: str, reason: str) -> int:
    """Delete tokens from storage and the room; close their sockets (4001, signed out)."""
    if not hashes:
        return 0
    await hub.storage.delete_grants(hashes)
    await room.revoke(hashes, message, reason)  # issue-13: here and on other processes
    return len(set(hashes))


# -- routes -------------------------------------------------------------------------------


async def create_invite(request: Request) -> Response:
    try:
        room, _grant = await _caller(request, FACILITATOR)
    except games.Rejection as rejection:
        return _error(rejection)
    code, invite = await _access(request).invites.create(room.board_id, time.time())
    url = f"/takeover/{quote(room.board_id)}#invite={code}"
    absolute = public_base(request) + url  # the other device may be a phone on the network
    return JSONResponse(
        {
            "code": code,
            "url": url,
            "expires_at": invite.expires_at,
            "qr_svg": qr_svg(absolute),
        },
        status_code=201,
    )


async def redeem_invite(request: Request) -> Response:
    """The link's redeem: the board is in the path (``/takeover/{board}#invite=``)."""
    return await _redeem(request, request.path_params["board_id"])


async def redeem_typed_invite(request: Request) -> Response:
    """A code typed by hand on the start page: the code alone names its board."""
    return await _redeem(request, None)


async def _redeem(request: Request, path_board: str | None) -> Response:
    access = _access(request)
    address = request.client.host if request.client else "?"
    if access.failures.blocked(address):
        return _error(games.Rejection("rate_limited", "too many wrong invite codes; wait a minute"))
    try:
        body = await _json_body(request)
        raw = body.get("code")
        if not isinstance(raw, str):
            raise games.Rejection("bad_request", "'code' must be a string")
        code = normalize_invite_code(raw)
        status, board_id = (
            await access.invites.take(path_board, code, time.time())
            if len(code) == INVITE_CODE_LENGTH
            else ("unknown", None)
        )
        if status == "unknown" or board_id is None:
            access.failures.failed(address)
            raise games.Rejection("not_found", "no such invite for this board")
        if status != "ok":
            access.failures.failed(address)
            message = {
                "used": "this invite was already used; ask for a new one",
                "expired": "this invite has expired; ask for a new one",
            }[status]
            raise games.Rejection("expired", message, reason=status)
        room = await _hub(request).room(board_id)
        if room is None:  # pragma: no cover - invites are made for live boards only
            raise games.Rejection("not_found", "no such board")
        token, projector_token = new_token(), new_token()
        await _issue(
            room,
            TokenGrant(hash_token(token), board_id, room.state.facilitator_id, FACILITATOR),
            TokenGrant(hash_token(projector_token), board_id, "projector-" + new_id(), "projector"),
            request=request,
        )
    except games.Rejection as rejection:
        return _error(rejection)
    # a projector token too: the new device can put the board on a screen as the lost
    # laptop could (only hashes of the first projector token are kept, so a new one)
    return JSONResponse(
        {
            "token": token,
            "board_id": board_id,
            "role": FACILITATOR,
            "projector_token": projector_token,
        },
        status_code=201,
    )


async def revoke_other_facilitators(request: Request) -> Response:
    try:
        room, grant = await _caller(request, FACILITATOR)
    except games.Rejection as rejection:
        return _error(rejection)
    others = [
        g.hash for g in room.grants.values() if g.role == FACILITATOR and g.hash != grant.hash
    ]
    await _access(request).invites.drop_board(room.board_id)
    revoked = await revoke(
        room,
        others,
        _hub(request),
        "this device was signed out by another facilitator device",
        "signed_out",
    )
    return JSONResponse({"revoked": revoked})


async def create_share(request: Request) -> Response:
    try:
        room, _grant = await _caller(request, FACILITATOR)
        token = new_token()
        await _issue(
            room,
            TokenGrant(hash_token(token), room.board_id, "viewer-" + new_id(), VIEWER),
            request=request,
        )
    except games.Rejection as rejection:
        return _error(rejection)
    url = f"/results/{quote(room.board_id)}#share={token}"
    return JSONResponse({"url": url, "token": token}, status_code=201)


async def revoke_share(request: Request) -> Response:
    try:
        room, _grant = await _caller(request, FACILITATOR)
    except games.Rejection as rejection:
        return _error(rejection)
    viewers = [g.hash for g in room.grants.values() if g.role == VIEWER]
    revoked = await revoke(
        room, viewers, _hub(request), "this share link was withdrawn", "share_withdrawn"
    )
    return JSONResponse({"revoked": revoked})


routes = [
    Route("/api/facilitator-invites/redeem", redeem_typed_invite, methods=["POST"]),
    Route("/api/boards/{board_id}/facilitator-invites", create_invite, methods=["POST"]),
    Route("/api/boards/{board_id}/facilitator-invites/redeem", redeem_invite, methods=["POST"]),
    Route(
        "/api/boards/{board_id}/facilitator-tokens/revoke-others",
        revoke_other_facilitators,
        methods=["POST"],
    ),
    Route("/api/boards/{board_id}/share", create_share, methods=["POST"]),
    Route("/api/boards/{board_id}/share", revoke_share, methods=["DELETE"]),
]
