"""Faceted filter sets: the forgiving filters and option counts behind every list (programmes, research, people).

Filters are forgiving: a value that no longer exists (an old bookmark, a retired partner) is dropped and
reported in `ignored`, never an error page.

A list may also be narrowed by words (`WordsFilter`), through the text search that the search app provides
at start-up (`use_text_search()`): this base app knows only the hook, never the search index.
"""

from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django_filters import fields as filter_fields

# More values than any real filter has options: a longer list is a hostile or broken URL.
MAX_VALUES_PER_FILTER = 50


class LenientMultipleChoiceField(filter_fields.MultipleChoiceField):
    """Keeps the values that are valid choices and drops the rest, remembering them in `ignored`."""

    def clean(self, value):
        values = self.to_python(value)
        self.ignored = []
        kept = []
        for item in values:
            if len(kept) < MAX_VALUES_PER_FILTER and self.valid_value(item):
                if item not in kept:
                    kept.append(item)
            else:
                self.ignored.append(item)
        return kept


class LenientChoiceField(filter_fields.ChoiceField):
    """A single choice that falls back to the default instead of failing."""

    def clean(self, value):
        value = self.to_python(value)
        self.ignored = []
        if value and not self.valid_value(value):
            self.ignored = [value]
            return ""
        return value


class SortFilter(django_filters.ChoiceFilter):
    field_class = LenientChoiceField


# --- words -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextSearch:
    """How a list is narrowed by the words a visitor typed; the search app provides it (`SearchConfig.ready()`)."""

    # Keep the rows of an indexed model's queryset that match the words, in the queryset's own order.
    narrow: Callable[[QuerySet, str], QuerySet]
    # The words as they will be searched: tidied and cut to `max_length`; empty if nothing is left to search.
    tidy: Callable[[str], str]
    max_length: int


_text_search: TextSearch | None = None


def use_text_search(text_search: TextSearch) -> None:
    global _text_search
    _text_search = text_search


def text_search() -> TextSearch:
    """The configured text search; a list that offers words without one is a configuration error."""
    if _text_search is None:
        raise ImproperlyConfigured(
            "No text search is configured: the search app provides it at start-up (add it to INSTALLED_APPS)."
        )
    return _text_search


class WordsField(forms.CharField):
    """A words box that is never invalid, whatever is typed (NUL bytes included): odd input is tidied away."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators = []

    def to_python(self, value):
        return text_search().tidy(str(value or ""))


class WordsFilter(django_filters.CharFilter):
    """Narrows a list by words through the text search, keeping the list's own sort."""

    field_class = WordsField

    def filter(self, qs, value):
        return text_search().narrow(qs, value) if value else qs


class FacetFilter(django_filters.MultipleChoiceFilter):
    """Several values of one facet, OR-ed, from a GET form of checkboxes."""

    field_class = LenientMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class FacetedFilterSet(django_filters.FilterSet):
    """A filter set whose FACETS are offered as checkboxes, each option with how many rows it would give.

    The base of every faceted list (programmes, research, people). Subclasses declare their facets
    as `FacetFilter`s, name them in FACETS in the order the form shows them, and give
    `count_facets()`: for each facet and option, how many rows the other facets plus that option select.
    """

    FACETS: tuple[str, ...] = ()

    def count_facets(self) -> dict[str, dict[str, int]]:
        raise NotImplementedError

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """`count_facets()`, counted once per request however many parts of the page read them."""
        if not hasattr(self, "_facet_counts"):
            self._facet_counts = self.count_facets()
        return self._facet_counts

    def total(self) -> int:
        """How many rows the filters select, read from the counts (no COUNT query)."""
        raise NotImplementedError

    def filtered_without(self, facet: str | None) -> QuerySet:
        """The rows the current filters select, ignoring one facet's own values."""
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != facet:
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    # --- what the visitor asked for --------------------------------------------------------

    @property
    def ignored(self) -> list[str]:
        """Values in the URL that match no option, so the page can say they were ignored."""
        self.errors  # noqa: B018
        return [value for field in self.form.fields.values() for value in getattr(field, "ignored", [])]

    def selected(self, facet: str) -> list[str]:
        self.errors  # noqa: B018
        return list(self.form.cleaned_data.get(facet) or [])

    @property
    def is_filtered(self) -> bool:
        return any(self.selected(facet) for facet in self.FACETS)

    # --- the form ----------------------------------------------------------------------------

    def facets(self) -> list[dict]:
        """Everything the filter form shows: each facet with its options, counts and ticks."""
        counts = self.facet_counts()
        result = []
        for name in self.FACETS:
            chosen = set(self.selected(name))
            options = []
            for value, label in self.form.fields[name].choices:
                count = counts.get(name, {}).get(value, 0)
                # An option that would match nothing is left out, unless the visitor ticked it.
                if count or value in chosen:
                    options.append({"value": value, "label": label, "count": count, "selected": value in chosen})
            if options:
                result.append(
                    {"name": name, "label": self.filters[name].label, "options": options, "selected_count": len(chosen)}
                )
        return result
