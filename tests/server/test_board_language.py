"""A board's language and time zone over the real server: create options, the snapshot,
the HTTP export, and ``gamestorm export --language``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_cli_export import gamestorm

from support.live import LiveServer
from support.scenario import open_workshop
from support.wsclient import BoardClient, create_board


async def snapshot_board(server: LiveServer, board_id: str, token: str) -> dict[str, Any]:
    """The ``board`` of the snapshot a client gets when it connects without ``since``."""
    client = await BoardClient.connect(server.ws_url, board_id, token, since=None)
    try:
        assert client.welcome is not None and "state" in client.welcome, client.welcome
        return dict(client.welcome["state"]["board"])
    finally:
        await client.close()


async def test_the_options_reach_the_snapshot_and_default_to_english_utc(
    live_server: LiveServer,
) -> None:
    w = await open_workshop(
        live_server, names=("Ann",), language="de", timezone="America/Argentina/Buenos_Aires"
    )
    try:
        for token in w.tokens.values():
            board = await snapshot_board(live_server, w.board_id, token)
            assert board["language"] == "de"
            assert board["timezone"] == "America/Argentina/Buenos_Aires"
        created = next(e for e in w.facilitator.events if e["kind"] == "board.created")
        assert (created["language"], created["timezone"]) == (
            "de",
            "America/Argentina/Buenos_Aires",
        )
    finally:
        await w.close()
    plain = await create_board(live_server.base_url)
    board = await snapshot_board(live_server, plain["board_id"], plain["facilitator_token"])
    assert (board["language"], board["timezone"]) == ("en", "UTC")


@pytest.mark.parametrize(
    ("options", "status", "code"),
    [
        ({"language": "fr"}, 422, "invalid"),
        ({"language": None}, 400, "bad_request"),
        ({"timezone": "Berlin"}, 422, "invalid"),
        ({"timezone": "Europe/Atlantis"}, 422, "invalid"),
        ({"timezone": "/etc/localtime"}, 422, "invalid"),
        ({"timezone": "x" * 500}, 422, "invalid"),
        ({"timezone": 1}, 400, "bad_request"),
    ],
)
async def test_unknown_languages_and_time_zones_are_refused(
    live_server: LiveServer, options: dict[str, object], status: int, code: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        answer = await http.post("/api/boards", json={"title": "t", **options})
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["error"] == code and next(iter(options)) in body["message"]


async def test_exports_and_the_cli_speak_the_board_language(
    own_server: LiveServer, tmp_path: Path
) -> None:
    w = await open_workshop(
        own_server, names=("Ann",), top_n=1, language="de", timezone="Europe/Berlin"
    )
    ann = w.participants[0]
    await w.advance("ignite")
    await ann.ok("note.create", note_id="n1", text="Kunden anrufen")
    await w.advance("generate")
    await ann.ok("column.create", column_id="c1")
    await ann.ok("note.move", note_id="n1", column_id="c1", index=0)
    token = w.tokens["facilitator"]
    async with httpx.AsyncClient(base_url=own_server.base_url) as http:
        answer = await http.get(
            f"/api/boards/{w.board_id}/export.md", headers={"authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 200, answer.text
    assert answer.text.startswith("# Ergebnisse:") and "Spalte 1" in answer.text
    assert " MEZ" in answer.text or " MESZ" in answer.text
    await w.close()
    own_server.stop()

    made = gamestorm("export", w.board_id, "--format", "json", "--db", own_server.db_url)
    assert made.returncode == 0, made.stderr
    report = json.loads(made.stdout)
    assert report["language"] == "de" and report["candidates"][0]["name"] == "Spalte 1"
    assert report["board"]["created_at"][-6:] in ("+01:00", "+02:00")
    english = gamestorm(
        "export", w.board_id, "--format", "md", "--language", "en", "--db", own_server.db_url
    )
    assert english.returncode == 0, english.stderr
    text = english.stdout.decode()
    assert text.startswith("# Results:") and "Column 1" in text
    assert " CET" in text or " CEST" in text
    wrong = gamestorm("export", w.board_id, "--language", "fr", "--db", own_server.db_url)
    assert wrong.returncode != 0
