"""Alembic migrations of the database (SQLite and PostgreSQL); run by server/migrate.py."""
