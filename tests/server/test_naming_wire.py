"""The ``name`` phase over real sockets: proposals, the facilitator's decision, the names
in ranking, results and exports; who proposed stays hidden on anonymous boards."""

from __future__ import annotations

import csv
import io
import json

import httpx

from support.live import LiveServer
from support.scenario import Workshop, open_workshop
from support.wsclient import BoardClient


async def map_two_columns(w: Workshop) -> None:
    """Ignite, generate and affinity: notes a1, b1 in col-a, c1 in col-b; col-x dropped."""
    ann, ben, cem = w.participants
    await w.advance("ignite")
    await ann.ok("note.create", note_id="a1", text="zuhören")
    await ben.ok("note.create", note_id="b1", text="nachfragen")
    await cem.ok("note.create", note_id="c1", text="schneller liefern")
    await w.advance("generate")
    for column_id in ("col-a", "col-b", "col-x"):
        await ann.ok("column.create", column_id=column_id)
    await ann.ok("note.move", note_id="a1", column_id="col-a")
    await ben.ok("note.move", note_id="b1", column_id="col-a")
    await cem.ok("note.move", note_id="c1", column_id="col-b")
    await w.advance("affinity")
    await w.settle()


async def test_a_workshop_names_its_columns_and_the_names_reach_the_exports(
    live_server: LiveServer,
) -> None:
    w = await open_workshop(live_server, criteria=["impact"], top_n=1, anonymous=True)
    fac, (ann, ben, cem) = w.facilitator, w.participants
    await map_two_columns(w)
    assert fac.state is not None and fac.state.phase.id == "name"
    assert list(fac.state.columns) == ["col-a", "col-b"]

    # Participants propose; the same name in another spelling counts for the same name.
    await ann.ok("column.propose", column_id="col-a", name="Zuhören")
    await ben.ok("column.propose", column_id="col-a", name=" zuhören ")
    await cem.ok("column.propose", column_id="col-a", name="Dialog")
    await cem.ok("column.propose", column_id="col-b", name="Tempo")
    again = await ann.command("column.propose", column_id="col-a", name="ZUHÖREN")
    assert again["type"] == "ack", again
    assert (await ann.command("column.propose", column_id="col-a", name=""))["code"] == "invalid"
    assert (await ann.command("column.propose", column_id="nope", name="x"))["code"] == (
        "not_found"
    )
    assert (await ann.command("column.name", column_id="col-a", name="x"))["code"] == "forbidden"
    assert (await ann.command("note.move", note_id="a1", column_id="col-b"))["code"] == (
        "phase_forbids"
    )
    await w.settle()
    for client in w.everyone:
        assert client.state is not None
        counts = [(p.name, p.count) for p in client.state.columns["col-a"].proposals.values()]
        assert counts == [("Zuhören", 2), ("Dialog", 1)], client.name

    # Who proposed what stays with the proposer on an anonymous board.
    proposed = [e for e in ben.events if e["kind"] == "column.name_proposed"]
    assert [e["by"] for e in proposed].count(None) == 3  # all but Ben's own
    assert [e for e in fac.events if e["kind"] == "column.name_proposed" and e["by"]] == []
    late = await BoardClient.connect(
        live_server.ws_url, w.board_id, w.tokens["Cem"], since=None, name="Cem again"
    )
    assert late.welcome is not None
    columns = late.welcome["state"]["columns"]
    assert columns[0]["name"] is None
    assert columns[0]["proposals"] == [
        {"name": "Zuhören", "count": 2, "mine": False},
        {"name": "Dialog", "count": 1, "mine": True},
    ]
    await late.close()

    # Leaving with an unnamed column is refused and names it; then the facilitator decides.
    await fac.ok("column.name", column_id="col-a", name="Zuhören")
    refused = await fac.command("phase.advance", **{"from": "name"})
    assert refused["code"] == "unnamed_columns" and refused["column_ids"] == ["col-b"]
    assert "Column 2" in refused["message"]
    await fac.ok("column.name", column_id="col-b", name="Schneller liefern")
    await w.advance("name")
    await w.settle()
    assert ann.state is not None and ann.state.phase.id == "rank"
    assert [c.name for c in ann.state.columns.values()] == ["Zuhören", "Schneller liefern"]
    assert (await fac.command("column.name", column_id="col-a", name="x"))["code"] == (
        "phase_forbids"
    )

    for client in (ann, ben, cem):
        await client.ok("ranking.submit", criterion="impact", order=["col-b", "col-a"])
    await w.advance("rank")
    await w.settle()

    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        auth = {"Authorization": f"Bearer {w.tokens['Ben']}"}
        answer = await http.get(f"/api/boards/{w.board_id}/export.csv", headers=auth)
        report = await http.get(f"/api/boards/{w.board_id}/export.json", headers=auth)
    assert answer.status_code == 200 and report.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r["candidate"] for r in rows] == ["Schneller liefern", "Zuhören"]
    data = json.loads(report.content)
    assert [(c["name"], c["number"]) for c in data["candidates"]] == [
        ("Schneller liefern", 2),
        ("Zuhören", 1),
    ]
    for client in w.everyone:
        assert client.order_errors == []
    await w.close()


async def test_on_a_named_board_everyone_sees_who_proposed(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, anonymous=False)
    fac, (ann, ben, _) = w.facilitator, w.participants
    await map_two_columns(w)
    await ann.ok("column.propose", column_id="col-b", name="Tempo")
    await w.settle()
    (event,) = [e for e in ben.events if e["kind"] == "column.name_proposed"]
    assert event["by"] == ann.you["id"]
    await w.pass_name()
    await w.settle()
    assert fac.state is not None and fac.state.phase.id == "rank"
    assert [c.name for c in fac.state.columns.values()] == ["Topic 1", "Topic 2"]
    await w.close()
