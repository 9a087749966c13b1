"""Migration operations for database features that only one of our databases has.

The index's GIN indexes and text search configuration exist on PostgreSQL; on SQLite (development)
the model state still records them, so `makemigrations --check` agrees on both databases.
"""

from django.db.migrations import AddIndex, RunSQL


def _on_postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexOnPostgres(AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RunSQLOnPostgres(RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def _on_sqlite(schema_editor) -> bool:
    return schema_editor.connection.vendor == "sqlite"


class RunSQLOnSQLite(RunSQL):
    """SQLite's own full-text tables (FTS5), which PostgreSQL does not need."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_sqlite(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _on_sqlite(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
