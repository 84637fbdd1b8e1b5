"""A minimal WebSocket client over ``asyncio.Protocol``, cheap enough to run 1,000 at once.

The ``websockets`` library costs ~16 us per received message; this costs a few: it
parses server frames (unmasked) straight from the receive buffer and hands each text
payload to ``on_frame``. Client frames are masked, as RFC 6455 requires,
with the all-zero key, so masking copies nothing (servers do not check the key's
randomness; a load client has no proxy cache to poison). With ``deflate`` it offers
permessage-deflate as Chromium does; it never compresses what it sends (RFC 7692 allows
that), and a compressed frame it receives goes to ``on_compressed`` (else it is inflated
and handed to ``on_frame``).

A frame is handed over where it lies (``on_frame(buf, start, end, now)``), not copied out:
at 100 events a second to 1,000 clients, or a reveal of 800 KB to each, every copy of a
payload is load-side CPU that ends up in the measured latency.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
import zlib
from collections.abc import Callable

_ZERO_MASK = b"\x00\x00\x00\x00"
OnFrame = Callable[[bytes | bytearray, int, int, int], None]
#: What Chromium offers.
DEFLATE_OFFER = "permessage-deflate; client_max_window_bits"


def inflate(payload: bytes | bytearray) -> bytes:
    """A compressed message's payload, as sent with no context takeover."""
    return zlib.decompressobj(-15).decompress(bytes(payload) + b"\x00\x00\xff\xff")


def client_frame(payload: bytes, opcode: int = 1) -> bytes:
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + struct.pack("!H", n)
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + struct.pack("!Q", n)
    return head + _ZERO_MASK + payload


class WSClient(asyncio.Protocol):
    """One connection. ``on_frame(buf, start, end, arrived_ns)`` gets every text frame:
    its payload is ``buf[start:end]``, valid only during the call."""

    def __init__(
        self,
        host: str,
        path: str,
        on_frame: OnFrame,
        *,
        deflate: bool = False,
        on_compressed: OnFrame | None = None,
    ) -> None:
        self.host = host
        self.path = path
        self.on_frame = on_frame
        self.deflate = deflate
        self.on_compressed = on_compressed
        #: The server's ``Sec-WebSocket-Extensions`` answer ("" when none).
        self.extensions = ""
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None
        self._handshaken = False
        self._fragments: list[bytearray] = []
        self._fragments_compressed = False
        self._key = base64.b64encode(os.urandom(16)).decode()

    # -- asyncio.Protocol -------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {self._key}\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            + (f"Sec-WebSocket-Extensions: {DEFLATE_OFFER}\r\n" if self.deflate else "")
            + "\r\n"
        )
        transport.write(request.encode())

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"closed during handshake: {exc}"))
        if not self.closed.done():
            self.closed.set_result(self.close_code if self.close_code is not None else 1006)

    def data_received(self, data: bytes) -> None:
        now = time.time_ns()
        buf = self.buf
        if not self._handshaken:
            buf += data
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buf[: buf.find(b"\r\n")])
            for line in bytes(buf[:end]).split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"sec-websocket-extensions":
                    self.extensions = value.strip().decode()
            del buf[: end + 4]
            if b" 101 " not in status:
                self.opened.set_exception(ConnectionError(status.decode(errors="replace")))
                assert self.transport is not None
                self.transport.close()
                return
            self._handshaken = True
            self.opened.set_result(None)
            data, buf = bytes(buf), bytearray()
            self.buf = buf
        # parse straight from what arrived unless a frame was left over from before
        src: bytes | bytearray = data
        if buf:
            buf += data
            src = buf
        pos = self._frames(src, now)
        if src is buf:
            del buf[:pos]
        elif pos < len(data):
            buf += memoryview(data)[pos:]

    def _frames(self, src: bytes | bytearray, now: int) -> int:
        """Hand over every whole frame in ``src``; the offset of the first incomplete one."""
        pos = 0
        size = len(src)
        on_frame = self.on_frame
        while size - pos >= 2:
            b0 = src[pos]
            n = src[pos + 1] & 0x7F
            head = 2
            if n == 126:
                if size - pos < 4:
                    break
                n = (src[pos + 2] << 8) | src[pos + 3]
                head = 4
            elif n == 127:
                if size - pos < 10:
                    break
                n = int.from_bytes(src[pos + 2 : pos + 10], "big")
                head = 10
            start = pos + head
            end = start + n
            if end > size:
                break
            pos = end
            opcode = b0 & 0x0F
            fin = b0 & 0x80
            if opcode == 1 or opcode == 2:
                if not fin:
                    self._fragments = [bytearray(src[start:end])]
                    self._fragments_compressed = bool(b0 & 0x40)
                elif b0 & 0x40:
                    self._compressed(src, start, end, now)
                else:
                    on_frame(src, start, end, now)
            elif opcode == 0:
                self._fragments.append(bytearray(src[start:end]))
                if fin:
                    whole = bytearray().join(self._fragments)
                    self._fragments = []
                    if self._fragments_compressed:
                        self._compressed(whole, 0, len(whole), now)
                    else:
                        on_frame(whole, 0, len(whole), now)
            elif opcode == 9:  # ping
                self._write(client_frame(bytes(src[start:end]), 0xA))
            elif opcode == 8:  # close
                payload = src[start:end]
                self.close_code = (payload[0] << 8 | payload[1]) if len(payload) >= 2 else 1005
                self._write(client_frame(bytes(payload[:2]), 0x8))
                assert self.transport is not None
                self.transport.close()
                break
        return pos

    def _compressed(self, src: bytes | bytearray, start: int, end: int, now: int) -> None:
        if self.on_compressed is not None:
            self.on_compressed(src, start, end, now)
            return
        data = inflate(src[start:end])
        self.on_frame(data, 0, len(data), now)

    # -- sending ------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def send(self, payload: bytes) -> None:
        self._write(client_frame(payload))

    def close(self, code: int = 1000) -> None:
        self._write(client_frame(struct.pack("!H", code), 0x8))

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def pause_reading(self) -> None:
        if self.transport is not None:
            self.transport.pause_reading()


async def connect(
    host: str,
    port: int,
    path: str,
    on_frame: OnFrame,
    *,
    deflate: bool = False,
    on_compressed: OnFrame | None = None,
) -> WSClient:
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_connection(
        lambda: WSClient(
            f"{host}:{port}", path, on_frame, deflate=deflate, on_compressed=on_compressed
        ),
        host,
        port,
    )
    await proto.opened
    return proto
