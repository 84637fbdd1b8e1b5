"""Work shared out (issue 12) over real sockets: packets, subsets, merging, counts.

The server here ticks every 0.2 s and gives a packet back after 0.5 s offline, so the
test of a holder who leaves waits about a second, not the 15 s of the defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.live import LiveServer
from support.scenario import Workshop, open_workshop
from support.wsclient import BoardClient


@pytest.fixture(scope="module")
def sharing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db: Path = tmp_path_factory.mktemp("sharing") / "gamestorm.db"
    server = LiveServer(
        db, extra_args=["--packet-tick", "0.2", "--packet-offline-grace", "0.5"]
    ).start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-4000:]


def of_kind(client: BoardClient, kind: str) -> list[dict[str, Any]]:
    return [e for e in client.events if e["kind"] == kind]


def last_presence(client: BoardClient) -> dict[str, Any]:
    """The latest presence frame (``{"counts": {}}`` before the first)."""
    frames = [f for f in client.frames if f.get("type") == "presence"]
    return frames[-1] if frames else {"counts": {}}


async def write_notes(w: Workshop, each: int) -> list[str]:
    """Every participant writes ``each`` notes in generate; then on to affinity."""
    await w.advance("ignite")
    ids = []
    for i, client in enumerate(w.participants):
        for j in range(each):
            note_id = f"n{i}-{j}"
            await client.ok("note.create", note_id=note_id, text=f"Idee {i}/{j}")
            ids.append(note_id)
    await w.advance("generate")
    await w.settle()
    return ids


async def test_packets_are_disjoint_private_and_go_back_when_the_holder_leaves(
    sharing_server: LiveServer,
) -> None:
    w = await open_workshop(sharing_server, packets_from=0, packet_size=4)
    fac, (ann, ben, cem) = w.facilitator, w.participants
    notes = await write_notes(w, each=3)  # 9 notes: 4 + 4, and 1 for Cem
    await ann.ok("packet.request")
    await ben.ok("packet.request")
    await w.settle()
    mine = {}
    for client in (ann, ben):
        own = [e for e in of_kind(client, "packet.assigned") if e["holder"] == client.you["id"]]
        assert len(own) == 1 and own[0]["pass"] == "sort" and len(own[0]["note_ids"]) == 4
        mine[client.name] = own[0]
    assert not set(mine["Ann"]["note_ids"]) & set(mine["Ben"]["note_ids"])
    # Cem and the facilitator learn that two packets of 4 went out, never to whom or which.
    for client in (cem, fac):
        seen = of_kind(client, "packet.assigned")
        assert [(e["holder"], e["note_ids"], e["size"]) for e in seen] == [(None, None, 4)] * 2
    assert (await cem.command("packet.request"))["type"] == "ack"  # the one note left
    assert (await cem.command("packet.request"))["type"] == "ack"  # holding it: nothing new
    await w.settle()
    cem_packet = [e for e in of_kind(cem, "packet.assigned") if e["holder"] == cem.you["id"]]
    assert len(cem_packet) == 1 and len(cem_packet[0]["note_ids"]) == 1
    # Cem places it; the packet is done; nothing left to sort, so Cem waits.
    await fac.ok("column.create", column_id="k1")
    await cem.ok("note.move", note_id=cem_packet[0]["note_ids"][0], column_id="k1")
    await w.settle()
    done = [e for e in of_kind(cem, "packet.returned") if e["holder"] == cem.you["id"]]
    assert [e["reason"] for e in done] == ["done"]
    await cem.ok("packet.request")
    await w.settle()
    assert of_kind(cem, "packet.requested")[-1]["participant_id"] == cem.you["id"]
    assert of_kind(fac, "packet.requested")[-1]["participant_id"] is None

    # Presence carries the counts.
    await fac.wait_for(lambda c: last_presence(c)["counts"].get("waiting") == 1)
    counts = last_presence(fac)["counts"]
    assert counts["packets_on"] is True and counts["packets_open"] == 2
    assert counts["packets_done"] == 1 and counts["placed"] == 1 and counts["notes"] == len(notes)

    # Ann's phone goes away: after the grace her packet goes to Cem, who was waiting.
    await ann.close()
    await cem.wait_for(
        lambda c: sum(e["holder"] == c.you["id"] for e in of_kind(c, "packet.assigned")) == 2,
        within=10,
    )
    await fac.wait_seq(cem.seq)
    returned = of_kind(fac, "packet.returned")
    assert returned[-1]["reason"] == "left" and returned[-1]["holder"] is None
    given = [e for e in of_kind(cem, "packet.assigned") if e["holder"] == cem.you["id"]][-1]
    assert sorted(given["note_ids"]) == sorted(mine["Ann"]["note_ids"])

    # Ben reconnects at once: his packet is still his, in the snapshot and in a replay.
    await ben.close()
    again = await BoardClient.connect(
        sharing_server.ws_url, w.board_id, w.tokens["Ben"], since=None, name="Ben"
    )
    assert again.welcome is not None
    packet = again.welcome["state"]["mine"]["packet"]
    assert packet == {
        "packet_id": mine["Ben"]["packet_id"],
        "note_ids": mine["Ben"]["note_ids"],
        "pass": "sort",
    }
    assert again.welcome["state"]["board"]["sharing"]["packet_size"] == 4
    replay = await BoardClient.connect(
        sharing_server.ws_url, w.board_id, w.tokens["Ben"], since=0, name="Ben replay"
    )
    assert replay.state is not None
    assert replay.state.packet_of_holder[ben.you["id"]] == mine["Ben"]["packet_id"]
    # Ann comes back: her packet is gone; a new request gets her nothing (all handed out).
    ann2 = await BoardClient.connect(
        sharing_server.ws_url, w.board_id, w.tokens["Ann"], since=None, name="Ann"
    )
    assert ann2.welcome is not None and ann2.welcome["state"]["mine"]["packet"] is None
    for client in (again, replay, ann2, cem, fac):
        await client.close()


async def test_packets_off_and_the_column_cap_and_merge(sharing_server: LiveServer) -> None:
    w = await open_workshop(sharing_server, max_columns=2)
    fac, (ann, ben, cem) = w.facilitator, w.participants
    await write_notes(w, each=1)
    reply = await ann.command("packet.request")
    assert reply["type"] == "error" and reply["code"] == "packets_off"
    await ann.ok("column.create", column_id="k1")
    await ben.ok("column.create", column_id="k2")
    reply = await cem.command("column.create", column_id="k3")
    assert reply["code"] == "too_many_columns" and reply["max_columns"] == 2
    await ann.ok("note.move", note_id="n0-0", column_id="k1")
    await ben.ok("note.move", note_id="n1-0", column_id="k2")
    await cem.ok("note.move", note_id="n2-0", column_id="k2")
    assert (await ann.command("column.merge", source="k2", target="k1"))["code"] == "forbidden"
    assert (await fac.command("column.merge", source="k2", target="k2"))["code"] == "invalid"
    assert (await fac.command("column.merge", source="k9", target="k1"))["code"] == "not_found"
    await fac.ok("column.merge", source="k2", target="k1")
    await w.settle()
    for client in w.everyone:
        (merged,) = of_kind(client, "column.merged")
        assert merged["note_ids"] == ["n1-0", "n2-0"]
        assert merged["by"] == (fac.you["id"] if client is fac else None)  # anonymous board
        assert client.state is not None
        assert client.state.columns["k1"].notes == ["n0-0", "n1-0", "n2-0"]
        assert "k2" not in client.state.columns
    await cem.ok("column.create", column_id="k3")  # the merge freed a place
    # The facilitator switches packets on: requests work now.
    await fac.ok("packets.switch", enabled=True)
    await fac.ok("note.move", note_id="n0-0", column_id=None)
    await ann.ok("packet.request")
    await w.settle()
    assert [e["note_ids"] for e in of_kind(ann, "packet.assigned")] == [["n0-0"]]
    await w.close()


async def test_subsets_over_the_wire(sharing_server: LiveServer) -> None:
    w = await open_workshop(sharing_server, subset_size=3, top_n=2, criteria=["impact"])
    fac, (ann, ben, cem) = w.facilitator, w.participants
    await write_notes(w, each=3)  # 9 notes -> 9 columns: more than 7, so subsets
    for i, client in enumerate(w.participants):
        for j in range(3):
            await fac.ok("column.create", column_id=f"k{i}{j}")
            await client.ok("note.move", note_id=f"n{i}-{j}", column_id=f"k{i}{j}")
    await w.advance("affinity")
    await w.pass_name()
    await w.settle()
    assert fac.state is not None and len(fac.state.candidates) == 9
    reply = await ben.command("ranking.submit", criterion="impact", order=["k00", "k01", "k02"])
    assert reply["code"] == "no_subset"
    await ann.ok("subset.request")
    await w.settle()
    (own,) = of_kind(ann, "subset.assigned")
    subset = own["candidates"]
    assert own["participant_id"] == ann.you["id"] and len(subset) == 3
    for client in (ben, cem, fac):
        (other,) = of_kind(client, "subset.assigned")
        assert other["participant_id"] is None and other["candidates"] is None
    outsider = next(c for c in fac.state.candidates if c not in subset)
    reply = await ann.command("ranking.submit", criterion="impact", order=[*subset[:2], outsider])
    assert reply["code"] == "not_a_permutation" and reply["candidates"] == subset
    await ann.ok("ranking.submit", criterion="impact", order=list(reversed(subset)))
    for client in (ben, cem):
        await client.ok("subset.request")
        await w.settle()
        (mine,) = [e for e in of_kind(client, "subset.assigned") if e["participant_id"]]
        await client.ok("ranking.submit", criterion="impact", order=mine["candidates"])
    await fac.wait_for(lambda c: last_presence(c)["counts"].get("ranked_complete") == 3)
    assert last_presence(fac)["counts"]["subsets_on"] is True
    late = await BoardClient.connect(
        sharing_server.ws_url, w.board_id, w.tokens["Ann"], since=None, name="Ann again"
    )
    assert late.welcome is not None
    assert late.welcome["state"]["mine"]["subsets"] == {"impact": subset}
    await late.close()
    await w.advance("rank")
    await w.settle()
    assert fac.state is not None and fac.state.results is not None
    await w.close()


async def test_board_options_are_checked_over_http(sharing_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=sharing_server.base_url) as http:
        bad_type = await http.post("/api/boards", json={"title": "T", "packet_size": "8"})
        assert bad_type.status_code == 400 and "packet_size" in bad_type.json()["message"]
        out_of_range = await http.post("/api/boards", json={"title": "T", "max_columns": 501})
        assert out_of_range.status_code == 422 and "max_columns" in out_of_range.json()["message"]
        good = await http.post("/api/boards", json={"title": "T", "subsets_from": 10})
        assert good.status_code == 201
