import operator
from functools import reduce
from typing import NamedTuple

from django.db.models import Case, Count, F, FloatField, Func, Q, QuerySet, Value, When
from django.utils import timezone

from publishing.models import Status

from ..models import Kind, SearchDocument, SearchWord
from ..query import ParsedQuery, words

# The text the spelling vocabulary is drawn from: titles, names, partners, topics and the one-line
# summaries, which is what people search for. Not the body: its long tail of ordinary words would win
# corrections meant for a name ("wier" -> "wider" rather than "weir").
VOCABULARY_FIELDS = ("title", "keywords", "summary", "related")
# The longest word the vocabulary keeps (SearchWord.word).
MAX_WORD_LENGTH = 60

# Above any rank a partial match reaches (a few title words plus a relevance under 1, times at most 1).
EXACT_TITLE_BONUS = 100.0


class PageRow(NamedTuple):
    """What a results page shows of a document, with its rank: a plain row, as model instances of the
    search document (with its vector and a dozen other fields) cost a twentieth of a search's CPU (issue 19)."""

    kind: str
    title: str
    url: str
    summary: str
    body: str
    rank: float


# What a results page reads of each document.
PAGE_FIELDS = PageRow._fields[:-1]

# How much a match counts by kind of record. Programmes and people are what visitors come for; a topic
# is a tag that leads to a filtered list, so an equally good topic match ranks below a programme.
KIND_WEIGHTS = {
    Kind.PROGRAMME: 1.0,
    Kind.PERSON: 1.0,
    Kind.PROJECT: 0.9,
    Kind.WORK_STREAM: 0.9,
    Kind.TOPIC: 0.6,
}


class KindWeight(Func):
    """`KIND_WEIGHTS` of a document's kind, in SQL both databases read: `CASE kind WHEN 'programme' THEN 1.0 … END`.

    Written out once, not as a Case of When(kind=…) conditions, which the ORM resolved as five lookups on
    every search (0.21 ms of its CPU, issue 19). The kinds (letters and hyphens, as a test checks) and
    weights are the code's own constants.
    """

    # Weights cast to floating point where they are written, so PostgreSQL folds them into constants: as decimal
    # literals each match's weight was converted to multiply its rank, an eighth of the matching's time.
    template = (
        "CASE %(expressions)s "
        + " ".join(
            f"WHEN '{kind.value}' THEN CAST({float(weight)!r} AS DOUBLE PRECISION)"
            for kind, weight in KIND_WEIGHTS.items()
        )
        + " ELSE CAST(1.0 AS DOUBLE PRECISION) END"
    )
    output_field = FloatField()

    def __init__(self):
        super().__init__(F("kind"))


def title_texts(query: ParsedQuery) -> list[str]:
    """What a whole title may be to rank first: what was typed, and its correction."""
    return [text for text in (query.text, query.corrected_text) if text]


def exact_title(titles) -> Case | Value:
    """A bonus that puts a record whose whole title is one of `titles` (`title_texts`) first: "Health
    service management", the topic, before the work stream that mentions it three times.

    The few such documents are found once, through an index on the upper-cased title: comparing the title
    of every match instead took a quarter of PostgreSQL's time for a common word (issue 19).
    """
    if not titles:
        return Value(0.0, output_field=FloatField())
    exact = SearchDocument.objects.filter(reduce(operator.or_, (Q(title__iexact=title) for title in titles)))
    return Case(
        When(pk__in=exact.values("pk"), then=Value(EXACT_TITLE_BONUS)),
        default=Value(0.0),
        output_field=FloatField(),
    )


class SearchBackend:
    """What a search backend provides. Every method works on published documents only.

    The spelling vocabulary (`SearchWord`) is kept here, the same on every database: the words of
    published documents, added as documents are written and dropped when no published one holds them.
    """

    def documents(self, query: ParsedQuery) -> QuerySet[SearchDocument]:
        """Published documents matching every group of `query.groups`, annotated with `rank`, best first."""
        raise NotImplementedError

    def matches_any(self, word: str) -> bool:
        """Whether any published document holds the word (or another form of it, by the backend's stemming)."""
        raise NotImplementedError

    def holding_any(self, words: set[str]) -> QuerySet[SearchDocument]:
        """Published documents that may hold any of `words` (more is fine: their text is read again)."""
        raise NotImplementedError

    def spelling_candidates(self, word: str) -> list[str]:
        """Vocabulary words that look like `word` (sharing letter triples, or a short word's first letter)."""
        raise NotImplementedError

    def unknown_words_candidates(self, words: list[str]) -> dict[str, list[str]]:
        """For each of `words` that nothing public holds, its `spelling_candidates`.

        A word is known when it is in the vocabulary, or when a published document matches it through
        stemming ("doctors" where only "doctor" is written): that is not a misspelling.
        """
        known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
        return {
            word: self.spelling_candidates(word) for word in words if word not in known and not self.matches_any(word)
        }

    def counts_and_page(
        self, query: ParsedQuery, *, kind: str | None, start: int, stop: int
    ) -> tuple[dict[str, int], list[PageRow] | None]:
        """How many `documents(query)` there are of each kind, and the page [start:stop] (of `kind`, if given)
        when the backend can fetch it in the same pass; None when it cannot (then `page()` is called)."""
        documents = self.documents(query)
        return dict(documents.order_by().values_list("kind").annotate(n=Count("pk"))), None

    def page(self, query: ParsedQuery, *, kind: str | None, start: int, stop: int):
        """The `PageRow`s [start:stop] of `documents(query)` (of `kind`, if given), best first."""
        documents = self.documents(query)
        if kind:
            documents = documents.filter(kind=kind)
        if documents.query.is_empty():  # nothing to search for: not annotated with a rank either
            return []
        return [PageRow(*row) for row in documents.values_list(*PAGE_FIELDS, "rank")[start:stop]]

    def documents_written(self, written: QuerySet[SearchDocument], documents: list[SearchDocument]) -> None:
        """Called after `documents` were saved (`written` selects them), to refresh data derived from their text."""
        if found := public_words(documents):
            SearchWord.objects.bulk_create(
                [SearchWord(word=word) for word in sorted(found)], ignore_conflicts=True, batch_size=1000
            )

    def public_words(self, documents: list[SearchDocument]) -> set[str]:
        """The words of `documents` (not yet saved or just saved) that the public may see."""
        return public_words(documents)

    def words_of(self, documents: QuerySet[SearchDocument]) -> set[str]:
        """The vocabulary words of `documents`, read before they change."""
        return {word for texts in documents.values_list(*VOCABULARY_FIELDS) for word in vocabulary(*texts)}

    def words_left(self, words: set[str]) -> None:
        """Forget the words that no published document holds any more (an unpublished programme's, a
        deleted person's surname), so that corrections and "did you mean" never offer them back.

        The documents that may still hold one are found through the full-text index, then read with the
        same tokenizer that built the vocabulary, so a word is kept only if it really is still public.
        """
        if not words:
            return
        still_public = set()
        for texts in self.holding_any(words).values_list(*VOCABULARY_FIELDS):
            still_public |= vocabulary(*texts) & words
        SearchWord.objects.filter(word__in=words - still_public).delete()

    def index_cleared(self) -> None:
        """Called when every document is about to be rewritten, to drop data derived from all of them."""
        SearchWord.objects.all().delete()


def vocabulary(*texts: str) -> set[str]:
    return {word for text in texts for word in words(text) if 3 <= len(word) <= MAX_WORD_LENGTH and not word.isdigit()}


def public_words(documents: list[SearchDocument]) -> set[str]:
    # Only words the public can already see may be offered as corrections.
    now = timezone.now()
    return {
        word
        for document in documents
        if document.status == Status.PUBLISHED and (document.publish_from is None or document.publish_from <= now)
        for word in vocabulary(*(getattr(document, field) for field in VOCABULARY_FIELDS))
    }
