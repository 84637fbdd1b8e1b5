"""A private ``redis-server`` on a free loopback port, which a test may stop, restart,
freeze (SIGSTOP: a connection that dies without saying so) and thaw.

The machine's Redis on 6379 is shared by everyone; taking it away would break other
tests. This one keeps nothing (``--save ''``, no AOF) and answers on ``url``.

    with PrivateRedis() as redis:
        fanout = RedisFanout(redis.url)
        redis.restart()
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from types import TracebackType


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def answers(port: int, timeout: float = 0.5) -> bool:
    """True if a Redis on ``port`` answers PING with PONG."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class PrivateRedis:
    """One redis-server process of this test run; the port stays the same across restarts."""

    def __init__(self, port: int | None = None, *, binary: str = "redis-server") -> None:
        found = shutil.which(binary)
        if found is None:
            raise RuntimeError(f"{binary} is not installed (.ci/run installs redis-server)")
        self.binary = found
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._dir = tempfile.mkdtemp(prefix="gs-redis-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> PrivateRedis:
        """Start the server and return once it answers PING."""
        if self.process is not None:
            raise RuntimeError("already running")
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", self._dir]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while not answers(self.port):
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"redis-server on port {self.port} exited at start")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server on port {self.port} did not answer")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop the server (SIGKILL after 5 s of SIGTERM); every client connection drops."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def restart(self) -> None:
        """Stop and start again on the same port: what a Redis restart looks like."""
        self.stop()
        self.start()

    def freeze(self) -> None:
        """SIGSTOP: connections stay open and nothing answers (a silent death)."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> PrivateRedis:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
