"""Links phones can reach: ``--public-url``, the LAN address, and the local-only warning.

Following the README used to put ``localhost`` into the QR code and the join link. These
tests start the real ``serve`` command and read what it prints, what ``POST /api/boards``
answers, what the QR code encodes and what the welcome frame says.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from subprocess import Popen
from urllib.parse import urlsplit

import httpx
import pytest

from gamestorm.server.links import (
    PublicUrlError,
    is_loopback_host,
    lan_address,
    public_link,
    validate_public_url,
)
from support.live import ROOT, LiveServer, free_port
from support.wsclient import BoardClient, create_board, join

PUBLIC = "http://192.168.1.20:8000"


def qr_title(svg: str) -> str:
    found = re.search(r"<title>(.*?)</title>", svg)
    assert found, svg[:300]
    return found.group(1)


async def test_public_url_reaches_create_answer_qr_and_welcome(tmp_path: Path) -> None:
    server = LiveServer(tmp_path / "public.db", extra_args=["--public-url", PUBLIC + "/"]).start()
    try:
        created = await create_board(server.base_url)
        code = created["join_code"]
        # The relative keys stay as they were; the absolute link is new.
        assert created["urls"]["join"] == f"/join/{code}"
        assert created["urls"]["facilitate"].startswith(f"/facilitate/{created['board_id']}#")
        assert created["urls"]["public"]["join"] == f"{PUBLIC}/join/{code}"
        assert created["join_url"] == f"{PUBLIC}/join/{code}"
        assert created["link_scope"] == "network"
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            svg = await http.get(f"/join/{code.lower()}/qr.svg")
        assert svg.status_code == 200
        assert qr_title(svg.text) == f"{PUBLIC}/join/{code}"
        # a facilitator invite's QR goes to another device too: the public address
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            invite = await http.post(
                f"/api/boards/{created['board_id']}/facilitator-invites",
                headers={"authorization": f"Bearer {created['facilitator_token']}"},
            )
        assert invite.status_code == 201
        assert qr_title(invite.json()["qr_svg"]) == PUBLIC + invite.json()["url"]
        joined = await join(server.base_url, code, "Ada")
        for token in (created["facilitator_token"], joined["token"]):
            client = await BoardClient.connect(server.ws_url, created["board_id"], token)
            try:
                assert client.welcome is not None
                assert client.welcome["public_url"] == PUBLIC
                assert client.welcome["link_scope"] == "network"
                assert client.welcome["join_code"] == code
            finally:
                await client.close()
    finally:
        # uvicorn re-raises the SIGTERM it handled: -15 is a clean exit
        assert server.stop() in (0, -signal.SIGTERM)


async def test_loopback_server_says_its_links_are_local(live_server: LiveServer) -> None:
    created = await create_board(live_server.base_url)
    code = created["join_code"]
    assert created["link_scope"] == "local"
    # Only this machine can use it: the address the request came in on.
    assert created["join_url"] == f"{live_server.base_url}/join/{code}"
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        svg = await http.get(f"/join/{code}/qr.svg")
    assert qr_title(svg.text) == f"{live_server.base_url}/join/{code}"
    client = await BoardClient.connect(
        live_server.ws_url, created["board_id"], created["facilitator_token"]
    )
    try:
        assert client.welcome is not None
        assert client.welcome["link_scope"] == "local"
        assert client.welcome["public_url"] == f"http://localhost:{live_server.port}"
    finally:
        await client.close()


async def test_public_url_from_the_environment(tmp_path: Path) -> None:
    env = {"GAMESTORM_PUBLIC_URL": "https://board.example.org"}
    server = LiveServer(tmp_path / "env.db", env=env).start()
    try:
        created = await create_board(server.base_url)
        assert created["join_url"] == f"https://board.example.org/join/{created['join_code']}"
    finally:
        server.stop()


# -- validation and LAN-address detection (pure functions) --------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://192.168.1.20:8000", "http://192.168.1.20:8000"),
        ("http://192.168.1.20:8000/", "http://192.168.1.20:8000"),
        ("  https://board.example.org ", "https://board.example.org"),
        ("http://[fd00::5]:8000/", "http://[fd00::5]:8000"),
    ],
)
def test_valid_public_urls(raw: str, expected: str) -> None:
    assert validate_public_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("192.168.1.20:8000", "http://"),
        ("ftp://host", "http://"),
        ("http://", "no host"),
        ("http://host:99999", "port"),
        ("http://host:80/board", "no path"),
        ("http://host/?x=1", "no path"),
        ("http://host/#top", "no path"),
        ("http://me:pw@host", "password"),
    ],
)
def test_invalid_public_urls_say_why(raw: str, says: str) -> None:
    with pytest.raises(PublicUrlError, match=re.escape(says)):
        validate_public_url(raw)


def fixed(address: str | None):  # type: ignore[no-untyped-def]
    return lambda family, target: address


def test_lan_address_never_loopback() -> None:
    def interfaces(*addresses: str):  # type: ignore[no-untyped-def]
        return lambda: iter(addresses)

    assert lan_address(probe=fixed("192.168.1.20"), interfaces=interfaces()) == "192.168.1.20"
    # No route (offline laptop): the probe fails or says loopback, the interfaces decide.
    for probe in (fixed(None), fixed("127.0.0.1"), fixed("0.0.0.0")):
        found = lan_address(
            probe=probe, interfaces=interfaces("127.0.0.1", "169.254.3.4", "::1", "10.0.0.7")
        )
        assert found == "10.0.0.7"
    assert lan_address(probe=fixed(None), interfaces=interfaces("127.0.1.1", "::1")) is None


def test_lan_address_of_this_machine_is_not_loopback() -> None:
    found = lan_address()
    assert found is None or not is_loopback_host(found), found


def test_public_link_for_each_listen_address() -> None:
    lan = lambda ipv6: "192.168.1.20"  # noqa: E731
    assert public_link("0.0.0.0", 8000, find_lan=lan).url == "http://192.168.1.20:8000"
    assert public_link("0.0.0.0", 8000, find_lan=lan).scope == "network"
    assert public_link("::", 8000, find_lan=lambda ipv6: "fd00::5").url == "http://[fd00::5]:8000"
    nothing = public_link("0.0.0.0", 8000, find_lan=lambda ipv6: None)
    assert nothing.url is None and nothing.warning and "--public-url" in nothing.warning
    for host in ("127.0.0.1", "localhost", "::1", "127.0.1.1"):
        local = public_link(host, 9000, find_lan=lan)
        assert (local.url, local.scope) == ("http://localhost:9000", "local"), host
        assert local.warning and "--host 0.0.0.0" in local.warning
    assert public_link("192.168.1.30", 80, find_lan=lan).url == "http://192.168.1.30:80"
    given = public_link("127.0.0.1", 8000, "https://board.example.org/", find_lan=lan)
    assert (given.url, given.scope, given.warning) == ("https://board.example.org", "network", None)


# -- the serve command's first line -------------------------------------------------------


@contextlib.contextmanager
def serving(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Popen]:
    """The real ``serve`` command (no GAMESTORM_* settings from outside); stopped by SIGTERM."""
    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GAMESTORM_")}
    with subprocess.Popen(
        [sys.executable, "-m", "gamestorm.server.cli", "serve", "--db", db, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**clean, **(env or {})},
    ) as process:
        try:
            yield process
        finally:
            process.terminate()
            # uvicorn re-raises the SIGTERM it handled: -15 is a clean exit
            assert process.wait(15) in (0, -signal.SIGTERM)


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def test_serve_on_all_interfaces_prints_a_link_phones_can_use(tmp_path: Path) -> None:
    port = free_port()
    with serving(tmp_path, "--host", "0.0.0.0", "--port", str(port)) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"phones join at (http://\S+?)/ ", first)
        assert found, first
        url = found.group(1)
        assert not is_loopback_host(urlsplit(url).hostname or ""), first
        assert urlsplit(url).port == port
        assert f"http://localhost:{port}/" in first  # the facilitator's own address too
        wait_healthy(url)  # the printed address really reaches this server


def test_serve_on_loopback_warns_that_phones_cannot_reach_it(tmp_path: Path) -> None:
    port = free_port()
    with serving(tmp_path, "--host", "127.0.0.1", "--port", str(port)) as process:
        assert process.stdout is not None
        first, warning = process.stdout.readline(), process.stdout.readline()
        wait_healthy(f"http://127.0.0.1:{port}")
    assert f"http://localhost:{port}/" in first and "this machine only" in first, first
    assert warning.startswith("Warning:") and "phones cannot reach" in warning, warning
    assert "--host 0.0.0.0" in warning and "--public-url" in warning


def test_serve_port_and_host_from_the_environment(tmp_path: Path) -> None:
    port = free_port()
    env = {"GAMESTORM_PORT": str(port), "GAMESTORM_HOST": "127.0.0.1"}
    with serving(tmp_path, env=env) as process:
        assert process.stdout is not None
        assert f"localhost:{port}/" in process.stdout.readline()
        wait_healthy(f"http://127.0.0.1:{port}")


def test_serve_refuses_a_public_url_with_a_path(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gamestorm.server.cli", "serve", "--public-url", "http://h/x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2, result
    assert "--public-url" in result.stderr and "no path" in result.stderr
    assert "Traceback" not in result.stderr


def test_loopback_hosts() -> None:
    for host in ("localhost", "127.0.0.1", "127.9.9.9", "::1", "[::1]", "app.localhost"):
        assert is_loopback_host(host), host
    for host in ("192.168.1.20", "example.org", "0.0.0.0", "fd00::5"):
        assert not is_loopback_host(host), host
    assert socket.AF_INET  # the module under test uses the real socket API
