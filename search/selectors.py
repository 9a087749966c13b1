"""The search interface other code calls. Everything here is read-only and sees published records only.

- `search(q, kind=...)`: ranked, counted and paginatable results across every kind of record.
- `suggest(q)`: a few titles for the search box's suggestions.
- `narrow(queryset, q)`: keep the rows of an indexed model's queryset that match the words, best first;
  the programme catalogue's `q` filter uses it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Length
from django.utils.safestring import SafeString

from .backends import get_backend
from .backends.base import KindWeight, PageRow
from .documents import source_for
from .highlight import snippet
from .models import Kind, SearchDocument
from .query import ParsedQuery, parse, typed_words
from .spelling import correct, did_you_mean
from .synonyms import with_synonyms

MAX_SUGGESTIONS = 8
# Fewer results than this, and the page offers a "did you mean" search when one finds more.
FEW_RESULTS = 3


@dataclass(frozen=True)
class SearchHit:
    kind: Kind
    title: str
    url: str
    snippet: SafeString
    rank: float

    @property
    def kind_label(self) -> str:
        return self.kind.label

    def get_absolute_url(self) -> str:
        return self.url


class SearchResults(Sequence):
    """The results of one search, lazy: nothing is read until they are counted or sliced.

    Give it to a `Paginator`: `len()` is the number of results (of the chosen kind), and slicing
    fetches only that page's documents, with highlighted snippets. Call `expect(start, stop)` first
    with the page you are about to show, and the backend may fetch it in the same pass as the counts.
    """

    def __init__(
        self,
        query: ParsedQuery,
        kind: Kind | None = None,
        backend=None,
        *,
        correct_spelling: bool = False,
    ):
        self._query = query
        self.kind = kind
        self._backend = backend or get_backend()
        self._correct_spelling = correct_spelling
        self._expected = (0, 0)
        self._pages: dict[tuple[int, int], list[PageRow]] = {}

    @property
    def query(self) -> ParsedQuery:
        """What was searched for: with `correct_spelling`, as corrected when the words as typed found nothing."""
        if self._correct_spelling:
            self.counts  # noqa: B018 - counting decides whether the words needed correcting
        return self._query

    def expect(self, start: int, stop: int) -> "SearchResults":
        self._expected = (start, stop)
        return self

    @cached_property
    def counts(self) -> dict[Kind, int]:
        """Results per kind of record, for every kind, whatever `kind` filters the list to.

        With `correct_spelling`, a search that finds nothing is searched again with its misspelt words
        corrected (`query` then says so). One that finds something has none to correct: every word
        `spelling.correct()` would look at is in a published record that matches all of them. So the
        query that looks for misspelt words (half a millisecond of CPU) runs only for searches that need it.
        """
        found = self._counted()
        if self._correct_spelling and not any(found.values()):
            corrected = correct(self._query, self._backend)
            if corrected.corrections:
                self._query = corrected
                found = self._counted()
        return {kind: found.get(kind.value, 0) for kind in Kind}

    def _counted(self) -> dict[str, int]:
        start, stop = self._expected
        found, page = self._backend.counts_and_page(self._query, kind=self.kind, start=start, stop=stop)
        self._pages.clear()
        if page is not None:
            self._pages[(start, stop)] = page
        return found

    @cached_property
    def did_you_mean(self) -> str:
        """For a search that found nothing or little: another query, of published words, that finds more."""
        if not self.query.is_searchable or self.total >= FEW_RESULTS:
            return ""
        return did_you_mean(self.query, self._backend, self.total)

    @property
    def total(self) -> int:
        """All results, whatever the kind."""
        return sum(self.counts.values())

    def count(self) -> int:
        return self.counts[self.kind] if self.kind else self.total

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        # One query for all of them, rather than Sequence's one index (and one query) at a time.
        return iter(self[0 : len(self)])

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Search results are indexed by a number or a slice.")
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        if start < 0 or stop < 0:
            raise ValueError("Search results do not support negative indexes.")
        self.counts  # noqa: B018 - counting may fetch the expected page in the same pass
        # The paginator asks for [start:count] on the last page; the page fetched with the counts covers it.
        documents = next(
            (page[: stop - start] for (first, last), page in self._pages.items() if first == start and last >= stop),
            None,
        )
        if documents is None:
            documents = self._backend.page(self._query, kind=self.kind, start=start, stop=stop)
        terms = self.query.highlighted_terms
        return [
            SearchHit(
                kind=Kind(document.kind),
                title=document.title,
                url=document.url,
                # Related names (partners, leads) are matched but not quoted: out of context they read as a list.
                snippet=snippet((document.summary, document.body), terms),
                rank=document.rank,
            )
            for document in documents
        ]


def search(q: str | ParsedQuery | None, *, kind: Kind | str | None = None, correct_spelling: bool = True):
    """Search every published programme, project, person, work stream and topic.

    Returns `SearchResults`; `results.query` says what was searched for, including any spelling
    corrections (`query.corrections`) and a `problem` to show when the query cannot be searched.
    """
    query = q if isinstance(q, ParsedQuery) else parse(q)
    kind = Kind(kind) if kind else None
    if not query.is_searchable:
        return SearchResults(query, kind)
    return SearchResults(with_synonyms(query), kind, correct_spelling=correct_spelling)


@dataclass(frozen=True)
class Suggestion:
    title: str
    url: str
    kind: Kind

    def as_dict(self) -> dict:
        return {"title": self.title, "url": self.url, "kind": self.kind.label}


def suggest(q: str | None, *, kind: Kind | None = None, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Titles (of one `kind`, or of all) containing every word typed so far, those starting with the text first.

    One query.
    """
    query = parse(q)
    if not query.is_searchable:
        return []
    documents = SearchDocument.objects.published()
    if kind:
        documents = documents.filter(kind=kind)
    for word in typed_words(query.text):
        documents = documents.filter(title__icontains=word)
    documents = documents.annotate(
        starts=Case(When(title__istartswith=query.text, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("starts", KindWeight().desc(), Length("title"), "title")
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    return [
        Suggestion(title=title, url=url, kind=Kind(kind))
        for title, url, kind in documents.values_list("title", "url", "kind")[:limit]
    ]


def narrow(queryset: QuerySet, q: str | None, *, by_relevance: bool = True) -> QuerySet:
    """Keep the rows of `queryset` (of an indexed model) that match `q`, misspellings corrected as in `search`.

    With `by_relevance` the rows are annotated `search_rank` and ordered best first (then by the
    queryset's own order); without it the queryset's order is kept, for lists with their own sort.
    An empty or unsearchable `q` returns the queryset unchanged.
    """
    query = parse(q)
    if not query.is_searchable:
        return queryset
    source = source_for(queryset.model)
    if source is None:
        raise ValueError(f"{queryset.model.__name__} is not in the search index.")
    backend = get_backend()
    matches = backend.documents(correct(with_synonyms(query), backend)).filter(
        content_type=ContentType.objects.get_for_model(source.model)
    )
    narrowed = queryset.filter(pk__in=matches.order_by().values("object_id"))
    if not by_relevance:
        return narrowed
    rank = Subquery(matches.filter(object_id=OuterRef("pk")).values("rank")[:1])
    return narrowed.annotate(search_rank=rank).order_by(
        "-search_rank", *(queryset.query.order_by or queryset.model._meta.ordering)
    )
