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


@pytest.mark.django_db
def test_each_filter_set_has_its_own_filters_bound_to_it_and_leaves_the_class_unchanged(monkeypatch):
    from programmes.filters import ProgrammeFilter
    from programmes.models import Programme
    from tests.factories import OrganisationFactory, ProgrammeFactory, ProgrammePartnerFactory

    ProgrammePartnerFactory(programme=ProgrammeFactory(title="B"), organisation=OrganisationFactory(slug="amb"))
    ProgrammeFactory(title="A")
    listing = Programme.objects.published().with_duration_days()
    # A form field built on the class's filter (a schema tool might) must not stand in for a request's own.
    monkeypatch.setattr(
        ProgrammeFilter.base_filters["partner"], "_field", ProgrammeFilter.base_filters["partner"].field
    )
    by_title = ProgrammeFilter(QueryDict("sort=title"), queryset=listing)
    by_partner = ProgrammeFilter(QueryDict("partner=amb&sort=-title"), queryset=listing)

    for name in ("partner", "sort", "q"):
        assert by_title.filters[name] is not by_partner.filters[name]
        assert by_title.filters[name].extra is not by_partner.filters[name].extra
        assert by_title.filters[name].parent is by_title and by_partner.filters[name].parent is by_partner
    # A facet's options are set on the request's copy, never on the class's filter.
    assert "choices" in by_title.filters["partner"].extra
    assert "choices" not in ProgrammeFilter.base_filters["partner"].extra
    # Filters by a filter-set method (the sort) run on their own filter set.
    assert [p.title for p in by_title.qs] == ["A", "B"]
    assert [p.title for p in by_partner.qs] == ["B"]


@pytest.mark.django_db
def test_a_filter_sets_form_uses_the_fields_its_filters_built_for_the_request():
    from programmes.filters import ProgrammeFilter
    from programmes.models import Programme
    from tests.factories import AudienceFactory, ProgrammeFactory

    ProgrammeFactory(title="For managers").audiences.add(AudienceFactory(slug="managers", name="Managers"))
    listing = Programme.objects.published().with_duration_days()
    first = ProgrammeFilter(QueryDict("audience=managers&audience=nobody"), queryset=listing)
    second = ProgrammeFilter(QueryDict("audience=managers"), queryset=listing)

    # Not copied again by the form (every option of every facet, on every request)...
    for name, field in first.form.fields.items():
        assert field is first.filters[name].field
    assert list(first.form.fields) == list(first.filters)
    # ...and still each request's own: what one request's validation records stays with it.
    assert first.is_valid() and second.is_valid()
    assert first.form.fields["audience"] is not second.form.fields["audience"]
    assert first.ignored == ["nobody"] and second.ignored == []
    assert first.selected("audience") == second.selected("audience") == ["managers"]
    assert type(first.form).base_fields == first.form.fields


def test_bands_add_their_annotation_only_to_a_queryset_without_it():
    from programmes.filters import DURATION_BANDS
    from programmes.models import Programme, ProgrammeQuerySet

    bands = filters.Bands("duration_days", DURATION_BANDS, annotated_by=ProgrammeQuerySet.with_duration_days)
    plain = Programme.objects.published()
    annotated = plain.with_duration_days()

    assert "duration_days" in bands.on(plain).query.annotations
    assert bands.on(annotated) is annotated
    assert filters.Bands("order", DURATION_BANDS).on(plain) is plain  # a column: nothing to add
