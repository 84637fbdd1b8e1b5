"""The README's first command, as written, on a copy of this work tree.

It must install Gamestorm into a fresh ``.venv`` (Debian's python3 refuses a bare
``pip install .``), start the board, and the board must work: health, create, join, a
WebSocket welcome, and a clean stop on SIGTERM. The server that answers is the installed
``gamestorm`` of that venv, and the install holds one package, ``gamestorm``, not the
repository's folder names (``games``, ``server``, ``client``) at the top level.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from support.live import ROOT, free_port
from support.wsclient import BoardClient, create_board, join

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def first_command(readme: str) -> str:
    block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert block, "the README starts with a sh code block"
    return block.group(1).splitlines()[0]


def copy_work_tree(target: Path) -> None:
    """Tracked and new (not ignored) files as they are now, symlinks kept as symlinks."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not os.path.lexists(source):
            continue  # deleted in the work tree, not yet committed
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), dest)
        else:
            shutil.copy2(source, dest)


def site_packages(venv: Path) -> Path:
    (found,) = venv.glob("lib/python3*/site-packages")
    return found


def test_readme_first_command_installs_and_serves(tmp_path: Path) -> None:
    repo = tmp_path / "gamestorm"
    copy_work_tree(repo)
    assert (repo / "gamestorm" / "server").is_symlink()
    command = first_command((repo / "README.md").read_text())
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTORM_", "VIRTUAL_ENV"))}
    env["GAMESTORM_PORT"] = str(port)
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["bash", "-c", command], cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, log_path)
        # bash -c and serve.sh exec: this process is now the installed console script.
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert str(repo / ".venv" / "bin" / "gamestorm").encode() in cmdline, cmdline
        check_board_works(base, f"ws://127.0.0.1:{port}")
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        code = process.wait(30)
    text = log_path.read_text(errors="replace")
    # uvicorn re-raises the SIGTERM it handled: -15 is a clean exit
    assert code in (0, -signal.SIGTERM), text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    assert "phones join at http://" in text  # --host 0.0.0.0: the LAN link is printed

    venv = repo / ".venv"
    packages = site_packages(venv)
    assert (packages / "gamestorm" / "server" / "app.py").is_file()
    assert not (packages / "gamestorm" / "server").is_symlink()
    assert (packages / "gamestorm" / "games" / "builtin").is_dir()
    assert (packages / "gamestorm" / "client" / "js" / "main.js").is_file()
    for bare in ("games", "server", "client"):
        assert not (packages / bare).exists(), f"site-packages has a top-level {bare!r}"
    (record,) = packages.glob("gamestorm-*.dist-info/RECORD")
    tops = {line.split("/", 1)[0] for line in record.read_text().splitlines() if line}
    assert not tops & {"games", "server", "client"}, tops
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import gamestorm.server as s; print(s.__file__)"],
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(packages.resolve()), where


def wait_healthy(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 600  # a fresh venv and pip install come first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited {process.returncode}: {log_path.read_text()[-3000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError(f"no /healthz: {log_path.read_text()[-3000:]}")


def check_board_works(base: str, ws_url: str) -> None:
    import asyncio

    async def run() -> None:
        created = await create_board(base, title="Fresh install")
        joined = await join(base, created["join_code"], "Ada")
        client = await BoardClient.connect(ws_url, created["board_id"], joined["token"])
        try:
            assert client.welcome is not None and client.welcome["you"]["role"] == "participant"
            assert client.welcome["link_scope"] == "network"
        finally:
            await client.close()

    asyncio.run(run())
