"""PostgreSQL full-text search over the stored, weighted vectors, with misspellings corrected.

- Each document's `vector` is computed once, when it is written, from four weighted parts: title (A),
  summary (B), body (C) and related names (D), using `search_english` (English stemming with accents
  removed, created by migration 0001). A GIN index on it answers `@@` without reading every row.
- A word that matches no document at all is replaced by its nearest neighbour in the vocabulary
  (`SearchWord`, trigram GIN index), so "leadrship" searches for "leadership".
"""

import operator
from functools import reduce

from django.contrib.postgres.search import Lexeme, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone

from publishing.models import Status

from ..models import SearchDocument, SearchWord
from ..query import STOP_WORDS, ParsedQuery, words
from .base import PAGE_FIELDS, SearchBackend, kind_weight

CONFIG = "search_english"

# The least trigram similarity at which a vocabulary word replaces a misspelt one:
# 'leadrship' -> 'leadership' scores 0.62, while unrelated words of similar length score under 0.3.
MIN_SIMILARITY = 0.45
MIN_CORRECTABLE_LENGTH = 4
MAX_WORD_LENGTH = 60
# The text the spelling vocabulary is drawn from.
VOCABULARY_FIELDS = ("title", "keywords", "summary", "body", "related")

VECTOR = (
    SearchVector("title", "keywords", config=CONFIG, weight="A")
    + SearchVector("summary", config=CONFIG, weight="B")
    + SearchVector("body", config=CONFIG, weight="C")
    + SearchVector("related", config=CONFIG, weight="D")
)

# Only words that match no document at all are corrected, to their nearest vocabulary word. Which words
# those are is settled first: a word in the vocabulary is known (one unique-index probe), and any other
# is checked against the vectors, so "doctors" is not "corrected" to "doctor" when "doctors" matches too.
_CORRECTIONS_SQL = """
    WITH unknown AS MATERIALIZED (
        SELECT q.term
        FROM unnest(%(terms)s::text[]) AS q(term)
        WHERE NOT EXISTS (SELECT 1 FROM {words} AS known WHERE known.word = q.term)
        AND NOT EXISTS (
            SELECT 1 FROM {documents} AS d WHERE d.vector @@ plainto_tsquery(%(config)s::regconfig, q.term)
        )
    )
    SELECT unknown.term, fix.word
    FROM unknown
    CROSS JOIN LATERAL (
        SELECT w.word
        FROM {words} AS w
        WHERE w.word %% unknown.term AND similarity(w.word, unknown.term) >= %(min_similarity)s
        ORDER BY similarity(w.word, unknown.term) DESC, w.word
        LIMIT 1
    ) AS fix
"""


def vocabulary(*texts: str) -> set[str]:
    return {word for text in texts for word in words(text) if 3 <= len(word) <= MAX_WORD_LENGTH and not word.isdigit()}


class PostgresBackend(SearchBackend):
    corrects_spelling = True

    def prepare(self, query: ParsedQuery) -> ParsedQuery:
        candidates = [
            term
            for term in query.terms
            if term not in STOP_WORDS and len(term) >= MIN_CORRECTABLE_LENGTH and not term.isdigit()
        ]
        if not candidates:
            return query
        sql = _CORRECTIONS_SQL.format(
            words=connection.ops.quote_name(SearchWord._meta.db_table),
            documents=connection.ops.quote_name(SearchDocument._meta.db_table),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {"terms": candidates, "min_similarity": MIN_SIMILARITY, "config": CONFIG})
            corrections = {term: word for term, word in cursor.fetchall() if word != term}
        return query.with_corrections(corrections) if corrections else query

    def documents(self, query: ParsedQuery) -> QuerySet[SearchDocument]:
        terms = query.content_terms
        if not terms:
            return SearchDocument.objects.none()
        tsquery = SearchQuery(reduce(operator.and_, (Lexeme(term) for term in terms)), config=CONFIG)
        return (
            SearchDocument.objects.published()
            .filter(vector=tsquery)
            .annotate(rank=SearchRank(F("vector"), tsquery) * kind_weight())
            .order_by("-rank", "title", "pk")
        )

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
        if found := self.public_words(documents):
            SearchWord.objects.bulk_create(
                [SearchWord(word=word) for word in sorted(found)], ignore_conflicts=True, batch_size=1000
            )

    def public_words(self, documents: list[SearchDocument]) -> set[str]:
        # Only words the public can already see may be offered as corrections.
        now = timezone.now()
        return {
            word
            for document in documents
            if document.status == Status.PUBLISHED and (document.publish_from is None or document.publish_from <= now)
            for word in vocabulary(*(getattr(document, field) for field in VOCABULARY_FIELDS))
        }

    def words_of(self, documents: QuerySet[SearchDocument]) -> set[str]:
        return {word for texts in documents.values_list(*VOCABULARY_FIELDS) for word in vocabulary(*texts)}

    def words_left(self, words: set[str]) -> None:
        """Forget the words that no published document holds any more (an unpublished programme's, a
        deleted person's surname), so that "did you mean" never offers them back.

        The documents that may still hold one are found through the vectors' GIN index, then read with the
        same tokenizer that built the vocabulary, so a word is kept only if it really is still public.
        """
        if not words:
            return
        may_hold = SearchQuery(reduce(operator.or_, (Lexeme(word) for word in sorted(words))), config=CONFIG)
        still_public = set()
        for texts in SearchDocument.objects.published().filter(vector=may_hold).values_list(*VOCABULARY_FIELDS):
            still_public |= vocabulary(*texts) & words
        SearchWord.objects.filter(word__in=words - still_public).delete()

    def index_cleared(self) -> None:
        SearchWord.objects.all().delete()
