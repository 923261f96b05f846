from .fixtures import db_url, empty_store, pg_admin, store

__all__ = ["db_url", "empty_store", "pg_admin", "store"]
