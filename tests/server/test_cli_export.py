"""``gamestorm export`` reads a board straight from the database, in every format."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from support.live import ROOT, LiveServer
from support.scenario import open_workshop


def gamestorm(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gamestorm.server.cli", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )


async def test_export_command_agrees_with_the_http_export(
    own_server: LiveServer, tmp_path: Path
) -> None:
    w = await open_workshop(own_server, names=("Ann", "Ben"), top_n=1)
    ann, ben = w.participants
    await w.advance("ignite")
    await ann.ok("note.create", note_id="n1", text="Kunden anrufen")
    await ben.ok("note.create", note_id="n2", text='=HYPERLINK("x")')
    await w.advance("generate")
    await ann.ok("column.create", column_id="c1")
    await ann.ok("column.create", column_id="c2")
    await ann.ok("note.move", note_id="n1", column_id="c1", index=0)
    await ann.ok("note.move", note_id="n2", column_id="c2", index=0)
    await w.advance("affinity")
    await w.pass_name()
    await ann.ok("ranking.submit", criterion="impact", order=["c2", "c1"])
    await ben.ok("ranking.submit", criterion="impact", order=["c2", "c1"])
    await w.advance("rank")
    await w.close()
    own_server.stop()

    out = tmp_path / "results.json"
    made = gamestorm(
        "export", w.board_id, "--format", "json", "--db", own_server.db_url, "-o", str(out)
    )
    assert made.returncode == 0, made.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [c["column_id"] for c in report["candidates"]] == ["c2", "c1"]

    as_csv = gamestorm("export", w.board_id, "--format", "csv", "--db", own_server.db_url)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout.decode("utf-8-sig"))))
    assert [r["column_id"] for r in rows] == ["c2", "c1"]
    assert not any(cell.startswith("=") for r in rows for cell in r.values() if cell)

    for fmt in ("md", "html"):
        done = gamestorm("export", w.board_id, "--format", fmt, "--db", own_server.db_url)
        assert done.returncode == 0 and "Kunden anrufen" in done.stdout.decode()

    missing = gamestorm("export", "no-such-board", "--db", own_server.db_url)
    assert missing.returncode != 0 and b"no board" in missing.stderr
