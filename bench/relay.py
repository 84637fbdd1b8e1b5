"""The baseline: a bare ``websockets`` broadcast relay that speaks just enough of the wire.

``hello`` -> ``welcome``; any frame with a ``cid`` -> the next seq of its path (its
"board"), one ``event`` frame to everyone on that path with ``websockets.broadcast``,
then the ``ack`` to the sender. No rules, no storage, no redaction, no backpressure: what
a Python relay costs per delivery, for the report to compare the server with.

    python -m bench.relay --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import orjson
from websockets.asyncio.server import ServerConnection, broadcast, serve


class Relay:
    def __init__(self) -> None:
        self.rooms: dict[str, set[ServerConnection]] = {}
        self.seqs: dict[str, int] = {}

    async def handle(self, ws: ServerConnection) -> None:
        path = ws.request.path if ws.request is not None else "/"
        room = self.rooms.setdefault(path, set())
        try:
            hello = orjson.loads(await ws.recv())
            you: dict[str, Any] = {"id": str(hello.get("token")), "name": "", "role": "participant"}
            seq = self.seqs.get(path, 0)
            await ws.send(
                orjson.dumps({"type": "welcome", "you": you, "seq": seq, "events": []}).decode()
            )
            room.add(ws)
            async for raw in ws:
                frame = orjson.loads(raw)
                cid = frame.pop("cid", None)
                if cid is None:
                    continue
                seq = self.seqs[path] = self.seqs.get(path, 0) + 1
                kind = frame.pop("type", "")
                event = {"kind": kind.replace(".move", ".moved"), **frame, "by": None}
                broadcast(
                    room, orjson.dumps({"type": "event", "seq": seq, "event": event}).decode()
                )
                await ws.send(orjson.dumps({"type": "ack", "cid": cid, "seq": seq}).decode())
        except Exception:  # noqa: BLE001 - a relay for a benchmark: drop the client
            pass
        finally:
            room.discard(ws)


async def main(host: str, port: int) -> None:
    relay = Relay()
    async with serve(relay.handle, host, port, compression=None, max_size=None, ping_interval=None):
        print(f"relay listening on {host}:{port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main(args.host, args.port))
