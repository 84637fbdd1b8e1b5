"""A scripted board client over a real WebSocket: commands, replies, and a folded board.

It folds the events it receives with ``games`` itself, so a test can compare what two
clients believe the board is, and it records any gap or repeat in ``seq``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

import httpx
import websockets

from gamestorm import games

_cids = itertools.count(1)


async def create_board(base_url: str, **options: Any) -> dict[str, Any]:
    body = {"title": "Workshop", "prompt": "Ich will ___", **options}
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post("/api/boards", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def join(base_url: str, join_code: str, name: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.post("/api/join", json={"join_code": join_code, "name": name})
    assert response.status_code == 201, response.text
    return dict(response.json())


class BoardClient:
    def __init__(self, ws: Any, name: str = "") -> None:
        self.ws = ws
        self.name = name
        self.frames: list[dict[str, Any]] = []
        self.welcome: dict[str, Any] | None = None
        self.you: dict[str, Any] = {}
        self.seq = 0
        self.state: games.BoardState | None = None
        self.events: list[dict[str, Any]] = []
        self.order_errors: list[str] = []
        self.closed: int | None = None
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(
        cls,
        ws_url: str,
        board_id: str,
        token: str,
        since: int | None = 0,
        name: str = "",
        batch: bool = False,
    ) -> BoardClient:
        query = "?batch=1" if batch else ""
        ws = await websockets.connect(f"{ws_url}/ws/{board_id}{query}", max_size=None)
        client = cls(ws, name)
        await ws.send(json.dumps({"type": "hello", "token": token, "since": since}))
        await client.wait_for(lambda c: c.welcome is not None or c.closed is not None)
        return client

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                self.frames.append(frame)
                self._take(frame)
                async with self._changed:
                    self._changed.notify_all()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.closed = self.ws.close_code if self.ws.close_code is not None else 1006
            async with self._changed:
                self._changed.notify_all()

    def _take(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "welcome":
            self.welcome = frame
            self.you = frame["you"]
            if "events" in frame:
                if frame["events"] and frame["events"][0]["seq"] == 1:
                    self.state = None
                    self.events = []
                    self.seq = 0
                for item in frame["events"]:
                    self._event(item["seq"], item["event"])
            else:
                self.state = None
                self.seq = frame["seq"]
        elif kind == "event":
            self._event(frame["seq"], frame["event"])
        elif kind == "events":  # ?batch=1: several events in one frame
            for item in frame["events"]:
                self._event(item["seq"], item["event"])

    def _event(self, seq: int, event: dict[str, Any]) -> None:
        if seq != self.seq + 1:
            self.order_errors.append(f"expected seq {self.seq + 1}, got {seq}")
        self.seq = seq
        self.events.append(event)
        if seq == 1:
            self.state = games.fold([games.from_dict(event)])
        elif self.state is not None:
            games.apply(self.state, games.from_dict(event))

    async def wait_for(self, predicate: Callable[[BoardClient], bool], within: float = 10) -> None:
        async def check() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self))

        await asyncio.wait_for(check(), within)

    async def wait_seq(self, seq: int, within: float = 10) -> None:
        await self.wait_for(lambda c: c.seq >= seq, within)

    async def send_raw(self, data: str | bytes) -> None:
        await self.ws.send(data)

    async def command(self, kind: str, within: float = 10, **args: Any) -> dict[str, Any]:
        """Send a command and return its one reply (ack or error)."""
        cid = f"c{next(_cids)}"
        await self.ws.send(json.dumps({"type": kind, "cid": cid, **args}))
        return await self.reply(cid, within)

    async def reply(self, cid: str | None, within: float = 10) -> dict[str, Any]:
        def found(c: BoardClient) -> bool:
            return any(_is_reply(f, cid) for f in c.frames) or c.closed is not None

        await self.wait_for(found, within)
        for frame in self.frames:
            if _is_reply(frame, cid):
                return frame
        raise ConnectionError(f"closed ({self.closed}) before a reply to {cid}")

    async def ok(self, kind: str, **args: Any) -> int:
        """Send a command that must be acked; return the acked seq, with its events held."""
        reply = await self.command(kind, **args)
        assert reply["type"] == "ack", reply
        assert self.seq >= reply["seq"], "ack before its events"
        return int(reply["seq"])

    def replies(self, cid: str | None) -> list[dict[str, Any]]:
        return [f for f in self.frames if _is_reply(f, cid)]

    def texts_seen(self) -> str:
        """Every frame this client received, as one string, to search for leaks."""
        return "\n".join(json.dumps(f, ensure_ascii=False) for f in self.frames)

    async def close(self) -> None:
        await self.ws.close()
        await self._reader


def _is_reply(frame: dict[str, Any], cid: str | None) -> bool:
    return frame.get("type") in ("ack", "error") and frame.get("cid") == cid
