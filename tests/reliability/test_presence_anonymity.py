"""Presence says nothing about who did what on an anonymous board: counts only.

With one participant online when a note appears, a list of who is online names the
note's author. So on anonymous boards the facilitator's presence carries no
``online_ids`` (every viewer gets the same frame: counts, typing count, timer); on named
boards, where authors are shown anyway, the facilitator still sees who is online.
"""

from __future__ import annotations

import json

import pytest
from reliability_kit import Board

from support.live import LiveServer


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "named"])
async def test_presence_names_no_one_on_anonymous_boards(
    live_server: LiveServer, anonymous: bool
) -> None:
    board = await Board.open(live_server, anonymous=anonymous)
    await board.join("Ann", "Ben")
    fac = await board.connect("facilitator")
    projector = await board.connect_token(board.created["projector_token"], name="projector")
    ann = await board.connect("Ann")
    try:
        await fac.ok("phase.advance", **{"from": "ignite"})
        await ann.ok("note.create", note_id="only-ann-online", text="whose is this?")
        ben = await board.connect("Ben")

        def presences(client: object) -> list[dict[str, object]]:
            return [f for f in client.frames if f.get("type") == "presence"]  # type: ignore[attr-defined]

        await fac.wait_for(lambda c: any(p["participants_online"] == 2 for p in presences(c)))
        await ben.close()
        await fac.wait_for(lambda c: presences(c)[-1]["participants_online"] == 1)
        seen = presences(fac)
        assert seen, "the facilitator got no presence"
        assert [p["participants_online"] for p in seen][-1] == 1
        if anonymous:
            leaked = [p for p in seen if "online_ids" in p]
            assert not leaked, f"the facilitator learned who is online: {json.dumps(leaked[0])}"
            for client in (projector, ann):
                assert all("online_ids" not in p for p in presences(client))
        else:
            online = set(seen[-1]["online_ids"])
            assert {board.ids["Ann"], fac.you["id"]} <= online and board.ids["Ben"] not in online
    finally:
        for client in (fac, projector, ann):
            await client.close()
