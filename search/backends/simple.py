"""The fallback for SQLite (development): substring matching with a weighted score, no index.

It mirrors the PostgreSQL ranking closely enough that the common cases come out in the same order:
a word in the title counts most, then the summary, the body and the names of related records, and
the same weights by kind apply. It does not stem properly or forgive misspellings.
"""

from django.db.models import Case, FloatField, Q, QuerySet, Value, When

from ..models import SearchDocument
from ..query import ParsedQuery, light_stem
from .base import SearchBackend, kind_weight

# The same proportions as PostgreSQL's default ts_rank weights for A, B, C and D.
PART_WEIGHTS = (
    (("title", "keywords"), 1.0),
    (("summary",), 0.4),
    (("body",), 0.2),
    (("related",), 0.1),
)


def _contains(fields: tuple[str, ...], stem: str) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": stem})
    return condition


class SimpleBackend(SearchBackend):
    def documents(self, query: ParsedQuery) -> QuerySet[SearchDocument]:
        terms = query.content_terms
        if not terms:
            return SearchDocument.objects.none()
        documents = SearchDocument.objects.published()
        score = Value(0.0)
        for term in terms:
            stem = light_stem(term)
            anywhere = Q()
            for fields, weight in PART_WEIGHTS:
                found = _contains(fields, stem)
                anywhere |= found
                score += Case(When(found, then=Value(weight)), default=Value(0.0), output_field=FloatField())
            documents = documents.filter(anywhere)
        if len(terms) > 1:
            # The words side by side in the title, as typed: PostgreSQL's ranking rewards closeness too.
            phrase = Q(title__icontains=" ".join(terms))
            score += Case(When(phrase, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        return documents.annotate(rank=score * kind_weight()).order_by("-rank", "title", "pk")
