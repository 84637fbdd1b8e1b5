"""A real ``gamestorm serve`` process on a loopback port, with its own SQLite file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(
        self,
        db_path: Path,
        port: int | None = None,
        env: dict[str, str] | None = None,
        extra_args: list[str] | None = None,
        db_url: str | None = None,
    ):
        """``db_url``: another database than the SQLite file ``db_path`` (PostgreSQL);
        ``db_path`` then only names the log file."""
        self.db_path = db_path
        self._db_url = db_url
        self.port = port or free_port()
        # Every test joins from 127.0.0.1; the join throttle is tested on its own.
        self.env = {
            "GAMESTORM_JOINS_PER_MINUTE": "100000",
            "GAMESTORM_FAILED_JOINS": "100000",
            "GAMESTORM_FAILED_LOOKUPS_PER_MINUTE": "100000",
            "GAMESTORM_BOARDS_PER_MINUTE": "100000",
            "GAMESTORM_SOCKETS_PER_TOKEN": "100000",
            **(env or {}),
        }
        self.extra_args = list(extra_args or [])
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = db_path.with_suffix(".log")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def db_url(self) -> str:
        return self._db_url or f"sqlite+aiosqlite:///{self.db_path}"

    def start(self) -> LiveServer:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gamestorm.server.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--db",
                    self.db_url,
                    "--log-level",
                    "warning",
                    *self.extra_args,
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
            )
        self._wait_healthy()
        return self

    def _wait_healthy(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        raise RuntimeError(f"server did not come up: {self.log_path.read_text()[-2000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.process = None
        return code

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def restart(self) -> LiveServer:
        self.stop()
        return self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
