"""SQLite's full-text engine (FTS5) as Django sees it: a column to match against, and bm25 ranking.

An FTS5 table has a hidden column named after the table; `column MATCH 'query'` searches the table's
text and `bm25(column, weights…)` ranks the row. Naming the hidden column as a model field lets the ORM
join the table and keep its alias right, also inside subqueries.
"""

from django.db import models
from django.db.models import FloatField, Func, Value


class FullTextField(models.TextField):
    """The hidden column of an FTS5 table. Read-only: the table is written by triggers."""


@FullTextField.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class BM25(Func):
    """FTS5's relevance of the matched row: higher is better (FTS5 itself returns it negated)."""

    function = "bm25"
    output_field = FloatField()

    def __init__(self, column: str, *weights: float):
        super().__init__(column, *(Value(weight) for weight in weights))

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"(-{sql})", params


def phrase(word: str) -> str:
    """A word as an FTS5 string, so that `OR`, `NEAR`, `*`, `-` or `"` typed by a visitor are only text."""
    return '"' + word.replace('"', '""') + '"'


def match_query(groups) -> str:
    """FTS5 query syntax for `ParsedQuery.groups`: all groups, any alternative, all words of it."""
    return " AND ".join(
        "(" + " OR ".join("(" + " AND ".join(map(phrase, words)) + ")" for words in alternatives) + ")"
        for alternatives in groups
    )
