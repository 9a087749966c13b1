"""The faceted filter base and the words hook that every list shares (publishing.filters)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from django.urls import reverse

from faculty.models import Person
from publishing import filters
from publishing.filters import FacetedFilterSet, FacetFilter, Records, text_search
from search.query import MAX_QUERY_LENGTH


def test_the_search_app_provides_the_text_search_at_start_up():
    assert text_search().max_length == MAX_QUERY_LENGTH
    assert text_search().tidy("  nye\x00  bevan ") == "nye bevan"


@pytest.mark.django_db
def test_a_list_offering_words_without_a_text_search_fails_loudly(client, monkeypatch):
    monkeypatch.setattr(filters, "_text_search", None)

    with pytest.raises(ImproperlyConfigured):
        client.get(reverse("programmes:list"), {"q": "leadership"})


class RecordsOnlyFilter(FacetedFilterSet):
    work_stream = FacetFilter(options_from=Records("work_streams", label="title", published=True))

    class Meta:
        model = Person
        fields: list[str] = []


@pytest.mark.django_db
def test_a_filter_set_without_a_column_facet_cannot_count_its_rows():
    with pytest.raises(ImproperlyConfigured):
        RecordsOnlyFilter(QueryDict(""), queryset=Person.objects.published())
