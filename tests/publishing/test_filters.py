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
def test_each_filter_set_has_its_own_filters_bound_to_it_and_leaves_the_class_unchanged():
    from programmes.filters import ProgrammeFilter
    from programmes.models import Programme
    from tests.factories import OrganisationFactory, ProgrammeFactory, ProgrammePartnerFactory

    ProgrammePartnerFactory(
        programme=ProgrammeFactory(title="B"), organisation=OrganisationFactory(slug="amb", name="AMBS")
    )
    ProgrammeFactory(title="A")
    listing = Programme.objects.published().with_duration_days()
    by_title = ProgrammeFilter(QueryDict("sort=title"), queryset=listing)
    by_partner = ProgrammeFilter(QueryDict("partner=amb&sort=-title"), queryset=listing)

    for name in ("partner", "sort", "q"):
        assert by_title.filters[name] is not by_partner.filters[name]
        assert by_title.filters[name].parent is by_title and by_partner.filters[name].parent is by_partner
    # A record facet's options come from the data, never set on a filter, the class's or a request's.
    assert by_title.choices("partner") == [("amb", "AMBS")]
    assert "choices" not in ProgrammeFilter.base_filters["partner"].extra
    assert "choices" not in by_title.filters["partner"].extra
    assert [p.title for p in by_title.qs] == ["A", "B"]
    assert [p.title for p in by_partner.qs] == ["B"]


@pytest.mark.django_db
def test_a_filter_set_reads_each_requests_values_itself_forgiving_what_matches_no_option():
    from programmes.filters import ProgrammeFilter
    from programmes.models import Programme
    from tests.factories import AudienceFactory, ProgrammeFactory

    ProgrammeFactory(title="For managers").audiences.add(AudienceFactory(slug="managers", name="Managers"))
    listing = Programme.objects.published()
    first = ProgrammeFilter(
        QueryDict("audience=managers&audience=nobody&audience=managers&kind=spaceship&sort=oldest&q=%00lead"),
        queryset=listing,
    )
    second = ProgrammeFilter(QueryDict("audience=managers"), queryset=listing)
    too_many = ProgrammeFilter(QueryDict("&".join(f"topic=t{n}" for n in range(60))), queryset=listing)

    assert first.ignored == ["spaceship", "nobody", "oldest"] and second.ignored == []
    assert first.selected("audience") == second.selected("audience") == ["managers"]  # once, however often asked
    assert first.values["kind"] == [] and first.values["q"] == "lead"
    assert first.ordering() == second.ordering() == "title"  # an unknown order keeps the default
    assert first.is_valid() and first.errors == {}
    assert len(too_many.ignored) == 60  # no such topics; and never more than MAX_VALUES_PER_FILTER kept
    # Nothing reads a form: one would validate every option of every facet again, strictly.
    with pytest.raises(NotImplementedError):
        first.form  # noqa: B018


@pytest.mark.django_db
def test_a_filter_without_its_own_reading_is_read_through_its_form_field_and_an_invalid_value_ignored():
    import django_filters

    from programmes.filters import ProgrammeFilter
    from programmes.models import Programme
    from tests.factories import ProgrammeFactory

    class WithNumberFilter(ProgrammeFilter):
        from_id = django_filters.NumberFilter(method="from_pk")

        def from_pk(self, queryset, name, value):
            return queryset.filter(pk__gte=value)

    first, second = ProgrammeFactory(title="A"), ProgrammeFactory(title="B")
    listing = Programme.objects.published()
    valid = WithNumberFilter(QueryDict(f"from_id={second.pk}"), queryset=listing)
    invalid = WithNumberFilter(QueryDict("from_id=many"), queryset=listing)

    assert valid.values["from_id"] == second.pk and valid.ignored == []
    assert [p.title for p in valid.qs] == ["B"]
    assert invalid.values["from_id"] is None and invalid.ignored == ["many"]
    assert [p.pk for p in invalid.qs] == [first.pk, second.pk]  # the list, unnarrowed


def test_a_facet_keeps_at_most_its_limit_of_values_and_each_value_once():
    facet = FacetFilter(choices=[])
    offered = {f"t{n}": f"T{n}" for n in range(60)}
    data = QueryDict("&".join(f"topic=t{n}" for n in [*range(60), 0]))

    kept, ignored = facet.read(data, "topic", offered)

    assert kept == [f"t{n}" for n in range(filters.MAX_VALUES_PER_FILTER)]
    assert ignored == [f"t{n}" for n in range(filters.MAX_VALUES_PER_FILTER, 60)]


def test_bands_add_their_annotation_only_to_a_queryset_without_it():
    from programmes.filters import DURATION_BANDS
    from programmes.models import Programme, ProgrammeQuerySet

    bands = filters.Bands("duration_days", DURATION_BANDS, annotated_by=ProgrammeQuerySet.with_duration_days)
    plain = Programme.objects.published()
    annotated = plain.with_duration_days()

    assert "duration_days" in bands.on(plain).query.annotations
    assert bands.on(annotated) is annotated
    assert filters.Bands("order", DURATION_BANDS).on(plain) is plain  # a column: nothing to add


@pytest.mark.django_db
def test_a_list_of_its_class_s_own_listing_works_out_where_its_options_come_from_once(client, monkeypatch, settings):
    from programmes.filters import ProgrammeFilter
    from programmes.views import ProgrammeListView
    from publishing import views
    from research.filters import ResearchProjectFilter
    from tests.factories import ProgrammeFactory, ResearchProjectFactory

    settings.PAGE_CACHE_ENABLED = False  # every request renders its list
    ProgrammeFactory(title="Nye Bevan")
    ResearchProjectFactory(title="Commissioning")
    views._fixed_options_key.cache_clear()
    afresh = ProgrammeFilter.options_key(ProgrammeListView.queryset.all())
    worked_out, read_from = [], []
    for filterset_class in (ProgrammeFilter, ResearchProjectFilter):
        key_of = filterset_class.options_key
        monkeypatch.setattr(
            filterset_class,
            "options_key",
            classmethod(lambda cls, listing, key_of=key_of: worked_out.append(cls) or key_of(listing)),
        )
    remember = filters.remember
    monkeypatch.setattr(filters, "remember", lambda key, compute: read_from.append(key) or remember(key, compute))

    for query in ("", "?sort=title", "?audience=nobody"):
        assert client.get(reverse("programmes:list") + query).status_code == 200
    # The catalogue's listing is its class's queryset: worked out once, and the same key as worked out afresh.
    assert worked_out == [ProgrammeFilter]
    assert set(read_from) == {afresh}

    # A listing that get_queryset() builds on each request may differ between them: worked out each time.
    for _ in range(2):
        assert client.get(reverse("research:list")).status_code == 200
    assert worked_out == [ProgrammeFilter, ResearchProjectFilter, ResearchProjectFilter]
