from django.db.models import Case, Count, FloatField, QuerySet, Value, When

from ..models import Kind, SearchDocument
from ..query import ParsedQuery

# What a results page shows of each document.
PAGE_FIELDS = ("kind", "title", "url", "summary", "body")

# How much a match counts by kind of record. Programmes and people are what visitors come for; a topic
# is a tag that leads to a filtered list, so an equally good topic match ranks below a programme.
KIND_WEIGHTS = {
    Kind.PROGRAMME: 1.0,
    Kind.PERSON: 1.0,
    Kind.PROJECT: 0.9,
    Kind.WORK_STREAM: 0.9,
    Kind.TOPIC: 0.6,
}


def kind_weight() -> Case:
    return Case(
        *(When(kind=kind.value, then=Value(weight)) for kind, weight in KIND_WEIGHTS.items()),
        default=Value(1.0),
        output_field=FloatField(),
    )


class SearchBackend:
    """What a search backend provides. Every method works on published documents only."""

    #: Whether misspelt words are corrected (PostgreSQL only).
    corrects_spelling = False

    def prepare(self, query: ParsedQuery) -> ParsedQuery:
        """Return the query to search for, e.g. with misspelt words corrected."""
        return query

    def documents(self, query: ParsedQuery) -> QuerySet[SearchDocument]:
        """Published documents matching every meaningful word, annotated with `rank`, best first."""
        raise NotImplementedError

    def counts_and_page(
        self, documents: QuerySet[SearchDocument], *, kind: str | None, start: int, stop: int
    ) -> tuple[dict[str, int], list[SearchDocument] | None]:
        """How many of `documents` there are of each kind, and the page [start:stop] (of `kind`, if given)
        when the backend can fetch it in the same pass; None when it cannot (then `page()` is called)."""
        return dict(documents.order_by().values_list("kind").annotate(n=Count("pk"))), None

    def page(self, documents: QuerySet[SearchDocument], *, kind: str | None, start: int, stop: int):
        """The documents [start:stop] of `documents` (of `kind`, if given), best first, annotated with `rank`."""
        if kind:
            documents = documents.filter(kind=kind)
        return list(documents.only(*PAGE_FIELDS)[start:stop])

    def documents_written(self, written: QuerySet[SearchDocument], documents: list[SearchDocument]) -> None:
        """Called after `documents` were saved (`written` selects them), to refresh data derived from their text."""

    def public_words(self, documents: list[SearchDocument]) -> set[str]:
        """The words of `documents` (not yet saved or just saved) that the public may see."""
        return set()

    def words_of(self, documents: QuerySet[SearchDocument]) -> set[str]:
        """The words of `documents` that data derived from their text holds (read before they change)."""
        return set()

    def words_left(self, words: set[str]) -> None:
        """Called once documents that held `words` were rewritten or removed: drop what is no longer public."""

    def index_cleared(self) -> None:
        """Called when every document is about to be rewritten, to drop data derived from all of them."""
