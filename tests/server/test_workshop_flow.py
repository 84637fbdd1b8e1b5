"""A whole workshop over real sockets: a facilitator and three participants, every phase."""

from __future__ import annotations

import csv
import io

import httpx

from support.live import LiveServer
from support.scenario import open_workshop


async def test_whole_workshop_through_every_phase(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, criteria=["impact", "feasibility"], top_n=1)
    fac, (ann, ben, cem) = w.facilitator, w.participants
    assert fac.you["role"] == "facilitator" and ann.you["role"] == "participant"
    assert fac.welcome is not None and fac.welcome["join_code"] == w.board["join_code"]

    # ignite: the facilitator sharpens the prompt; participants may not write yet.
    await fac.ok("prompt.set", text="Ich will ___ im Kundendialog")
    early = await ann.command("note.create", note_id="early", text="too soon")
    assert early["code"] == "phase_forbids"
    await w.advance("ignite")

    # generate: everyone writes alone.
    await ann.ok("note.create", note_id="a1", text="zuhören")
    await ann.ok("note.create", note_id="a2", text="schneller antworten")
    await ben.ok("note.create", note_id="b1", text="zuhören lernen")
    await cem.ok("note.create", note_id="c1", text="Piloten beenden")
    await ann.ok("note.edit", note_id="a2", text="schneller antworten!")
    assert (await ben.command("note.edit", note_id="a1", text="mine now"))["code"] == "forbidden"
    await w.settle()
    assert len(fac.state.notes) == 4
    assert all(n.text is None for n in fac.state.notes.values()), "drafts reached the facilitator"
    await w.advance("generate")
    await w.settle()
    assert {n.text for n in cem.state.notes.values()} == {
        "zuhören",
        "schneller antworten!",
        "zuhören lernen",
        "Piloten beenden",
    }

    # affinity: columns stay unnamed; leaving with unsorted notes is refused.
    await ann.ok("column.create", column_id="col-listen")
    await ben.ok("column.create", column_id="col-speed")
    await cem.ok("column.create", column_id="col-empty")
    await ann.ok("note.move", note_id="a1", column_id="col-listen", index=0)
    await ben.ok("note.move", note_id="b1", column_id="col-listen", index=5)
    await ben.ok("note.move", note_id="a2", column_id="col-speed", index=0)
    refused = await fac.command("phase.advance", **{"from": "affinity"})
    assert refused["code"] == "unsorted_notes" and refused["note_ids"] == ["c1"]
    await cem.ok("note.move", note_id="c1", column_id="parking", index=0)
    await w.advance("affinity")
    await w.pass_name()
    await w.settle()
    assert list(ann.state.columns) == ["col-listen", "col-speed"], "empty column not dropped"
    assert ann.state.candidates == ("col-listen", "col-speed")

    # rank: a strict order per criterion; ties refused; leaving without rankings refused.
    assert (await fac.command("phase.advance", **{"from": "rank"}))["code"] == "no_rankings"
    tie = await ann.command(
        "ranking.submit", criterion="impact", order=["col-listen", "col-listen"]
    )
    assert tie["code"] == "not_a_permutation"
    for client, impact in (
        (ann, ["col-listen", "col-speed"]),
        (ben, ["col-listen", "col-speed"]),
        (cem, ["col-speed", "col-listen"]),
    ):
        await client.ok("ranking.submit", criterion="impact", order=impact)
        await client.ok("ranking.submit", criterion="feasibility", order=impact[::-1])
    await ann.ok("ranking.submit", criterion="feasibility", order=["col-listen", "col-speed"])
    await w.advance("rank")
    await w.settle()

    # close: results frozen, top 1 selected, the rest parked, follow-up recorded.
    results = fac.state.results
    assert results is not None
    by_place = [c["column_id"] for c in results["candidates"]]
    assert by_place == ["col-listen", "col-speed"]
    # impact: L 1+1+2, S 2+2+1; feasibility after Ann replaced hers: L 1+2+1, S 2+1+2
    assert [c["total"] for c in results["candidates"]] == [4 + 4, 5 + 5]
    assert [c["selected"] for c in results["candidates"]] == [True, False]
    await fac.ok(
        "followup.set",
        column_id="col-listen",
        owner="Ann",
        next_step="Pilot",
        decide_by="2026-12-15",
        status="open",
    )
    assert (
        await ann.command(
            "followup.set",
            column_id="col-listen",
            owner="x",
            next_step="",
            decide_by=None,
            status="open",
        )
    )["code"] == "forbidden"
    assert (await fac.command("phase.advance", **{"from": "close"}))["code"] == "phase_forbids"
    await w.settle()
    assert ann.state.followups["col-listen"].owner == "Ann"

    # Every client saw every seq once and in order, and holds the same board.
    for client in w.everyone:
        assert client.order_errors == []
    columns = {
        tuple((c.id, tuple(c.notes)) for c in cl.state.columns.values()) for cl in w.everyone
    }
    assert len(columns) == 1

    # The participants get the results once the board is closed.
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        answer = await http.get(
            f"/api/boards/{w.board_id}/export.csv",
            headers={"Authorization": f"Bearer {w.tokens['Ben']}"},
        )
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r["column_id"] for r in rows] == by_place
    await w.close()


async def test_a_double_click_on_advance_never_skips_a_phase(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    first = await w.facilitator.command("phase.advance", **{"from": "ignite"})
    second = await w.facilitator.command("phase.advance", **{"from": "ignite"})
    assert first["type"] == "ack"
    assert second["code"] == "stale_phase" and second["phase"] == "generate"
    await w.settle()
    assert w.participants[0].state.phase.id == "generate"
    await w.close()


async def test_participant_exports_wait_for_close(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        url = f"/api/boards/{w.board_id}/export.json"
        early = await http.get(url, headers={"Authorization": f"Bearer {w.tokens['Ann']}"})
        facilitator = await http.get(
            url, headers={"Authorization": f"Bearer {w.tokens['facilitator']}"}
        )
        nobody = await http.get(url)
        wrong = await http.get(url, headers={"Authorization": "Bearer not-a-token"})
    assert early.status_code == 403 and early.json()["error"] == "forbidden"
    assert facilitator.status_code == 200
    assert nobody.status_code == 401 and wrong.status_code == 401
    await w.close()
