"""Migrations build the schema from empty, and it matches the tables the store uses."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kaoping.store import Store
from kaoping.store.schema import metadata


def test_migrations_from_empty_build_the_whole_schema(empty_store: Store):
    assert empty_store.schema_revision == "0004"
    names = set(sa.inspect(empty_store.engine).get_table_names())
    assert set(metadata.tables) <= names
    assert "alembic_version" in names
    with empty_store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_opening_again_is_harmless(empty_store: Store, db_url: str):
    again = Store.open(db_url, empty_store.settings)
    try:
        assert again.schema_revision == "0004"
        assert not again.has_users()
        assert again.active_plan_id() is None
    finally:
        again.close()


def test_sqlite_pragmas(empty_store: Store):
    if empty_store.engine.dialect.name != "sqlite":
        return
    with empty_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
