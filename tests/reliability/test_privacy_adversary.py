"""An adversarial participant learns nothing the privacy rules hide, by any route.

Eve stays connected through a whole game while Ann and Ben write notes carrying secret
markers and rank. After every step Eve also reconnects with every possible ``since``
(null, 0 .. seq, past the end), asks for every export early, and pokes at the others'
notes by id. Every frame and body she ever receives is searched:

- no other participant's draft text before ``notes.revealed``;
- no other participant's ranking order, and no ``results``, before the board is closed;
- on anonymous boards no author of anyone else's note (nor who moved a note or made a
  column), not in events, snapshots, replays, error messages or exports; the
  facilitator's frames obey the same anonymity.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from reliability_kit import Board

from support.live import LiveServer
from support.wsclient import BoardClient

FORMATS = ("json", "csv", "md", "html")


def dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from dicts(item)


class Adversary:
    def __init__(self, board: Board, who: str, anonymous: bool) -> None:
        self.board = board
        self.who = who
        self.anonymous = anonymous
        self.secrets: set[str] = set()
        #: Everything received, as (phase it was received in, frame or body).
        self.seen: list[tuple[str, Any]] = []
        #: The adversary's own id as the server told it (``welcome.you``).
        self.my_id: str | None = None

    @property
    def me(self) -> str:
        return (
            self.board.ids.get(self.who)
            or self.my_id
            or self.board.created.get("facilitator_id", "?")
        )

    async def probe(self, live: BoardClient, phase: str, revealed: bool, closed: bool) -> None:
        seq = live.seq
        for since in [None, *range(0, seq + 1), seq + 1, seq + 1000]:
            client = await self.board.connect(self.who, since=since)
            await client.close()
            self.seen.extend((phase, f) for f in client.frames)
        async with httpx.AsyncClient(base_url=self.board.server.base_url) as http:
            for fmt in FORMATS:
                response = await http.get(
                    f"/api/boards/{self.board.board_id}/export.{fmt}",
                    headers={"authorization": f"Bearer {self.board.tokens[self.who]}"},
                )
                is_facilitator = self.who == "facilitator"
                assert response.status_code == (200 if closed or is_facilitator else 403)
                self.seen.append((phase, {"export": fmt, "body": response.text}))
        self.seen.extend((phase, f) for f in live.frames)
        self.check(revealed, closed)

    def check(self, revealed: bool, closed: bool) -> None:
        for phase, frame in self.seen:
            text = json.dumps(frame, ensure_ascii=False)
            if not revealed and phase in ("ignite", "generate"):
                leaked = [s for s in self.secrets if s in text]
                assert not leaked, f"{self.who} saw draft text {leaked} in {phase}: {text[:300]}"
            for item in dicts(frame):
                self.check_item(item, phase, closed)
            if self.anonymous and "export" in frame and frame["export"] == "json":
                for item in dicts(json.loads(frame["body"])):
                    author = item.get("author")
                    if isinstance(author, dict):
                        assert author.get("id") in (None, self.me), item

    def check_item(self, item: dict[str, Any], phase: str, closed: bool) -> None:
        kind = item.get("kind")
        if kind == "ranking.submitted" and item.get("participant_id") != self.me:
            assert item.get("order") is None, f"{self.who} saw another's ranking: {item}"
        if phase != "close":
            assert not item.get("results"), f"results before close: {item}"
            assert not item.get("orders"), f"individual orders before close: {item}"
        if self.anonymous:
            for key in ("author", "by"):
                value = item.get(key)
                assert value in (None, self.me), f"{self.who} learned {key}={value}: {item}"
            if "participant_id" in item and "order" in item and "criterion" in item:
                if kind is None:  # an order inside results, not the sender's own event
                    assert item["participant_id"] is None, item


@pytest.mark.slow
@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "named"])
@pytest.mark.parametrize("who", ["eve", "facilitator"])
async def test_adversary_learns_nothing_early(
    live_server: LiveServer, anonymous: bool, who: str
) -> None:
    board = await Board.open(live_server, anonymous=anonymous, top_n=1)
    await board.join("Ann-zq1", "Ben-zq2", "eve")
    clients = {n: await board.connect(n) for n in ("facilitator", "Ann-zq1", "Ben-zq2", "eve")}
    fac, ann, ben = clients["facilitator"], clients["Ann-zq1"], clients["Ben-zq2"]
    adversary = Adversary(board, who, anonymous)
    live = clients[who]
    adversary.my_id = live.you.get("id")

    async def step(phase: str, revealed: bool = False, closed: bool = False) -> None:
        top = max(c.seq for c in clients.values())
        for client in clients.values():
            await client.wait_seq(top)
        await adversary.probe(live, phase, revealed, closed)

    try:
        await step("ignite")
        await fac.ok("phase.advance", **{"from": "ignite"})
        for i, (author, client) in enumerate([("ann", ann), ("ben", ben)]):
            secret = f"SECRET-{author}-{i}-draft"
            adversary.secrets.add(secret)
            await client.ok("note.create", note_id=f"{author}-note", text=secret)
            edited = f"SECRET-{author}-{i}-edited"
            adversary.secrets.add(edited)
            await client.ok("note.edit", note_id=f"{author}-note", text=edited)
            await client.ok("note.create", note_id=f"{author}-gone", text=f"SECRET-{author}-gone")
            adversary.secrets.add(f"SECRET-{author}-gone")
            await client.ok("note.delete", note_id=f"{author}-gone")
        if who == "eve":
            await clients["eve"].ok("note.create", note_id="eve-note", text="eve's own")
            for poke in ("note.edit", "note.delete"):
                reply = await clients["eve"].command(poke, note_id="ann-note", text="mine now")
                assert reply["code"] == "forbidden", reply
            reply = await clients["eve"].command("note.create", note_id="ann-note", text="x")
            assert reply["code"] == "forbidden", reply
        await step("generate")

        await fac.ok("phase.advance", **{"from": "generate"})
        await ann.ok("column.create", column_id="col-a")
        await ben.ok("column.create", column_id="col-b")
        notes = ["ann-note", "ben-note"] + (["eve-note"] if who == "eve" else [])
        for i, note_id in enumerate(notes):
            await ann.ok("note.move", note_id=note_id, column_id=("col-a", "col-b")[i % 2])
        await step("affinity", revealed=True)
        everything = json.dumps([f for _, f in adversary.seen], ensure_ascii=False)
        assert "SECRET-ann-0-edited" in everything, "the search must see revealed texts"

        await fac.ok("phase.advance", **{"from": "affinity"})
        await ann.ok("column.propose", column_id="col-a", name="Kunden zuerst")
        await ben.ok("column.propose", column_id="col-a", name="Kunden zuerst")
        await step("name", revealed=True)
        await fac.ok("column.name", column_id="col-a", name="Named A")
        await fac.ok("column.name", column_id="col-b", name="Named B")
        await fac.ok("phase.advance", **{"from": "name"})
        await ann.ok("ranking.submit", criterion="impact", order=["col-b", "col-a"])
        await ben.ok("ranking.submit", criterion="impact", order=["col-a", "col-b"])
        if who == "eve":
            await clients["eve"].ok("ranking.submit", criterion="impact", order=["col-a", "col-b"])
        await step("rank", revealed=True)

        await fac.ok("phase.advance", **{"from": "rank"})
        await step("close", revealed=True, closed=True)
        assert any("orders" in item for _, f in adversary.seen for item in dicts(f)), (
            "after close the results carry the orders"
        )
    finally:
        for client in clients.values():
            await client.close()
