"""The code stays lint-clean and strictly typed: CI fails otherwise, not just a reviewer."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_games_and_server() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


TOP_LEVEL_IMPORT = re.compile(r"^\s*(?:from|import)\s+(?:games|server|client)\b", re.MULTILINE)


def test_code_imports_the_packages_under_the_project_name() -> None:
    """`pip install .` ships one package, ``gamestorm``; an import of the bare folder name
    would work in the repo and fail (or load a stranger's ``server``) once installed."""
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("games", "server", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if TOP_LEVEL_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
