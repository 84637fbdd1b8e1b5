"""Issue 15 over real sockets: the follow-up loop after close, the waiting loop over
HTTP, and what a participant's results view shows of their own notes months later,
without learning who wrote the others on an anonymous board."""

from __future__ import annotations

import httpx

from support.live import LiveServer
from support.scenario import Workshop, open_workshop
from support.wsclient import BoardClient


async def close_two_columns(w: Workshop) -> None:
    """a1 (Ann), b1 (Ben) in col-a; c1 (Cem) in col-b; top 1: col-a selected."""
    ann, ben, cem = w.participants
    await w.advance("ignite")
    await ann.ok("note.create", note_id="a1", text="zuhören")
    await ben.ok("note.create", note_id="b1", text="nachfragen")
    await cem.ok("note.create", note_id="c1", text="schneller liefern")
    await w.advance("generate")
    for column_id in ("col-a", "col-b"):
        await ann.ok("column.create", column_id=column_id)
    await ann.ok("note.move", note_id="a1", column_id="col-a")
    await ben.ok("note.move", note_id="b1", column_id="col-a")
    await cem.ok("note.move", note_id="c1", column_id="col-b")
    await w.advance("affinity")
    await w.pass_name({"col-a": "Zuhören", "col-b": "Tempo"})
    for client in (ann, ben, cem):
        await client.ok("ranking.submit", criterion="impact", order=["col-a", "col-b"])
    await w.advance("rank")
    await w.settle()


async def test_follow_up_a_month_later_and_each_participant_sees_their_notes(
    live_server: LiveServer,
) -> None:
    w = await open_workshop(live_server, criteria=["impact"], top_n=1, anonymous=True)
    fac, ann = w.facilitator, w.participants[0]
    await close_two_columns(w)
    assert fac.state is not None and fac.state.selected == ["col-a"]

    refused = await ann.command(
        "followup.status", column_id="col-a", status="running", note="x", on="2027-01-02"
    )
    assert refused["code"] == "forbidden"
    refused = await fac.command(
        "followup.decide", column_id="col-a", decision="later", reason="r", on="2027-01-02"
    )
    assert refused["code"] == "invalid"
    refused = await fac.command("phase.advance", **{"from": "close"})
    assert refused["code"] == "phase_forbids"

    await fac.ok(
        "followup.plan",
        column_id="col-a",
        place="Werk Süd",
        area="Service",
        customer="Müller AG",
        start="2027-01-04",
        end="2027-02-26",
        steering="Ana",
        decide_on="2027-03-01",
    )
    await fac.ok(
        "followup.measure",
        column_id="col-a",
        measure_id="m1",
        measure_kind="time",
        label="Antwortzeit",
        target=24,
        unit="h",
    )
    await fac.ok("followup.record", column_id="col-a", measure_id="m1", value=30, on="2027-02-01")
    await fac.ok(
        "followup.status", column_id="col-a", status="running", note="Pilot läuft", on="2027-02-01"
    )
    await fac.ok(
        "followup.decide",
        column_id="col-a",
        decision="adapt",
        reason="Ziel knapp verfehlt",
        on="2027-03-01",
    )
    await w.settle()
    assert ann.state is not None
    assert ann.state.loop.items["col-a"]["decisions"][0]["decision"] == "adapt"

    # The waiting loop: a new board from the parked col-b, linked from the old board.
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        no_token = await http.post("/api/boards", json={"from_board": w.board_id})
        as_ann = await http.post(
            "/api/boards",
            json={"from_board": w.board_id},
            headers={"Authorization": f"Bearer {w.tokens['Ann']}"},
        )
        auth = {"Authorization": f"Bearer {w.tokens['facilitator']}"}
        bad = await http.post(
            "/api/boards", json={"from_board": w.board_id, "column_ids": ["col-a"]}, headers=auth
        )
        made = await http.post("/api/boards", json={"from_board": w.board_id}, headers=auth)
        again = await http.post("/api/boards", json={"from_board": w.board_id}, headers=auth)
    assert no_token.status_code == 401 and as_ann.status_code == 403
    assert bad.status_code == 422 and bad.json()["error"] == "invalid"
    assert made.status_code == 201, made.text
    assert again.status_code == 422  # nothing is waiting any more
    new = made.json()
    assert new["column_ids"] == ["col-b"] and new["urls"]["facilitate"].startswith("/facilitate/")
    await w.settle()
    link = [e for e in ann.events if e["kind"] == "followup.waiting_loop"]
    assert [(e["board_id"], e["column_ids"]) for e in link] == [(new["board_id"], ["col-b"])]
    fresh = await BoardClient.connect(
        live_server.ws_url, new["board_id"], new["facilitator_token"], since=None, name="new"
    )
    assert fresh.welcome is not None
    prompt = fresh.welcome["state"]["prompt"]
    assert "Tempo" in prompt and "schneller liefern" in prompt
    assert fresh.welcome["state"]["board"]["anonymous"] is True
    assert "Warteschleife" not in fresh.welcome["state"]["board"]["title"]  # an English board
    await fresh.close()

    # Months later each participant opens their results link (a fresh connection).
    for name, note_id, column in (("Ann", "a1", "col-a"), ("Cem", "c1", "col-b")):
        late = await BoardClient.connect(
            live_server.ws_url, w.board_id, w.tokens[name], since=None, name=name
        )
        assert late.welcome is not None
        state = late.welcome["state"]
        mine = [n for n in state["notes"] if n["mine"]]
        assert [(n["id"], n["column"]) for n in mine] == [(note_id, column)]
        assert all(n["author"] is None for n in state["notes"] if not n["mine"])
        loop = state["followup_loop"]
        assert loop["items"][0]["decisions"][0]["reason"] == "Ziel knapp verfehlt"
        assert loop["waiting_loops"][0]["column_ids"] == ["col-b"]
        ids = {p["id"] for p in state["participants"] if p["role"] == "participant"}
        others = ids - {late.you["id"]}
        text = late.texts_seen()
        for note in state["notes"]:
            if not note["mine"]:
                for other in others:
                    assert f'"author": "{other}"' not in text
        await late.close()
    for client in w.everyone:
        assert client.order_errors == []
    await w.close()


async def test_bad_follow_up_input_gets_a_clear_error_and_the_socket_stays(
    live_server: LiveServer,
) -> None:
    w = await open_workshop(live_server, criteria=["impact"], top_n=1, anonymous=False)
    fac = w.facilitator
    early = await fac.command("followup.plan", column_id="col-a", place="x")
    assert early["code"] == "phase_forbids"
    await close_two_columns(w)
    cases = [
        ({"type": "followup.plan", "column_id": "nope"}, "not_found"),
        ({"type": "followup.plan", "column_id": "col-b"}, "invalid"),  # parked
        ({"type": "followup.plan", "column_id": "col-a", "start": "2027-02-30"}, "invalid"),
        ({"type": "followup.plan", "column_id": "col-a", "place": ["x"]}, "bad_request"),
        (
            {
                "type": "followup.measure",
                "column_id": "col-a",
                "measure_id": "m1",
                "measure_kind": "time",
                "label": "x",
                "target": 1e300,
            },
            "invalid",
        ),
        (
            {
                "type": "followup.record",
                "column_id": "col-a",
                "measure_id": "m9",
                "value": 1,
                "on": "2027-01-01",
            },
            "not_found",
        ),
        ({"type": "followup.decline", "column_id": "col-a", "reason": "x"}, "invalid"),
        ({"type": "followup.waiting_loop", "board_id": "x"}, "unknown_type"),  # the server's own
    ]
    for frame, expected in cases:
        kind = frame.pop("type")
        reply = await fac.command(kind, **frame)
        assert reply["type"] == "error" and reply["code"] == expected, (kind, frame, reply)
        assert reply["message"]
    # NaN is not JSON: refused as a bad frame, not a crash
    await fac.send_raw(
        '{"type": "followup.record", "cid": "nan", "column_id": "col-a", '
        '"measure_id": "m1", "value": NaN, "on": "2027-01-01"}'
    )
    reply = await fac.reply(None)  # not JSON, so its cid cannot be read
    assert reply["type"] == "error" and reply["code"] == "bad_request"
    assert (await fac.command("followup.take_up", column_id="col-b"))["type"] == "ack"
    assert fac.closed is None
    await w.close()
