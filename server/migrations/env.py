"""Alembic's environment: runs on the connection server/migrate.py hands over.

No alembic.ini and no URL here: the caller owns the engine (async, SQLite or
PostgreSQL), opens a transaction and passes its connection in ``config.attributes``.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
