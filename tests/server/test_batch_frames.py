"""``?batch=1`` clients get the events of one commit as one frame (issue 14).

The browser asks for it. Events committed together go out as one ``events`` frame,
encoded once per variant; the owner of a private event gets their own variant inside
it; acks follow the events; a client without ``batch`` still gets one frame per event,
and both see the same gapless order.
"""

from __future__ import annotations

import asyncio
import json

from support.live import LiveServer
from support.scenario import open_workshop
from support.wsclient import BoardClient, join


async def test_a_burst_reaches_batch_clients_in_few_frames_and_in_order(
    live_server: LiveServer,
) -> None:
    w = await open_workshop(live_server, names=("Ann", "Ben"))
    ann, ben = w.participants
    watcher = await BoardClient.connect(
        live_server.ws_url, w.board_id, w.tokens["Ben"], batch=True, name="ben-batch"
    )
    await w.advance("ignite")
    # 20 private notes from Ann at once: many commands share a commit
    for k in range(20):
        await ann.send_raw(
            json.dumps({"type": "note.create", "cid": f"a{k}", "note_id": f"a{k}",
                        "text": f"geheim {k}"})
        )  # fmt: skip
    mine = await BoardClient.connect(
        live_server.ws_url, w.board_id, w.tokens["Ann"], batch=True, name="ann-batch"
    )
    for k in range(20, 40):
        await ann.send_raw(
            json.dumps({"type": "note.create", "cid": f"a{k}", "note_id": f"a{k}",
                        "text": f"geheim {k}"})
        )  # fmt: skip
    assert (await ann.reply("a39"))["type"] == "ack"
    top = ann.seq
    for client in (watcher, mine, ben):
        await client.wait_seq(top)
        assert client.order_errors == []
    batched = [f for f in watcher.frames if f["type"] == "events"]
    single = [f for f in watcher.frames if f["type"] == "event"]
    assert watcher.welcome is not None
    replayed = len(watcher.welcome["events"])
    assert sum(len(f["events"]) for f in batched) + len(single) == len(watcher.events) - replayed
    assert [e["kind"] for e in watcher.events] == [e["kind"] for e in ben.events]
    # privacy inside combined frames: Ben never sees Ann's text, Ann's batch socket does
    assert "geheim" not in watcher.texts_seen()
    ann_created = [e for e in mine.events if e["kind"] == "note.created"]
    assert ann_created and all(e["text"] and e["text"].startswith("geheim") for e in ann_created)
    # One command, several events (the phase changes, the notes are revealed): one
    # commit, so one frame for a batch client, and the events one by one for the rest.
    await w.settle()
    before = ben.seq
    await w.advance("generate")
    await watcher.wait_seq(w.facilitator.seq)
    await ben.wait_seq(w.facilitator.seq)
    last = watcher.frames[-1] if watcher.frames[-1]["type"] != "presence" else None
    frames = [f for f in watcher.frames if f["type"] == "events"
              and any(i["event"]["kind"] == "phase.changed" for i in f["events"])]  # fmt: skip
    assert len(frames) == 1, last
    assert len(frames[0]["events"]) >= 2
    plain = [f for f in ben.frames if f["type"] == "event" and f["seq"] > before]
    assert [f["seq"] for f in plain] == [i["seq"] for i in frames[0]["events"]]
    await asyncio.gather(watcher.close(), mine.close())
    await w.close()


async def test_a_batch_senders_events_come_before_its_ack(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    await w.advance("ignite")
    joined = await join(live_server.base_url, w.board["join_code"], "Cem")
    cem = await BoardClient.connect(live_server.ws_url, w.board_id, joined["token"], batch=True)
    for k in range(40):
        await cem.send_raw(
            json.dumps({"type": "note.create", "cid": f"c{k}", "note_id": f"c{k}", "text": "x"})
        )
    for k in range(40):
        ack = await cem.reply(f"c{k}")
        assert ack["type"] == "ack"
        index = cem.frames.index(ack)
        seen = 0
        for frame in cem.frames[:index]:
            if frame["type"] == "event":
                seen = max(seen, frame["seq"])
            elif frame["type"] == "events":
                seen = max(seen, frame["events"][-1]["seq"])
        assert seen >= ack["seq"], f"ack {ack['seq']} before its event"
    await cem.close()
    await w.close()
