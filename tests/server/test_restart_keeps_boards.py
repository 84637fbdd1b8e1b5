"""Boards survive a restart of the server on the same database."""

from __future__ import annotations

from support.live import LiveServer
from support.scenario import open_workshop
from support.wsclient import BoardClient, join


async def test_restart_keeps_every_board_note_and_seq(own_server: LiveServer) -> None:
    w = await open_workshop(own_server, names=("Ann", "Ben"))
    other = await open_workshop(own_server, names=("Zoe",))
    ann, ben = w.participants
    await w.advance("ignite")
    await ann.ok("note.create", note_id="keep-1", text="bleibt")
    await ben.ok("note.create", note_id="keep-2", text="auch")
    await w.advance("generate")
    await ann.ok("column.create", column_id="col-1")
    last = await ann.ok("note.move", note_id="keep-2", column_id="col-1", index=0)
    await w.settle()
    before = {k: (v.notes) for k, v in ann.state.columns.items()}
    other_seq = other.facilitator.seq
    await w.close()
    await other.close()

    own_server.restart()

    # A client that resumes with since gets nothing twice and the same seq numbering.
    resumed = await BoardClient.connect(
        own_server.ws_url, w.board_id, w.tokens["Ann"], since=last - 2
    )
    assert resumed.welcome is not None and resumed.welcome["seq"] == last
    assert [e["kind"] for e in resumed.events] == ["column.created", "note.moved"][-2:]
    fresh = await BoardClient.connect(own_server.ws_url, w.board_id, w.tokens["Ben"], since=0)
    assert fresh.seq == last and fresh.order_errors == []
    assert fresh.state is not None
    assert {k: v.notes for k, v in fresh.state.columns.items()} == before
    assert set(fresh.state.notes) == {"keep-1", "keep-2"}
    assert fresh.state.phase.id == "affinity"
    # Tokens, join codes and the other board survived as well; seq continues without a gap.
    zoe = await BoardClient.connect(
        own_server.ws_url, other.board_id, other.tokens["Zoe"], since=None
    )
    assert zoe.welcome is not None and zoe.welcome["seq"] == other_seq
    late = await join(own_server.base_url, w.board["join_code"], "Late")
    assert late["board_id"] == w.board_id
    await fresh.wait_seq(last + 1)
    assert fresh.events[-1]["kind"] == "participant.joined" and fresh.order_errors == []
    for client in (resumed, fresh, zoe):
        await client.close()
