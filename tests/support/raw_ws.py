"""A WebSocket client that shows the frames as they are on the wire: RSV1 (compressed) or
not, and the extension the server agreed to. It offers what the test says, as a
browser would, and can send a compressed message (RFC 7692, no context takeover)."""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import zlib
from dataclasses import dataclass


@dataclass
class WireFrame:
    opcode: int
    compressed: bool
    payload: bytes

    def text(self) -> str:
        """The message as the application sees it (inflated if it came compressed)."""
        data = self.payload
        if self.compressed:
            data = zlib.decompressobj(-15).decompress(data + b"\x00\x00\xff\xff")
        return data.decode()


class RawSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.extensions = ""

    @classmethod
    async def open(cls, port: int, path: str, offer: str | None) -> RawSocket:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if offer is not None:
            lines.append(f"Sec-WebSocket-Extensions: {offer}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        assert " 101 " in head.split("\r\n")[0], head
        sock = cls(reader, writer)
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "sec-websocket-extensions":
                sock.extensions = value.strip()
        return sock

    async def send_text(self, text: str, *, compress: bool = False) -> None:
        data = text.encode()
        first = 0x81
        if compress:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            data = (c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH))[:-4]
            first |= 0x40
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            head = bytes((first, 0x80 | n))
        elif n < 65536:
            head = bytes((first, 0x80 | 126)) + struct.pack("!H", n)
        else:
            head = bytes((first, 0x80 | 127)) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        self.writer.write(head + mask + masked)
        await self.writer.drain()

    async def frame(self, within: float = 10) -> WireFrame:
        return await asyncio.wait_for(self._frame(), within)

    async def _frame(self) -> WireFrame:
        b0, b1 = await self.reader.readexactly(2)
        assert not b1 & 0x80, "a server frame must not be masked"
        n = b1 & 0x7F
        if n == 126:
            (n,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif n == 127:
            (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
        assert b0 & 0x80, "the server sends every message as one frame"
        payload = await self.reader.readexactly(n)
        return WireFrame(b0 & 0x0F, bool(b0 & 0x40), payload)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()
