"""The browser client's own checks, run in the suite: its logic under Node's test runner
(tests/js/*.test.mjs import the client's ES modules directly) and eslint over the client
and those tests. `.ci/run` installs Node and runs `npm ci` first."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
ESLINT = ROOT / "node_modules" / ".bin" / "eslint"

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_node_unit_tests_pass() -> None:
    assert NODE is not None
    result = run(NODE, "--test", "tests/js/")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout, result.stdout[-2000:]


def test_eslint_finds_nothing() -> None:
    if not ESLINT.exists():
        pytest.fail("node_modules/.bin/eslint is missing: run `npm ci` (.ci/run does)")
    result = run(str(ESLINT), "--max-warnings", "0", "client", "tests/js")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
