"""uvicorn, with a shutdown that loses no acknowledgement.

On SIGTERM uvicorn closes every WebSocket (1012) before the app's lifespan ends, so
commands still queued in a board would commit with no one left to ack them. This
server first lets every board finish its queue and deliver the acks, then closes.
"""

from __future__ import annotations

import socket

import uvicorn

from .hub import Hub


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, hub: Hub) -> None:
        super().__init__(config)
        self.hub = hub

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.hub.drain()
        await super().shutdown(sockets)
