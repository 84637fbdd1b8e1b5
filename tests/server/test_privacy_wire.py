"""Drafts and rankings stay private on the wire: live events, snapshots and replays."""

from __future__ import annotations

from support.live import LiveServer
from support.scenario import open_workshop
from support.wsclient import BoardClient

SECRET = "geheimer Entwurf von Ann"
SECRET_ORDER_MARK = "col-b"


async def test_drafts_stay_with_their_author_until_the_reveal(live_server: LiveServer) -> None:
    w = await open_workshop(live_server)
    ann, ben, _ = w.participants
    await w.advance("ignite")
    seq = await ann.ok("note.create", note_id="ann-1", text=SECRET)
    await w.settle()

    # Live: Ben and the facilitator get the event, with the text and the author redacted.
    for other in (ben, w.facilitator):
        created = next(e for e in other.events if e["kind"] == "note.created")
        assert created["text"] is None and created["author"] is None
        assert SECRET not in other.texts_seen()
    assert SECRET in ann.texts_seen()

    # Snapshot and every possible replay from Ben's token: never the text.
    token = w.tokens["Ben"]
    for since in [None, *range(0, seq + 2)]:
        probe = await BoardClient.connect(live_server.ws_url, w.board_id, token, since=since)
        assert SECRET not in probe.texts_seen(), f"leak with since={since}"
        assert "ann-1" in probe.texts_seen() or since is not None and since >= seq
        await probe.close()
    # Ann's own replay does hold her text.
    own = await BoardClient.connect(live_server.ws_url, w.board_id, w.tokens["Ann"], since=None)
    assert SECRET in own.texts_seen()
    await own.close()

    # After the reveal everyone reads it, and still no one learns who wrote it.
    await w.advance("generate")
    await w.settle()
    assert ben.state.notes["ann-1"].text == SECRET
    snapshot = await BoardClient.connect(live_server.ws_url, w.board_id, token, since=None)
    note = next(n for n in snapshot.welcome["state"]["notes"] if n["id"] == "ann-1")
    assert note["text"] == SECRET and note["author"] is None
    assert ann.you["id"] not in snapshot.texts_seen().replace(
        f'"id": "{ann.you["id"]}"', ""
    )  # only the participants list names Ann's id
    await snapshot.close()
    await w.close()


async def test_rankings_stay_private_until_close(live_server: LiveServer) -> None:
    w = await open_workshop(live_server)
    ann, ben, cem = w.participants
    await w.advance("ignite")
    await ann.ok("note.create", note_id="n1", text="eins")
    await ben.ok("note.create", note_id="n2", text="zwei")
    await w.advance("generate")
    await ann.ok("column.create", column_id="col-a")
    await ann.ok("column.create", column_id="col-b")
    await ann.ok("note.move", note_id="n1", column_id="col-a", index=0)
    await ann.ok("note.move", note_id="n2", column_id="col-b", index=0)
    await w.advance("affinity")
    await w.pass_name()
    seq = await ann.ok("ranking.submit", criterion="impact", order=["col-b", "col-a"])
    await w.settle()

    def orders_seen(client: BoardClient) -> list[object]:
        return [e.get("order") for e in client.events if e["kind"] == "ranking.submitted"]

    assert orders_seen(ann) == [["col-b", "col-a"]]
    assert orders_seen(ben) == [None] and orders_seen(w.facilitator) == [None]
    for since in [None, *range(0, seq + 1)]:
        probe = await BoardClient.connect(
            live_server.ws_url, w.board_id, w.tokens["Cem"], since=since
        )
        if probe.welcome is not None and "state" in probe.welcome:
            assert probe.welcome["state"]["rankings"]["mine"] == {}
        assert orders_seen(probe) in ([], [None])
        await probe.close()

    # After close, the orders come with the results, without names (anonymous board).
    await cem.ok("ranking.submit", criterion="impact", order=["col-a", "col-b"])
    await w.advance("rank")
    await w.settle()
    orders = ben.state.results["orders"] if ben.state.results else []
    assert sorted(o["order"] for o in orders) == [["col-a", "col-b"], ["col-b", "col-a"]]
    assert all(o["participant_id"] is None for o in orders)
    await w.close()


async def test_named_boards_show_authors_but_still_hide_drafts(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann", "Ben"), anonymous=False)
    ann, ben = w.participants
    await w.advance("ignite")
    await ann.ok("note.create", note_id="named-1", text=SECRET)
    await w.settle()
    created = next(e for e in ben.events if e["kind"] == "note.created")
    assert created["author"] == ann.you["id"] and created["text"] is None
    await w.close()
