"""One search interface, two implementations: PostgreSQL full-text search, and SQLite's FTS5.

`get_backend()` picks by the database in use, so development on SQLite and production on
PostgreSQL run the same views and tests. Only `search.selectors`, `search.spelling` and
`search.indexing` call it.
"""

from django.db import connection

from .base import SearchBackend


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SQLiteBackend

    return SQLiteBackend()


__all__ = ["SearchBackend", "get_backend"]
