"""Alembic migrations of the platform database (SQLite and PostgreSQL)."""
