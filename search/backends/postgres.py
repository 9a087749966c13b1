"""PostgreSQL full-text search over the stored, weighted vectors, with misspellings corrected.

- Each document's `vector` is computed once, when it is written, from four weighted parts: title (A),
  summary (B), body (C) and related names (D), using `search_english` (English stemming with accents
  removed, created by migration 0001). A GIN index on it answers `@@` without reading every row.
- Misspelt words are corrected by `search.spelling`; here pg_trgm offers the candidates, through a
  trigram GIN index on the vocabulary (`SearchWord`), so "leadrship" searches for "leadership" too.
"""

import functools
import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import Lexeme, SearchQuery, SearchQueryField, SearchRank, SearchVector
from django.db import connection
from django.db.models import DateTimeField, Expression, F, QuerySet, TextField
from django.db.models.sql import Query
from django.utils import timezone

from ..models import SearchDocument, SearchWord
from ..query import ParsedQuery
from .base import PAGE_FIELDS, KindWeight, PageRow, SearchBackend, exact_title, title_texts

CONFIG = "search_english"

VECTOR = (
    SearchVector("title", "keywords", config=CONFIG, weight="A")
    + SearchVector("summary", config=CONFIG, weight="B")
    + SearchVector("body", config=CONFIG, weight="C")
    + SearchVector("related", config=CONFIG, weight="D")
)

# Spelling candidates for a word: the 30 vocabulary words nearest by trigram distance (a GiST index
# answers `<->` in order, where a `%` threshold made PostgreSQL read the whole vocabulary), and for a
# short word, whose letter triples say little ("wier" and "weir" share none), words of its length with
# its first letter (a range on the unique index).
_CANDIDATES_SQL = """
    (SELECT word FROM {words} ORDER BY word <-> {term} LIMIT 30)
    UNION
    (SELECT word FROM {words} WHERE length({term}) <= 5 AND word >= left({term}, 1) AND word < {next_letter}
     AND length(word) BETWEEN length({term}) - 1 AND length({term}) + 1)
"""

# Which words nothing public holds, and their candidates, in one round trip. Each word is checked by a
# branch of its own, with the word as a constant, so that the GIN indexes answer; `{published}` is
# Django's own query for published documents, the publication rule included.
_UNKNOWN_WORD_SQL = """
    SELECT %s::text AS term, %s::text AS next_letter
    WHERE NOT EXISTS (SELECT 1 FROM {words} AS known WHERE known.word = %s)
    AND NOT EXISTS (SELECT 1 FROM ({published}) AS p WHERE p.vector @@ (SELECT plainto_tsquery(%s::regconfig, %s)))
"""
_UNKNOWN_WORDS_SQL = """
    WITH unknown AS MATERIALIZED ({unknown})
    SELECT unknown.term, candidate.word FROM unknown CROSS JOIN LATERAL ({candidates}) AS candidate
"""


class ParsedOnce(SearchQuery):
    """A search query that PostgreSQL parses once per statement, not once for every document it tests.

    Statements are prepared (settings: prepare_threshold), and a prepared statement's generic plan cannot fold
    `to_tsquery(config, $1)` into a constant: it parsed and stemmed the words again for every document it
    matched and then ranked, a third of PostgreSQL's time for a word in most documents. A scalar subquery is
    evaluated once (an InitPlan), and the GIN index still answers `@@` with its value.
    """

    template = "(SELECT %(function)s(%(expressions)s))"


def _next_letter(word: str) -> str:
    return chr(ord(word[0]) + 1)


def tsquery_text(groups) -> str:
    """All groups, any alternative of each, all words of an alternative (as `ParsedQuery.groups` says), as the
    text `to_tsquery()` reads: written by Django's own `Lexeme`, which escapes each word."""
    combined = reduce(
        operator.and_,
        (
            reduce(operator.or_, (reduce(operator.and_, map(Lexeme, phrase)) for phrase in alternatives))
            for alternatives in groups
        ),
    )
    _, (text,) = combined.as_sql(Query(SearchDocument).get_compiler(connection=connection), connection)
    return text


def ranked(words, titles, *, at=None) -> QuerySet[SearchDocument]:
    """Published documents (now, or `at` a moment) matching the tsquery text `words`, best first, with their
    `rank`: a whole title among `titles` first. Values, or `Placeholder`s for a statement compiled once."""
    found = ParsedOnce(words, config=CONFIG, search_type="raw")
    return (
        SearchDocument.objects.published(at=at)
        .filter(vector=found)
        .annotate(rank=SearchRank(F("vector"), found) * KindWeight() + exact_title(titles))
        .order_by("-rank", "title", "pk")
    )


class Placeholder(Expression):
    """A parameter of a statement compiled once and run many times: `%s`, with the placeholder itself among the
    compiled parameters, where each run puts its value (`Statement.params()`)."""

    def __init__(self, name: str, output_field=None):
        super().__init__(output_field=output_field or TextField())
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", (self,)


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: tuple

    def params(self, **values) -> tuple:
        return tuple(values[param.name] if isinstance(param, Placeholder) else param for param in self.parameters)


@functools.cache
def counts_and_page_statement(titles: int) -> Statement:
    """The one statement that ranks each match once, counts them by kind and reads a page's documents, for a
    search with this many whole titles to put first; compiled once per process (see `counts_and_page_sql`).

    The matches are Django's own query (the publication rule included), embedded as a CTE. Count rows
    carry a kind and a count; page rows carry their position and what a results page shows (PAGE_FIELDS).
    """
    documents = ranked(
        Placeholder("words", SearchQueryField()),
        [Placeholder(f"title{number}") for number in range(titles)],
        at=Placeholder("now", DateTimeField()),
    )
    matches, params = documents.order_by().values_list("id", "kind", "title", "rank").query.sql_with_params()
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    shown = ", ".join(f"document.{connection.ops.quote_name(field)}" for field in PAGE_FIELDS)
    blanks = ", ".join("NULL" for _ in PAGE_FIELDS)
    sql = f"""
        WITH matches AS MATERIALIZED ({matches}),
        page AS (
            SELECT id, rank, title FROM matches WHERE %s = '' OR kind = %s
            ORDER BY rank DESC, title, id LIMIT %s OFFSET %s
        )
        SELECT kind, count(*), NULL::double precision, NULL::bigint, {blanks}
        FROM matches GROUP BY kind
        UNION ALL
        SELECT NULL, NULL, page.rank, row_number() OVER (ORDER BY page.rank DESC, page.title, page.id),
            {shown}
        FROM page JOIN {table} AS document ON document.id = page.id
    """
    kind = Placeholder("kind")
    return Statement(sql, (*params, kind, kind, Placeholder("limit"), Placeholder("offset")))


class PostgresBackend(SearchBackend):
    def documents(self, query: ParsedQuery) -> QuerySet[SearchDocument]:
        if not query.groups:
            return SearchDocument.objects.none()
        return ranked(tsquery_text(query.groups), title_texts(query))

    def matches_any(self, word: str) -> bool:
        return SearchDocument.objects.published().filter(vector=ParsedOnce(Lexeme(word), config=CONFIG)).exists()

    def holding_any(self, words: set[str]) -> QuerySet[SearchDocument]:
        return SearchDocument.objects.published().filter(
            vector=ParsedOnce(reduce(operator.or_, (Lexeme(word) for word in sorted(words))), config=CONFIG)
        )

    def spelling_candidates(self, word: str) -> list[str]:
        sql = _CANDIDATES_SQL.format(words=self._words_table, term="%(term)s", next_letter="%(next_letter)s")
        with connection.cursor() as cursor:
            cursor.execute(sql, {"term": word, "next_letter": _next_letter(word)})
            return [row[0] for row in cursor.fetchall()]

    def unknown_words_candidates(self, words: list[str]) -> dict[str, list[str]]:
        if not words:
            return {}
        published, published_params = (
            SearchDocument.objects.published().order_by().values("vector").query.sql_with_params()
        )
        branch = _UNKNOWN_WORD_SQL.format(words=self._words_table, published=published)
        sql = _UNKNOWN_WORDS_SQL.format(
            unknown=" UNION ALL ".join([branch] * len(words)),
            candidates=_CANDIDATES_SQL.format(
                words=self._words_table, term="unknown.term", next_letter="unknown.next_letter"
            ),
        )
        params = [
            param for word in words for param in (word, _next_letter(word), word, *published_params, CONFIG, word)
        ]
        found: dict[str, list[str]] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for term, word in cursor.fetchall():
                found.setdefault(term, []).append(word)
        return found

    @property
    def _words_table(self) -> str:
        return connection.ops.quote_name(SearchWord._meta.db_table)

    def counts_and_page_sql(self, query: ParsedQuery, *, kind, start, stop) -> tuple[str, tuple]:
        """`counts_and_page_statement()` with this search's values.

        Building the ranked query through the ORM and compiling it was a quarter of a search's CPU (issue 19):
        its SQL is the same for every search with as many whole titles, so only the values change.
        """
        titles = title_texts(query)
        statement = counts_and_page_statement(len(titles))
        return statement.sql, statement.params(
            words=tsquery_text(query.groups),
            now=timezone.now(),
            kind=kind or "",
            limit=max(0, stop - start),
            offset=start,
            **{f"title{number}": title for number, title in enumerate(titles)},
        )

    def counts_and_page(self, query, *, kind, start, stop):
        # Counting and ranking in two queries read every matching row twice, which for a word found in
        # most documents was the largest cost of a search; reading the page's documents in a third query
        # cost as much CPU again as the rest of the search's Python.
        if not query.groups:
            return {}, []
        with connection.cursor() as cursor:
            cursor.execute(*self.counts_and_page_sql(query, kind=kind, start=start, stop=stop))
            rows = cursor.fetchall()
        counts = {row[0]: row[1] for row in rows if row[0] is not None}
        page = [
            PageRow(*shown, rank)
            for _, _, rank, _, *shown in sorted((row for row in rows if row[0] is None), key=lambda row: row[3])
        ]
        return counts, page

    def documents_written(self, written: QuerySet[SearchDocument], documents: list[SearchDocument]) -> None:
        written.update(vector=VECTOR)
        super().documents_written(written, documents)
