from django.db.models import Case, FloatField, QuerySet, Value, When

from ..models import Kind, SearchDocument
from ..query import ParsedQuery

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

    def documents_written(self, written: QuerySet[SearchDocument], documents: list[SearchDocument]) -> None:
        """Called after `documents` were saved (`written` selects them), to refresh data derived from their text."""

    def index_cleared(self) -> None:
        """Called when every document is about to be rewritten, to drop data derived from all of them."""
