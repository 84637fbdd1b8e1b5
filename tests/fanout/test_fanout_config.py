"""Choosing the fan-out: ``make_fanout`` by URL, and ``gamestorm serve --fanout``."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from gamestorm.server.cli import main
from gamestorm.server.config import Settings
from gamestorm.server.fanout_redis import RedisFanout
from gamestorm.server.fanouts import check_fanout_url, make_fanout
from support.live import LiveServer
from support.redis_server import PrivateRedis

BAD = ["http://localhost:6379", "redis", "redis://", "postgresql://db/x", "redis://h:port/0"]


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://user:pw@cache:6380/1"])
def test_redis_urls_make_a_redis_fanout(url: str) -> None:
    fanout = make_fanout(url)
    assert isinstance(fanout, RedisFanout) and fanout.kind == "redis"
    assert check_fanout_url(url) == url


@pytest.mark.parametrize("url", BAD)
def test_anything_else_is_refused_with_what_is_accepted(url: str) -> None:
    with pytest.raises(ValueError, match="not a fan-out URL: give redis://host:6379/0"):
        make_fanout(url)


@pytest.mark.parametrize("url", [None, "", "memory", "in-process"])
def test_no_url_means_this_process_only(url: str | None) -> None:
    assert check_fanout_url(url) is None
    assert Settings().fanout_url is None


@pytest.mark.parametrize("url", [None, "memory"])
def test_no_url_makes_the_in_process_fanout(url: str | None) -> None:
    pytest.importorskip("gamestorm.server.fanout_local")  # the room driver's, merged later
    assert make_fanout(url).kind == "in-process"


@pytest.mark.parametrize("url", BAD)
def test_serve_refuses_a_bad_fanout_at_start(url: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--fanout", url])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--fanout'" in result.output
    assert "not a fan-out URL" in result.output


def test_serve_reads_the_fanout_from_the_environment() -> None:
    result = CliRunner().invoke(main, ["serve"], env={"GAMESTORM_FANOUT": "ftp://x"})
    assert result.exit_code == 2 and "not a fan-out URL" in result.output
    help_text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "--fanout" in help_text and "share boards between server" in help_text


async def test_serve_starts_with_a_redis_fanout(tmp_path: Path) -> None:
    with PrivateRedis() as redis:
        server = LiveServer(tmp_path / "f.db", extra_args=["--fanout", redis.url]).start()
        try:
            async with httpx.AsyncClient(base_url=server.base_url) as http:
                assert (await http.get("/healthz")).status_code == 200
        finally:
            server.stop()
