"""The database URLs an operator writes, as SQLAlchemy needs them."""

from __future__ import annotations

import pytest

from gamestorm.server.storage import database_url, is_postgres, shown_url


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("postgres://gs@db/gamestorm", "postgresql+asyncpg://gs@db/gamestorm"),
        ("postgresql://gs:pw@db:5433/gs", "postgresql+asyncpg://gs:pw@db:5433/gs"),
        ("postgresql+asyncpg://gs@db/gs", "postgresql+asyncpg://gs@db/gs"),
        ("postgres://gs@db/gs?sslmode=require", "postgresql+asyncpg://gs@db/gs?ssl=require"),
        ("sqlite+aiosqlite:///gamestorm.db", "sqlite+aiosqlite:///gamestorm.db"),
    ],
)
def test_libpq_style_urls_mean_asyncpg(written: str, meant: str) -> None:
    assert database_url(written) == meant
    assert is_postgres(written) == meant.startswith("postgresql")


def test_a_shown_url_has_no_password() -> None:
    assert shown_url("postgres://gs:s3cret@db/gs") == "postgresql+asyncpg://gs:***@db/gs"
