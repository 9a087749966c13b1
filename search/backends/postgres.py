"""PostgreSQL full-text search over the stored, weighted vectors, with misspellings corrected.

- Each document's `vector` is computed once, when it is written, from four weighted parts: title (A),
  summary (B), body (C) and related names (D), using `search_english` (English stemming with accents
  removed, created by migration 0001). A GIN index on it answers `@@` without reading every row.
- Misspelt words are corrected by `search.spelling`; here pg_trgm offers the candidates, through a
  trigram GIN index on the vocabulary (`SearchWord`), so "leadrship" searches for "leadership" too.
"""

import operator
from functools import reduce

from django.contrib.postgres.search import Lexeme, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet

from ..models import SearchDocument, SearchWord
from ..query import ParsedQuery
from .base import PAGE_FIELDS, SearchBackend, exact_title, kind_weight

CONFIG = "search_english"

VECTOR = (
    SearchVector("title", "keywords", config=CONFIG, weight="A")
    + SearchVector("summary", config=CONFIG, weight="B")
    + SearchVector("body", config=CONFIG, weight="C")
    + SearchVector("related", config=CONFIG, weight="D")
)

# Spelling candidates for a word: vocabulary words that pg_trgm finds alike (`%`, through the GIN index),
# and for a short word, whose letter triples say little, words of about its length with its first letter.
_CANDIDATES_SQL = """
    (SELECT word FROM {words} WHERE word %% %(word)s ORDER BY similarity(word, %(word)s) DESC, word LIMIT 30)
    UNION
    (SELECT word FROM {words} WHERE %(short)s AND left(word, 1) = left(%(word)s, 1)
     AND length(word) BETWEEN length(%(word)s) - 1 AND length(%(word)s) + 1)
"""


def tsquery(groups) -> SearchQuery:
    """All groups, any alternative of each, all words of an alternative: as `ParsedQuery.groups` says."""
    return SearchQuery(
        reduce(
            operator.and_,
            (
                reduce(operator.or_, (reduce(operator.and_, map(Lexeme, phrase)) for phrase in alternatives))
                for alternatives in groups
            ),
        ),
        config=CONFIG,
    )


class PostgresBackend(SearchBackend):
    def documents(self, query: ParsedQuery) -> QuerySet[SearchDocument]:
        if not query.groups:
            return SearchDocument.objects.none()
        found = tsquery(query.groups)
        return (
            SearchDocument.objects.published()
            .filter(vector=found)
            .annotate(rank=SearchRank(F("vector"), found) * kind_weight() + exact_title(query))
            .order_by("-rank", "title", "pk")
        )

    def matches_any(self, word: str) -> bool:
        return SearchDocument.objects.published().filter(vector=SearchQuery(Lexeme(word), config=CONFIG)).exists()

    def holding_any(self, words: set[str]) -> QuerySet[SearchDocument]:
        return SearchDocument.objects.published().filter(
            vector=SearchQuery(reduce(operator.or_, (Lexeme(word) for word in sorted(words))), config=CONFIG)
        )

    def spelling_candidates(self, word: str) -> list[str]:
        sql = _CANDIDATES_SQL.format(words=connection.ops.quote_name(SearchWord._meta.db_table))
        with connection.cursor() as cursor:
            cursor.execute(sql, {"word": word, "short": len(word) <= 5})
            return [row[0] for row in cursor.fetchall()]

    def counts_and_page_sql(self, documents, *, kind, start, stop) -> tuple[str, tuple]:
        """The one statement that ranks each match once, counts them by kind and picks the page's ids.

        The matches are Django's own query (the publication rule included), embedded as a CTE.
        """
        matches, params = documents.order_by().values_list("id", "kind", "title", "rank").query.sql_with_params()
        sql = f"""
            WITH matches AS MATERIALIZED ({matches}),
            page AS (
                SELECT id, rank, title FROM matches WHERE %s = '' OR kind = %s
                ORDER BY rank DESC, title, id LIMIT %s OFFSET %s
            )
            SELECT kind, count(*), NULL::bigint, NULL::double precision, NULL::bigint FROM matches GROUP BY kind
            UNION ALL
            SELECT NULL, NULL, id, rank, row_number() OVER (ORDER BY rank DESC, title, id) FROM page
        """
        return sql, (*params, kind or "", kind or "", max(0, stop - start), start)

    def counts_and_page(self, documents, *, kind, start, stop):
        # Counting and ranking in two queries read every matching row twice, which for a word found in
        # most documents was the largest cost of a search.
        if documents.query.is_empty():
            return {}, []
        with connection.cursor() as cursor:
            cursor.execute(*self.counts_and_page_sql(documents, kind=kind, start=start, stop=stop))
            rows = cursor.fetchall()
        counts = {row[0]: row[1] for row in rows if row[0] is not None}
        hits = sorted((row for row in rows if row[0] is None), key=lambda row: row[4])
        found = SearchDocument.objects.only(*PAGE_FIELDS).in_bulk([row[2] for row in hits]) if hits else {}
        page = []
        for _, _, pk, rank, _ in hits:
            document = found.get(pk)
            if document is None:  # removed from the index between the two statements (a reindex, an unpublish)
                continue
            document.rank = rank
            page.append(document)
        return counts, page

    def documents_written(self, written: QuerySet[SearchDocument], documents: list[SearchDocument]) -> None:
        written.update(vector=VECTOR)
        super().documents_written(written, documents)
