"""The HTTP routes of the contract: answers, error codes, never a 500 for bad input."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from support.live import LiveServer

CLIENT = Path(__file__).resolve().parents[2] / "client"


@pytest.fixture
async def http(live_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server.base_url) as client:
        yield client


async def test_create_board_answers_the_contract(http: httpx.AsyncClient) -> None:
    answer = await http.post("/api/boards", json={"title": "Kundentag", "prompt": "Ich will ___"})
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) >= {"board_id", "join_code", "facilitator_token", "urls"}
    # 6 characters, longer once a server holds many boards (docs/reliability.md)
    assert 6 <= len(body["join_code"]) <= 12 and body["join_code"].isalnum()
    assert not set(body["join_code"]) & set("0O1IL")
    assert len(body["facilitator_token"]) >= 32  # 192 bits, URL-safe base64
    assert set(body["urls"]) == {"facilitate", "join", "project", "results", "public"}
    assert body["join_url"].endswith(f"/join/{body['join_code']}")
    assert body["facilitator_token"] in body["urls"]["facilitate"]
    info = await http.get(f"/api/codes/{body['join_code'].lower()}")
    assert info.json() == {"board_id": body["board_id"], "title": "Kundentag", "closed": False}


BAD_BOARDS = [
    (b"{not json", 400, "bad_request"),
    (b"[]", 400, "bad_request"),
    (b'{"title": 5}', 400, "bad_request"),
    (b'{"title": "   "}', 422, "invalid"),
    (b'{"title": "t", "game": "chess"}', 422, "invalid"),
    (b'{"title": "t", "criteria": []}', 400, "bad_request"),
    (b'{"title": "t", "criteria": ["a", "a"]}', 422, "invalid"),
    (b'{"title": "t", "top_n": 0}', 422, "invalid"),
    (b'{"title": "t", "top_n": true}', 400, "bad_request"),
    (b'{"title": "t", "anonymous": "yes"}', 400, "bad_request"),
    (b'{"title": "' + b"x" * 70_000 + b'"}', 413, "too_large"),
]


@pytest.mark.parametrize(("body", "status", "code"), BAD_BOARDS)
async def test_bad_board_bodies_get_clear_errors(
    http: httpx.AsyncClient, body: bytes, status: int, code: str
) -> None:
    answer = await http.post(
        "/api/boards", content=body, headers={"content-type": "application/json"}
    )
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] == code and answer.json()["message"]


async def test_join_errors(http: httpx.AsyncClient) -> None:
    board = (await http.post("/api/boards", json={"title": "t"})).json()
    code = board["join_code"]
    cases = [
        ({"join_code": "ZZZZZZ", "name": "A"}, 404, "not_found"),
        ({"join_code": "no", "name": "A"}, 404, "not_found"),
        ({"join_code": 123456, "name": "A"}, 400, "bad_request"),
        ({"join_code": code, "name": ""}, 422, "invalid"),
        ({"join_code": code, "name": None}, 400, "bad_request"),
        ({"join_code": code, "name": "x" * 61}, 422, "invalid"),
    ]
    for body, status, error in cases:
        answer = await http.post("/api/join", json=body)
        assert (answer.status_code, answer.json()["error"]) == (status, error), body
    ok = await http.post(
        "/api/join", json={"join_code": f" {code[:3]}-{code[3:].lower()} ", "name": "  Anna  "}
    )
    assert ok.status_code == 201 and ok.json()["board_id"] == board["board_id"]


async def test_games_health_and_unknown_routes(http: httpx.AsyncClient) -> None:
    games = (await http.get("/api/games")).json()
    gamestorm = next(g for g in games if g["id"] == "gamestorm")
    assert [(p["id"], p["kind"]) for p in gamestorm["phases"]] == [
        ("ignite", "opening"),
        ("generate", "opening"),
        ("affinity", "exploring"),
        ("name", "closing"),
        ("rank", "closing"),
        ("close", "closing"),
    ]
    assert (await http.get("/healthz")).status_code == 200
    missing = await http.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong_method = await http.get("/api/boards")
    assert wrong_method.status_code == 405
    board = (await http.post("/api/boards", json={"title": "t"})).json()
    auth = {"Authorization": f"Bearer {board['facilitator_token']}"}
    assert (
        await http.get(f"/api/boards/{board['board_id']}/export.pdf", headers=auth)
    ).status_code == 404
    assert (await http.get("/api/boards/nope/export.json", headers=auth)).status_code == 401


async def test_the_shell_preloads_every_client_module(http: httpx.AsyncClient) -> None:
    """One modulepreload per module, so the browser fetches them in parallel, not one
    import level at a time; each preloaded path is served."""
    page = (await http.get("/board/x")).text
    preloaded = re.findall(r'<link rel="modulepreload" href="(/static/js/[^"]+)">', page)
    modules = {f"/static/{p.relative_to(CLIENT).as_posix()}" for p in CLIENT.rglob("js/**/*.js")}
    assert set(preloaded) == modules and len(preloaded) == len(modules)
    assert page.index("modulepreload") < page.index('<script type="module"')
    for path in preloaded[:3]:
        assert (await http.get(path)).status_code == 200
