"""SQLite full-text search with FTS5 (the default set-up), as forgiving as PostgreSQL.

- `search_document_fts` (migration 0004) indexes each document's title, keywords, summary, body and
  related names with the Porter stemmer, accents removed. Triggers on `search_searchdocument` keep it
  current, so whatever writes the index (signals, `rebuild_search_index`) updates it in the same
  transaction, exactly as the PostgreSQL vectors are written.
- bm25 ranks the matches, weighting the parts in the proportions of PostgreSQL's A, B, C and D, after
  how many of the words the title holds (`title_score`).
- `search_word_trigram` indexes the spelling vocabulary by letter triples (FTS5's trigram tokenizer):
  it offers the candidates from which `search.spelling` picks a correction.

FTS5's trigram tokenizer needs SQLite 3.34 (Python 3.13 on our machines ships 3.40).
"""

from django.db import connection
from django.db.models import F, Func, QuerySet, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Length, Replace

from ..fts5 import BM25, match_query, phrase
from ..models import SearchDocument
from ..query import ParsedQuery
from .base import KindWeight, SearchBackend, exact_title, title_texts

# Column weights for bm25, in the FTS5 table's column order: title, keywords, summary, body, related.
# The same 1 : 0.4 : 0.2 : 0.1 as PostgreSQL's default weights for A, B, C and D.
WEIGHTS = (10.0, 10.0, 4.0, 2.0, 1.0)
# The columns that count as the title (title and keywords), and the character `highlight` marks matches with.
TITLE_COLUMNS = (0, 1)
MARK = "\x01"

# Words sharing the most (rarest) letter triples with the typed one, of about its length; and for a short
# word, whose triples say little ("wier" shares none with "weir"), words of its length and first letter.
_CANDIDATES_SQL = """
    SELECT * FROM (
        SELECT w.word FROM search_word_trigram AS t JOIN search_searchword AS w ON w.id = t.rowid
        WHERE t.search_word_trigram MATCH %s AND length(w.word) BETWEEN %s AND %s
        ORDER BY t.rank LIMIT 30
    )
    UNION
    SELECT word FROM search_searchword
    WHERE %s AND word >= %s AND word < %s AND length(word) BETWEEN %s AND %s
"""


def bm25_share() -> CombinedExpression:
    """bm25 squeezed into 0 to 1, so that it orders records that match in their titles equally well."""
    score = BM25("fts__text", *WEIGHTS)
    return score / (score + Value(1.0))


def title_score() -> CombinedExpression:
    """How many words of the title (and its keywords) the query matched, as FTS5's `highlight` marks them.

    bm25 alone cannot rank a small catalogue: a word in most documents ("leadership") gets almost no
    weight, so "medical leadership" would put a course for medical students before the programme with
    both words in its title. PostgreSQL's ts_rank, without document frequencies, favours the title too.
    """
    score = Value(0.0)
    for column in TITLE_COLUMNS:
        marked = Func(F("fts__text"), Value(column), Value(MARK), Value(""), function="highlight")
        score += Length(marked) - Length(Replace(marked, Value(MARK), Value("")))
    return score


def _trigram_query(word: str) -> str:
    return " OR ".join(phrase(word[i : i + 3]) for i in range(len(word) - 2))


class SQLiteBackend(SearchBackend):
    def documents(self, query: ParsedQuery) -> QuerySet[SearchDocument]:
        if not query.groups:
            return SearchDocument.objects.none()
        return (
            SearchDocument.objects.published()
            .filter(fts__text__match=match_query(query.groups))
            .annotate(rank=(title_score() + bm25_share()) * KindWeight() + exact_title(title_texts(query)))
            .order_by("-rank", "title", "pk")
        )

    def matches_any(self, word: str) -> bool:
        return SearchDocument.objects.published().filter(fts__text__match=phrase(word)).exists()

    def holding_any(self, words: set[str]) -> QuerySet[SearchDocument]:
        return SearchDocument.objects.published().filter(fts__text__match=" OR ".join(map(phrase, sorted(words))))

    def spelling_candidates(self, word: str) -> list[str]:
        if len(word) < 3:
            return []
        first = word[0]
        params = [
            _trigram_query(word),
            len(word) - 2,
            len(word) + 2,
            len(word) <= 5,
            first,
            chr(ord(first) + 1),
            len(word) - 1,
            len(word) + 1,
        ]
        with connection.cursor() as cursor:
            cursor.execute(_CANDIDATES_SQL, params)
            return [row[0] for row in cursor.fetchall()]
