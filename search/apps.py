from functools import partial

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from publishing.filters import TextSearch, use_text_search

        from . import signals
        from .query import MAX_QUERY_LENGTH, clean
        from .selectors import narrow

        signals.connect()
        # Lists narrowed by words (the catalogue's `q`) keep their own sort: ranking is the search page's job.
        use_text_search(
            TextSearch(
                narrow=partial(narrow, by_relevance=False),
                tidy=lambda raw: clean(raw)[:MAX_QUERY_LENGTH],
                max_length=MAX_QUERY_LENGTH,
            )
        )
