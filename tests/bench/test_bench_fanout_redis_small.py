"""The Redis fan-out benchmark at a small size: it runs, and its figures are whole."""

from __future__ import annotations

from bench.fanout_redis import main


def test_bench_fanout_redis_small() -> None:
    result = main(["--rounds", "50", "--batches", "400", "--concurrency", "4"])
    assert result["latency"]["round_trips"] == 50
    assert 0 < result["latency"]["p50_ms"] <= result["latency"]["p99_ms"]
    for key in ("throughput", "throughput_concurrent"):
        assert result[key]["batches"] == 400 and result[key]["delivered_per_s"] > 0
    status = result["status_a"]
    assert status["healthy"] and status["dropped"] == 0
    assert status["published"] == 50 + 50 + 2 * 400 + 3  # warm-up, pings, loads, signals
