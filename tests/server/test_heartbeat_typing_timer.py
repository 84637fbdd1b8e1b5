"""The first hour of a workshop, over real sockets: the heartbeat (ping/pong), the
"still typing" count in presence, and a timer that ends with its phase."""

from __future__ import annotations

import json
from typing import Any

from support.live import LiveServer
from support.scenario import open_workshop
from support.wsclient import BoardClient


def pongs(client: BoardClient) -> list[dict[str, Any]]:
    return [f for f in client.frames if f.get("type") == "pong"]


def last_presence(client: BoardClient) -> dict[str, Any]:
    frames = [f for f in client.frames if f.get("type") == "presence"]
    return frames[-1] if frames else {"timer": "none yet"}


async def test_ping_gets_pong_and_old_clients_keep_their_acks(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann", "Ben"))
    fac, (ann, ben) = w.facilitator, w.participants
    await ann.send_raw(json.dumps({"type": "ping"}))
    await ann.wait_for(lambda c: len(pongs(c)) == 1)
    pong = pongs(ann)[0]
    assert isinstance(pong["server_time"], float) and "cid" not in pong
    # a ping between commands changes nothing about their replies or the board's seq
    seq = ann.seq
    await w.advance("ignite")
    await ann.send_raw(json.dumps({"type": "ping", "cid": "p1"}))
    acked = await ann.ok("note.create", note_id="n1", text="first")
    await ann.wait_for(lambda c: len(pongs(c)) == 2)
    assert pongs(ann)[1]["cid"] == "p1"
    assert not any(f.get("type") == "error" for f in ann.frames), ann.frames
    assert acked == seq + 2
    # Ben never pings (an old client): he gets events and acks as before, and no pongs
    assert await ben.ok("note.create", note_id="b1", text="second") == acked + 1
    assert pongs(ben) == [] and ben.order_errors == [] and ann.order_errors == []
    await w.settle()
    assert fac.seq == ben.seq == acked + 1
    await w.close()


async def test_pings_count_against_the_rate_limit(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    ann = w.participants[0]
    for _ in range(80):
        await ann.send_raw(json.dumps({"type": "ping"}))
    await ann.wait_for(lambda c: any(f.get("code") == "rate_limited" for f in c.frames), within=5)
    assert 50 <= len(pongs(ann)) < 80
    await w.close()


async def test_typing_is_a_count_of_people_never_their_ids(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann", "Ben", "Cem"))
    fac, (ann, ben, cem) = w.facilitator, w.participants
    await w.advance("ignite")
    await ann.send_raw(json.dumps({"type": "typing", "typing": True}))
    await ben.send_raw(json.dumps({"type": "typing", "typing": True}))
    await fac.wait_for(lambda c: last_presence(c).get("typing") == 2)
    await cem.wait_for(lambda c: last_presence(c).get("typing") == 2)
    # the same person on a second device counts once
    second = await BoardClient.connect(
        live_server.ws_url, w.board_id, w.tokens["Ann"], since=None, name="Ann-2"
    )
    await second.send_raw(json.dumps({"type": "typing", "typing": True}))
    await ben.send_raw(json.dumps({"type": "typing", "typing": False}))
    await fac.wait_for(lambda c: last_presence(c).get("typing") == 1)
    # a wrong value is refused; the facilitator's flag is not counted
    await cem.send_raw(json.dumps({"type": "typing", "typing": "yes"}))
    await cem.wait_for(lambda c: any(f.get("code") == "bad_request" for f in c.frames))
    await fac.send_raw(json.dumps({"type": "typing", "typing": True}))
    # leaving clears the flag of that connection only
    await ann.close()
    await fac.ok("prompt.set", text="Ich will ___ heute")
    await fac.wait_for(lambda c: last_presence(c).get("typing") == 1)
    await second.close()
    await fac.wait_for(lambda c: last_presence(c).get("typing") == 0)
    # presence never names who types: only the facilitator's copy has ids, of who is online
    for frame in cem.frames:
        if frame.get("type") == "presence":
            assert set(frame) == {
                "type",
                "online",
                "participants_online",
                "typing",
                "timer",
                "server_time",
                "counts",  # issue 12: how far the room has got, counts only
            }
            assert all(
                isinstance(v, (int, bool, dict)) or v is None for v in frame["counts"].values()
            )
    # a phase change ends every draft
    await cem.send_raw(json.dumps({"type": "typing", "typing": True}))
    await fac.wait_for(lambda c: last_presence(c).get("typing") == 1)
    await w.advance("generate")
    await fac.wait_for(lambda c: last_presence(c).get("typing") == 0)
    await fac.close()
    await ben.close()
    await cem.close()


async def test_a_timer_ends_with_its_phase(live_server: LiveServer) -> None:
    w = await open_workshop(live_server, names=("Ann",))
    fac, ann = w.facilitator, w.participants[0]
    await w.advance("ignite")
    await fac.ok("timer.set", seconds=1)
    await ann.wait_for(lambda c: isinstance(last_presence(c)["timer"], dict))
    assert last_presence(ann)["timer"]["seconds"] == 1
    await w.advance("generate")
    await ann.wait_for(lambda c: last_presence(c)["timer"] is None)
    await fac.wait_for(lambda c: last_presence(c)["timer"] is None)
    late = await BoardClient.connect(live_server.ws_url, w.board_id, w.tokens["Ann"], since=None)
    assert late.welcome is not None and late.welcome["timer"] is None
    # a timer set in the new phase runs as before
    await fac.ok("timer.set", seconds=300)
    await late.wait_for(lambda c: any(f.get("type") == "presence" and f["timer"] for f in c.frames))
    await late.close()
    await w.close()
