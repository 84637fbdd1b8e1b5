"""On an anonymous board nobody, the facilitator included, can tie an order to a person.

Three participants rank two criteria. Every other viewer (the facilitator, the
projector, a participant) is searched in live frames, in replays from every ``since``
and in snapshots: the public ``ranking.submitted`` names no one (only the sender's own
copy carries the sender), the snapshot's ``rankings.submitted`` lists the viewer alone,
and the counts (rankers, rankings, per criterion) are still there. After close the
orders in the results and in every export format are, criterion by criterion, sorted by
their content, without names: their position says nothing about who sent them.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from reliability_kit import Board

from support.live import LiveServer

COLUMNS = ["col-a", "col-b", "col-c"]
#: Each person's orders: chosen so that the order of people differs between criteria
#: once each criterion is sorted by content (a per-person index would show).
ORDERS = {
    "Ann": {"impact": ["col-c", "col-b", "col-a"], "effort": ["col-a", "col-b", "col-c"]},
    "Ben": {"impact": ["col-a", "col-b", "col-c"], "effort": ["col-c", "col-a", "col-b"]},
    "Cat": {"impact": ["col-b", "col-a", "col-c"], "effort": ["col-b", "col-c", "col-a"]},
}


def items(value: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if isinstance(value, dict):
        out.append(value)
        for v in value.values():
            out += items(v)
    elif isinstance(value, list):
        for v in value:
            out += items(v)
    return out


def check_frames(frames: list[dict[str, Any]], me: str | None, ids: set[str]) -> None:
    """No ranking event names another person; no snapshot lists another's rankings."""
    for frame in frames:
        for item in items(frame):
            if item.get("kind") == "ranking.submitted":
                assert item["participant_id"] in (None, me), f"{me} learned a ranker: {item}"
                counts = item.get("counts")
                assert counts and counts["rankings"] >= 1, f"no counts in {item}"
            if "submitted" in item and "mine" in item:  # a snapshot's rankings
                assert set(item["submitted"]) <= {me}, f"{me} learned who ranked: {item}"
            if "orders" in item and isinstance(item["orders"], list):
                assert all(o["participant_id"] is None for o in item["orders"]), item
                check_sorted(item["orders"], key=lambda o: o["order"])
        if frame.get("type") == "presence":  # presence: test_presence_anonymity.py
            continue
        text = json.dumps(frame)
        leaked = {i for i in ids - {me} if i in text and i not in _known(frame)}
        assert not leaked, f"{me} saw ranker ids {leaked} in {text[:300]}"


def _known(frame: dict[str, Any]) -> str:
    """The parts of a frame that name people anyway (the participant list)."""
    state = frame.get("state") or {}
    if (frame.get("event") or {}).get("kind") == "participant.joined":
        return json.dumps(frame)
    return json.dumps(state.get("participants", [])) + json.dumps(
        [e for e in frame.get("events", []) if e["event"]["kind"] == "participant.joined"]
    )


def check_sorted(orders: list[dict[str, Any]], key: Any) -> None:
    per: dict[str, list[Any]] = {}
    for o in orders:
        per.setdefault(o["criterion"], []).append(key(o))
    for criterion, keys in per.items():
        assert keys == sorted(keys), f"{criterion}: orders not sorted by content: {keys}"


async def test_nobody_can_tie_an_anonymous_order_to_a_person(live_server: LiveServer) -> None:
    board = await Board.open(live_server, anonymous=True, top_n=1, criteria=["impact", "effort"])
    await board.join("Ann", "Ben", "Cat", "Dan")
    names = ["facilitator", "Ann", "Ben", "Cat", "Dan"]
    clients = {n: await board.connect(n) for n in names}
    projector = await board.connect_token(board.created["projector_token"], name="projector")
    fac = clients["facilitator"]
    ids = set(board.ids.values())

    async def settle() -> None:
        top = max(c.seq for c in [*clients.values(), projector])
        for c in [*clients.values(), projector]:
            await c.wait_seq(top)

    try:
        await fac.ok("phase.advance", **{"from": "ignite"})
        for i in range(len(COLUMNS)):
            await clients["Ann"].ok("note.create", note_id=f"n{i}", text=f"note {i}")
        await fac.ok("phase.advance", **{"from": "generate"})
        for i, col in enumerate(COLUMNS):
            await clients["Dan"].ok("column.create", column_id=col)
            await clients["Dan"].ok("note.move", note_id=f"n{i}", column_id=col)
        await fac.ok("phase.advance", **{"from": "affinity"})
        for col in COLUMNS:
            await fac.ok("column.name", column_id=col, name=f"Name {col}")
        await fac.ok("phase.advance", **{"from": "name"})
        for criterion in ("impact", "effort"):
            for who, orders in ORDERS.items():
                order = orders[criterion]
                await clients[who].ok("ranking.submit", criterion=criterion, order=order)
        # a resubmission counts once
        await clients["Ann"].ok("ranking.submit", criterion="impact", order=ORDERS["Ann"]["impact"])
        await settle()

        async def probe(closed: bool) -> None:
            viewers = {"facilitator": fac.you["id"], **{n: board.ids[n] for n in ("Dan", "Ann")}}
            for who, me in viewers.items():
                seq = clients[who].seq
                frames = list(clients[who].frames)
                for since in [None, 0, seq // 2, seq - 3]:
                    c = await board.connect(who, since=since)
                    await c.close()
                    frames += c.frames
                    if since is None:
                        snap = c.welcome["state"]
                check_frames(frames, me, ids)
                counts = snap["counts"]
                assert (counts["rankers"], counts["rankings"]) == (3, 6), counts
                per = snap["rankings"]["per_criterion"]
                assert per == {"impact": 3, "effort": 3}, per
            check_frames(projector.frames, None, ids)
            last = [e for e in fac.events if e["kind"] == "ranking.submitted"][-1]
            assert last["counts"] == {
                "rankers": 3,
                "rankings": 6,
                "ranked_complete": 3,
                "per_criterion": {"impact": 3, "effort": 3},
            }
            own = [
                e
                for e in clients["Ann"].events
                if e["kind"] == "ranking.submitted" and e["participant_id"] == board.ids["Ann"]
            ]
            assert len(own) == 3 and all(e["order"] for e in own), "the sender sees its own"

        await probe(closed=False)
        await fac.ok("phase.advance", **{"from": "rank"})
        await settle()
        await probe(closed=True)
        await exports_are_unlinkable(board, ids)
    finally:
        for c in [*clients.values(), projector]:
            await c.close()


async def exports_are_unlinkable(board: Board, ids: set[str]) -> None:
    async with httpx.AsyncClient(base_url=board.server.base_url) as http:
        for who in ("facilitator", "Ann", "Dan"):
            auth = {"authorization": f"Bearer {board.tokens[who]}"}
            url = f"/api/boards/{board.board_id}/export"
            report = (await http.get(f"{url}.json", headers=auth)).json()
            place = {c["column_id"]: i for i, c in enumerate(report["candidates"])}
            orders = report["orders"]
            assert len(orders) == 6
            assert all("participant" not in o for o in orders), orders
            check_sorted(orders, key=lambda o: [place[c] for c in o["order"]])
            mine = [o for o in orders if o["mine"]]
            assert len(mine) == (2 if who == "Ann" else 0), mine
            names = {c["column_id"]: c["name"] for c in report["candidates"]}
            expected = [(o["criterion"], [names[c] for c in o["order"]]) for o in orders]
            for fmt in ("md", "html", "csv"):
                body = (await http.get(f"{url}.{fmt}", headers=auth)).text
                leaked = {i for i in ids if i in body}
                assert not leaked, f"{fmt} export names rankers {leaked}"
                for name in ("Ann", "Ben", "Cat"):
                    assert not re.search(rf"\b{name}\b", body), f"{fmt} export names {name}"
                if fmt == "csv":
                    continue
                rows = _order_rows(body, fmt)
                assert rows == expected, f"{fmt}: orders {rows} != {expected}"


def _order_rows(body: str, fmt: str) -> list[tuple[str, list[str]]]:
    """The individual orders table of a Markdown or HTML export, row by row."""
    rows = []
    if fmt == "md":
        section = body.split("## Individual orders", 1)[1].split("\n## ", 1)[0]
        for line in section.splitlines():
            if line.startswith(("| impact", "| effort")):
                cells = [c.strip() for c in line.strip("|").split("|")]
                rows.append((cells[0], [x.strip() for x in cells[1].split(">")]))
    else:
        section = body.split("Individual orders", 1)[1].split("</table>", 1)[0]
        for row in re.findall(r"<tr>(.*?)</tr>", section, flags=re.S)[1:]:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            rows.append((cells[0], [x.strip() for x in cells[1].split("&gt;")]))
    return rows
