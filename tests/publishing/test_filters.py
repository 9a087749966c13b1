"""The words hook that lists share (publishing.filters), which the search app fills in."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from publishing import filters
from publishing.filters import text_search
from search.query import MAX_QUERY_LENGTH


def test_the_search_app_provides_the_text_search_at_start_up():
    assert text_search().max_length == MAX_QUERY_LENGTH
    assert text_search().tidy("  nye\x00  bevan ") == "nye bevan"


@pytest.mark.django_db
def test_a_list_offering_words_without_a_text_search_fails_loudly(client, monkeypatch):
    monkeypatch.setattr(filters, "_text_search", None)

    with pytest.raises(ImproperlyConfigured):
        client.get(reverse("programmes:list"), {"q": "leadership"})
