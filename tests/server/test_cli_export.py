"""``gamestorm export`` reads a board straight from the database, in every format."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from support.live import ROOT, LiveServer
from support.scenario import open_workshop, two_columns_ranked


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
    await two_columns_ranked(w, ("Kunden anrufen", '=HYPERLINK("x")'), (["c2", "c1"], ["c2", "c1"]))
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

    # issue-15: exports: a separator, XLSX and ICS, a directory gets the download name
    semi = gamestorm(
        "export", w.board_id, "--format", "csv", "--sep", ";", "--db", own_server.db_url
    )
    assert semi.returncode == 0 and semi.stdout.decode("utf-8-sig").startswith("place;candidate;")
    folder = tmp_path / "out"
    folder.mkdir()
    for fmt in ("xlsx", "ics"):
        done = gamestorm(
            "export", w.board_id, "--format", fmt, "--db", own_server.db_url, "-o", str(folder)
        )
        assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert [n.rsplit(".", 1)[1] for n in names] == ["ics", "xlsx"]
    assert all(n.startswith("Workshop-20") for n in names), "the title and the day"
    import openpyxl

    book = openpyxl.load_workbook(folder / names[1])
    assert '=HYPERLINK("x")' in [r[0] for r in book.worksheets[2].iter_rows(values_only=True)]
    clash = gamestorm(
        "export",
        w.board_id,
        "--format",
        "csv",
        "--sep",
        ",",
        "--decimal",
        ",",
        "--db",
        own_server.db_url,
    )
    assert clash.returncode != 0 and b"decimal comma" in clash.stderr

    missing = gamestorm("export", "no-such-board", "--db", own_server.db_url)
    assert missing.returncode != 0 and b"no board" in missing.stderr
