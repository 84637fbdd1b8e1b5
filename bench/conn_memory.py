"""What one WebSocket connection costs the server, by allocation site (tracemalloc).

    python -m bench.conn_memory --participants 1000 [--batch] [--top 25]

Starts the real server in a subprocess under ``tracemalloc``, joins ``participants`` to
one board, takes a snapshot, connects them all, lets presence settle, takes another and
prints the difference per connection, grouped by the line that allocated it. RSS says
how much; this says where (``python -m bench`` reports the RSS figure).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from .load import BenchClient, raise_nofile
from .run import ROOT, free_port, new_board, rss_kb

# the server, under tracemalloc; SIGUSR1 writes a snapshot to the file named in argv[1]
_WRAPPER = """
import signal, sys, tracemalloc
tracemalloc.start(4)
out = sys.argv.pop(1)
def dump(*_):
    tracemalloc.take_snapshot().dump(out)
    open(out + ".done", "w").close()
signal.signal(signal.SIGUSR1, dump)
from gamestorm.server.cli import main
sys.argv[0] = "gamestorm"
main()
"""


class Server:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.host = "127.0.0.1"
        self.snap = workdir / "snap"
        db = workdir / "memory.db"
        cmd = [
            sys.executable, "-c", _WRAPPER, str(self.snap), "serve", "--port", str(self.port),
            "--db", f"sqlite+aiosqlite:///{db}", "--log-level", "warning",
            "--joins-per-minute", "1000000", "--sockets-per-token", "1000000",
        ]  # fmt: skip
        self.process = subprocess.Popen(cmd, cwd=ROOT, preexec_fn=raise_nofile)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with __import__("socket").create_connection((self.host, self.port), 0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def snapshot(self) -> tracemalloc.Snapshot:
        """Blocks while the server writes it (the clients are idle meanwhile)."""
        done = Path(str(self.snap) + ".done")
        done.unlink(missing_ok=True)
        os.kill(self.process.pid, signal.SIGUSR1)
        while not done.exists():
            time.sleep(0.1)
        return tracemalloc.Snapshot.load(str(self.snap))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


async def probe(participants: int, batch: bool, top: int, traceback: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="gamestorm-memory-") as tmp:
        server = Server(Path(tmp))
        try:
            board = await new_board(server, participants)  # type: ignore[arg-type]
            await asyncio.sleep(1.0)
            before, rss0 = server.snapshot(), rss_kb([server.process.pid])
            clients = [BenchClient(0, board["path"], t, batch=batch) for t in board["tokens"]]
            gate = asyncio.Semaphore(50)

            async def one(client: BenchClient) -> None:
                async with gate:
                    await client.open(server.host, server.port, None)

            await asyncio.gather(*(one(c) for c in clients))
            await asyncio.sleep(2.0)  # presence settles
            after, rss1 = server.snapshot(), rss_kb([server.process.pid])
            for client in clients:
                client.close()
        finally:
            server.stop()
    n = len(clients)
    stats = after.compare_to(before, "traceback" if traceback else "lineno")
    total = sum(s.size_diff for s in stats)
    print(f"{n} connections: traced {total / n / 1024:.1f} KB each, "
          f"RSS {(rss1 - rss0) / n:.1f} KB each")  # fmt: skip
    for stat in stats[:top]:
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback)
        print(f"{stat.size_diff / n:>9.0f} B {stat.count_diff / n:>6.1f} blocks  {where}")


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.conn_memory", description=__doc__)
    p.add_argument("--participants", type=int, default=1000)
    p.add_argument("--batch", action="store_true", help="clients ask for batched frames")
    p.add_argument("--top", type=int, default=25, help="allocation sites to print")
    p.add_argument("--traceback", action="store_true", help="group by the calls that led there")
    args = p.parse_args()
    raise_nofile()
    asyncio.run(probe(args.participants, args.batch, args.top, args.traceback))


if __name__ == "__main__":
    main()
