"""Facilitator invites (the console on a second device), signing out other devices, and
read-only share links of the results: the routes of server/access.py on a real server."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gamestorm.server.invites import Invite, invite_status
from support.live import LiveServer
from support.scenario import Workshop, open_workshop
from support.wsclient import BoardClient

_addresses = itertools.count(1)


def address() -> str:
    """A caller address of its own (uvicorn takes X-Forwarded-For from loopback), so the
    redeem throttle of one test does not reach another on the shared server."""
    n = next(_addresses)
    return f"10.77.{n // 250}.{n % 250 + 1}"


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", **extra}


@pytest.fixture
async def http(live_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server.base_url) as client:
        yield client


async def invite(http: httpx.AsyncClient, board_id: str, token: str) -> dict[str, Any]:
    response = await http.post(f"/api/boards/{board_id}/facilitator-invites", headers=bearer(token))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def redeem(
    http: httpx.AsyncClient, board_id: str, code: str, at: str | None = None
) -> httpx.Response:
    return await http.post(
        f"/api/boards/{board_id}/facilitator-invites/redeem",
        json={"code": code},
        headers={"x-forwarded-for": at or address()},
    )


async def test_invite_redeems_once_for_a_facilitator_that_runs_the_board(
    live_server: LiveServer, http: httpx.AsyncClient
) -> None:
    w = await open_workshop(live_server, names=("Ann", "Ben"))
    try:
        made = await invite(http, w.board_id, w.tokens["facilitator"])
        assert set(made) == {"code", "url", "expires_at", "qr_svg"}
        assert made["url"] == f"/takeover/{w.board_id}#invite={made['code']}"
        assert len(made["code"]) == 10 and not set(made["code"]) & set("0O1IL")
        assert made["qr_svg"].lstrip().startswith("<svg") and "</svg>" in made["qr_svg"]

        # typed by hand: lower case, with the dash the console shows
        typed = f"{made['code'][:5].lower()}-{made['code'][5:].lower()}"
        got = await redeem(http, w.board_id, typed)
        assert got.status_code == 201, got.text
        body = got.json()
        assert body["board_id"] == w.board_id and body["role"] == "facilitator"
        assert body["token"] != w.tokens["facilitator"]
        beamer = await BoardClient.connect(live_server.ws_url, w.board_id, body["projector_token"])
        assert beamer.you["role"] == "projector"
        await beamer.close()

        again = await redeem(http, w.board_id, made["code"])
        assert again.status_code == 410
        assert again.json()["error"] == "expired" and again.json()["reason"] == "used"

        laptop_b = await BoardClient.connect(live_server.ws_url, w.board_id, body["token"])
        assert laptop_b.you["role"] == "facilitator"
        assert laptop_b.you["id"] == w.facilitator.you["id"]
        seq = await laptop_b.ok("phase.advance", **{"from": "ignite"})
        for participant in w.participants:
            await participant.wait_seq(seq)
            assert participant.state is not None and participant.state.phase.id == "generate"
        # the first device still works too, until someone signs it out
        await w.facilitator.ok("timer.set", seconds=60)
        await laptop_b.close()
    finally:
        await w.close()


async def test_a_code_typed_by_hand_needs_no_board_id(
    live_server: LiveServer, http: httpx.AsyncClient
) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    try:
        made = await invite(http, w.board_id, w.tokens["facilitator"])
        url = "/api/facilitator-invites/redeem"
        typed = await http.post(
            url,
            json={"code": f" {made['code'][:5]}-{made['code'][5:]} ".lower()},
            headers={"x-forwarded-for": address()},
        )
        assert typed.status_code == 201, typed.text
        assert typed.json()["board_id"] == w.board_id and typed.json()["role"] == "facilitator"
        used = await http.post(
            url, json={"code": made["code"]}, headers={"x-forwarded-for": address()}
        )
        assert (used.status_code, used.json()["reason"]) == (410, "used")
        wrong = await http.post(
            url, json={"code": "ABCDEFGHJK"}, headers={"x-forwarded-for": address()}
        )
        assert (wrong.status_code, wrong.json()["error"]) == (404, "not_found")
        client = await BoardClient.connect(live_server.ws_url, w.board_id, typed.json()["token"])
        assert client.you["role"] == "facilitator"
        await client.close()
    finally:
        await w.close()


async def test_wrong_codes_and_other_boards_are_refused_and_throttled(
    live_server: LiveServer, http: httpx.AsyncClient
) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    other = await open_workshop(live_server, names=("Zoe",))
    try:
        made = await invite(http, w.board_id, w.tokens["facilitator"])
        # a code of one board does not open another
        wrong_board = await redeem(http, other.board_id, made["code"])
        assert (wrong_board.status_code, wrong_board.json()["error"]) == (404, "not_found")
        for body in ({"code": 5}, {}):
            bad = await http.post(
                f"/api/boards/{w.board_id}/facilitator-invites/redeem",
                json=body,
                headers={"x-forwarded-for": address()},
            )
            assert (bad.status_code, bad.json()["error"]) == (400, "bad_request")
        guesser = address()
        answers = [(await redeem(http, w.board_id, "ABCDEFGHJK", guesser)) for _ in range(11)]
        assert [a.status_code for a in answers[:10]] == [404] * 10
        assert (answers[10].status_code, answers[10].json()["error"]) == (429, "rate_limited")
        # the throttled address cannot use even a good code; everyone else can
        assert (await redeem(http, w.board_id, made["code"], guesser)).status_code == 429
        assert (await redeem(http, w.board_id, made["code"])).status_code == 201
    finally:
        await w.close()
        await other.close()


async def test_only_the_facilitator_makes_invites_and_share_links(
    live_server: LiveServer, http: httpx.AsyncClient
) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    projector = w.board["projector_token"]
    try:
        for path in ("facilitator-invites", "facilitator-tokens/revoke-others", "share"):
            url = f"/api/boards/{w.board_id}/{path}"
            for token in (w.tokens["Ann"], projector):
                refused = await http.post(url, headers=bearer(token))
                assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
            nobody = await http.post(url)
            assert (nobody.status_code, nobody.json()["error"]) == (401, "unauthorized")
            stranger = await http.post(url, headers=bearer("not-a-token"))
            assert stranger.status_code == 401
        revoke = await http.delete(
            f"/api/boards/{w.board_id}/share", headers=bearer(w.tokens["Ann"])
        )
        assert revoke.status_code == 403
        unknown = await http.post("/api/boards/nope/share", headers=bearer(w.tokens["facilitator"]))
        assert unknown.status_code == 401
    finally:
        await w.close()


async def test_sign_out_other_devices_closes_their_sockets_and_kills_their_tokens(
    live_server: LiveServer, http: httpx.AsyncClient
) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    laptop_a = w.facilitator
    try:
        made = await invite(http, w.board_id, w.tokens["facilitator"])
        stale = await invite(http, w.board_id, w.tokens["facilitator"])  # never redeemed
        token_b = (await redeem(http, w.board_id, made["code"])).json()["token"]
        laptop_b = await BoardClient.connect(live_server.ws_url, w.board_id, token_b)

        answer = await http.post(
            f"/api/boards/{w.board_id}/facilitator-tokens/revoke-others", headers=bearer(token_b)
        )
        assert answer.status_code == 200 and answer.json() == {"revoked": 1}

        await laptop_a.wait_for(lambda c: c.closed is not None)
        assert laptop_a.closed == 4001
        signed_out = [f for f in laptop_a.frames if f.get("type") == "error"]
        assert signed_out[-1]["code"] == "unauthorized"
        assert signed_out[-1]["reason"] == "signed_out"
        # the old token is gone: the WebSocket and the exports refuse it
        again = await BoardClient.connect(live_server.ws_url, w.board_id, w.tokens["facilitator"])
        assert again.welcome is None and again.frames[0]["code"] == "unauthorized"
        export = await http.get(
            f"/api/boards/{w.board_id}/export.json", headers=bearer(w.tokens["facilitator"])
        )
        assert export.status_code == 401
        # invites made before the sign-out are void, so the lost laptop's invite cannot
        # bring it back
        assert (await redeem(http, w.board_id, stale["code"])).status_code == 404
        # the participant and the new device go on
        seq = await laptop_b.ok("phase.advance", **{"from": "ignite"})
        await w.participants[0].wait_seq(seq)
        assert laptop_b.closed is None
        again_answer = await http.post(
            f"/api/boards/{w.board_id}/facilitator-tokens/revoke-others", headers=bearer(token_b)
        )
        assert again_answer.json() == {"revoked": 0}
        await laptop_b.close()
        await again.close()
    finally:
        await w.close()


async def close_board(w: Workshop) -> None:
    ann = w.participants[0]
    await w.advance("ignite")
    await ann.ok("note.create", note_id="n1", text="Ann's private idea")
    await w.advance("generate")
    await ann.ok("column.create", column_id="c1")
    await ann.ok("note.move", note_id="n1", column_id="c1", index=0)
    await w.advance("affinity")
    await w.pass_name()
    await ann.ok("ranking.submit", criterion="impact", order=["c1"])
    await w.advance("rank")


async def test_share_link_reads_results_after_close_only_and_can_be_withdrawn(
    live_server: LiveServer, http: httpx.AsyncClient
) -> None:
    w = await open_workshop(live_server, names=("Ann",), criteria=["impact"], top_n=1)
    fac = w.tokens["facilitator"]
    try:
        made = await http.post(f"/api/boards/{w.board_id}/share", headers=bearer(fac))
        assert made.status_code == 201, made.text
        share = made.json()
        assert share["url"] == f"/results/{w.board_id}#share={share['token']}"
        token = share["token"]
        export_url = f"/api/boards/{w.board_id}/export.json"
        early = await http.get(export_url, headers=bearer(token))
        assert (early.status_code, early.json()["error"]) == (403, "forbidden")

        def presence(c: BoardClient) -> list[dict[str, Any]]:
            return [f for f in c.frames if f.get("type") == "presence"]

        # before close a share link sees nothing of the live board: refused, "not yet"
        early_ws = await BoardClient.connect(live_server.ws_url, w.board_id, token)
        assert early_ws.welcome is None
        assert early_ws.frames[0]["code"] == "forbidden"
        assert early_ws.frames[0]["reason"] == "not_closed"
        await early_ws.wait_for(lambda c: c.closed is not None)
        assert early_ws.closed == 4003
        await early_ws.close()

        await close_board(w)
        seen = len(presence(w.facilitator))
        viewer = await BoardClient.connect(live_server.ws_url, w.board_id, token)
        assert viewer.you["role"] == "viewer" and viewer.you["name"] == "Viewer"
        # the presence after the viewer came: a viewer is not counted as a person online
        await w.facilitator.wait_for(lambda c: len(presence(c)) > seen)
        assert presence(w.facilitator)[-1]["online"] == 2  # the facilitator and Ann
        for command, args in (
            ("phase.advance", {"from": "close"}),
            ("timer.set", {"seconds": 5}),
            ("followup.set", {"column_id": "c1", "owner": "me"}),
        ):
            reply = await viewer.command(command, **args)
            assert (reply["type"], reply["code"]) == ("error", "forbidden"), reply

        assert viewer.state is not None and viewer.state.closed
        late = await http.get(export_url, headers=bearer(token))
        assert late.status_code == 200
        report = late.json()
        facilitator_report = (await http.get(export_url, headers=bearer(fac))).json()
        projector_report = (
            await http.get(export_url, headers=bearer(w.board["projector_token"]))
        ).json()
        assert report == projector_report  # what a participant who wrote nothing sees
        assert [c["column_id"] for c in report["candidates"]] == [
            c["column_id"] for c in facilitator_report["candidates"]
        ]

        second = (await http.post(f"/api/boards/{w.board_id}/share", headers=bearer(fac))).json()
        withdrawn = await http.delete(f"/api/boards/{w.board_id}/share", headers=bearer(fac))
        assert withdrawn.status_code == 200 and withdrawn.json() == {"revoked": 2}
        await viewer.wait_for(lambda c: c.closed is not None)
        assert viewer.closed == 4001
        assert [f for f in viewer.frames if f.get("type") == "error"][-1]["reason"] == (
            "share_withdrawn"
        )
        for old in (token, second["token"]):
            refused = await http.get(export_url, headers=bearer(old))
            assert refused.status_code == 401
            ws = await BoardClient.connect(live_server.ws_url, w.board_id, old)
            assert ws.welcome is None and ws.frames[0]["code"] == "unauthorized"
            await ws.close()
        # the facilitator, participants and projector keep their access
        assert (await http.get(export_url, headers=bearer(w.tokens["Ann"]))).status_code == 200
    finally:
        await w.close()


@pytest.fixture
def short_invites(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "gamestorm.db", env={"GAMESTORM_INVITE_SECONDS": "0.5"}).start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text()


async def test_expired_invites_fail_and_issued_tokens_survive_a_restart(
    short_invites: LiveServer,
) -> None:
    import asyncio

    w = await open_workshop(short_invites, names=("Ann",))
    async with httpx.AsyncClient(base_url=short_invites.base_url) as http:
        made = await invite(http, w.board_id, w.tokens["facilitator"])
        await asyncio.sleep(0.7)
        late = await redeem(http, w.board_id, made["code"])
        assert late.status_code == 410
        assert late.json()["error"] == "expired" and late.json()["reason"] == "expired"
        fresh = await invite(http, w.board_id, w.tokens["facilitator"])
        token_b = (await redeem(http, w.board_id, fresh["code"])).json()["token"]
        share = (
            await http.post(
                f"/api/boards/{w.board_id}/share", headers=bearer(w.tokens["facilitator"])
            )
        ).json()["token"]
        await w.close()

    short_invites.restart()

    laptop_b = await BoardClient.connect(short_invites.ws_url, w.board_id, token_b)
    assert laptop_b.you["role"] == "facilitator"
    await laptop_b.ok("phase.advance", **{"from": "ignite"})
    viewer = await BoardClient.connect(short_invites.ws_url, w.board_id, share)
    # the share token is still known (before close it is told "not yet", not "unauthorized")
    assert viewer.welcome is None and viewer.frames[0]["reason"] == "not_closed"
    # revoking survives a restart too: the signed-out laptop stays out
    async with httpx.AsyncClient(base_url=short_invites.base_url) as http:
        answer = await http.post(
            f"/api/boards/{w.board_id}/facilitator-tokens/revoke-others", headers=bearer(token_b)
        )
        assert answer.json() == {"revoked": 1}
    await laptop_b.close()
    await viewer.close()
    short_invites.restart()
    old = await BoardClient.connect(short_invites.ws_url, w.board_id, w.tokens["facilitator"])
    assert old.welcome is None and old.frames[0]["code"] == "unauthorized"
    await old.close()


def test_invite_status_is_a_pure_function_of_the_clock() -> None:
    invite = Invite("b1", expires_at=100.0)
    assert invite_status(invite, "b1", 99.9) == "ok"
    assert invite_status(invite, "b1", 100.0) == "expired"
    assert invite_status(invite, "b2", 50.0) == "unknown"
    assert invite_status(None, "b1", 50.0) == "unknown"
    invite.used = True
    assert invite_status(invite, "b1", 50.0) == "used"
    # the book itself is in the database now: tests/storage/test_invites.py
