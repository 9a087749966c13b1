import django_filters

from .forms import QueryField
from .selectors import narrow


class WordsFilter(django_filters.CharFilter):
    """A django-filter filter that narrows an indexed model's queryset by words, through the search index.

    `by_relevance=False` (the default) keeps the list's own sort; the search page is where results are
    ranked. Odd input never makes the filter form invalid (see QueryField).
    """

    field_class = QueryField

    def __init__(self, *args, by_relevance: bool = False, **kwargs):
        self.by_relevance = by_relevance
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return narrow(qs, value, by_relevance=self.by_relevance)
