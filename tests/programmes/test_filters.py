"""Catalogue filters: what each filter selects, and the counts the visitor is shown beside each option."""

import datetime
import random

import django_filters
import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from lxml import html

from faculty.filters import PersonFilter
from faculty.models import Person
from programmes.filters import DURATION_BANDS, ProgrammeFilter
from programmes.models import Programme, ProgrammePartner
from programmes.views import ProgrammeListView
from publishing.models import Status
from tests.factories import (
    AudienceFactory,
    IntakeFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
    TopicFactory,
    WorkStreamFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def titles(client, query: str) -> list[str]:
    response = client.get(f"{reverse('programmes:list')}?{query}")
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    return [" ".join(h.text_content().split()) for h in tree.xpath("//article[contains(@class, 'programme-card')]//h3")]


def counts(query: str = "") -> dict[str, dict[str, int]]:
    queryset = Programme.objects.published().with_duration_days()
    filterset = ProgrammeFilter(QueryDict(query), queryset=queryset)
    return {
        facet["name"]: {option["value"]: option["count"] for option in facet["options"]} for facet in filterset.facets()
    }


def with_partner(programme, slug, role=ProgrammePartner.Role.DELIVERY_PARTNER):
    ProgrammePartnerFactory(programme=programme, organisation=OrganisationFactory(slug=slug, name=slug), role=role)
    return programme


@pytest.fixture
def seed_catalogue():
    """A small catalogue shaped like the centre's Leadership and management page."""
    doctors = AudienceFactory(name="Doctors", slug="doctors")
    seniors = AudienceFactory(name="Senior leaders", slug="senior-leaders")
    students = AudienceFactory(name="Medical students", slug="medical-students")
    systems = ProgrammeFactory(title="Systems Leadership", kind=Programme.Kind.COMMISSIONED)
    systems.audiences.add(seniors)
    with_partner(systems, "heewm")
    medical = ProgrammeFactory(title="Medical Leadership in Practice", kind=Programme.Kind.COMMISSIONED)
    medical.audiences.add(doctors)
    with_partner(medical, "ambs")
    with_partner(medical, "henw", ProgrammePartner.Role.COMMISSIONER)
    intercalated = ProgrammeFactory(
        title="Intercalated degree",
        kind=Programme.Kind.INTERCALATED,
        level=Programme.Level.UNDERGRADUATE,
        study_mode=Programme.StudyMode.FULL_TIME,
        duration_value=1,
        duration_unit=Programme.DurationUnit.YEARS,
    )
    intercalated.audiences.add(students, doctors)
    aspiring = ProgrammeFactory(title="Aspiring Healthcare Leaders", kind=Programme.Kind.OPEN)
    aspiring.audiences.add(seniors)
    IntakeFactory(programme=aspiring)
    hidden = ProgrammeFactory(title="Draft for doctors", kind=Programme.Kind.COMMISSIONED, status=Status.DRAFT)
    hidden.audiences.add(doctors)
    with_partner(hidden, "ambs")


def test_filter_programmes_for_doctors(client, seed_catalogue):
    assert titles(client, "audience=doctors") == ["Intercalated degree", "Medical Leadership in Practice"]


def test_filter_commissioned_programmes_delivered_with_a_given_partner(client, seed_catalogue):
    assert titles(client, "kind=commissioned&partner=ambs") == ["Medical Leadership in Practice"]
    assert titles(client, "kind=commissioned&partner=heewm") == ["Systems Leadership"]


def test_filter_by_commissioner(client, seed_catalogue):
    assert titles(client, "commissioner=henw") == ["Medical Leadership in Practice"]


def test_several_values_of_one_filter_widen_the_results(client, seed_catalogue):
    assert titles(client, "kind=open&kind=intercalated") == ["Aspiring Healthcare Leaders", "Intercalated degree"]


def test_several_filters_narrow_the_results(client, seed_catalogue):
    assert titles(client, "audience=senior-leaders&kind=open") == ["Aspiring Healthcare Leaders"]


def test_filter_by_level_study_mode_and_duration_band(client, seed_catalogue):
    assert titles(client, "level=undergraduate") == ["Intercalated degree"]
    assert titles(client, "study_mode=full_time") == ["Intercalated degree"]
    # One year and the factories' 12 months both fall in "3 months to a year"; nothing is longer.
    assert "Intercalated degree" in titles(client, "duration=months")
    assert titles(client, "duration=over-a-year") == []


def test_filter_by_availability(client, seed_catalogue):
    assert titles(client, "availability=open") == ["Aspiring Healthcare Leaders"]
    assert "Aspiring Healthcare Leaders" not in titles(client, "availability=dates_tbc")


@pytest.mark.parametrize(
    ("value", "unit", "band"),
    [
        (3, Programme.DurationUnit.DAYS, "up-to-a-week"),
        (1, Programme.DurationUnit.WEEKS, "up-to-a-week"),
        (12, Programme.DurationUnit.HOURS, "up-to-a-week"),
        (8, Programme.DurationUnit.DAYS, "weeks"),
        (3, Programme.DurationUnit.MONTHS, "weeks"),
        (4, Programme.DurationUnit.MONTHS, "months"),
        (12, Programme.DurationUnit.MONTHS, "months"),
        (1, Programme.DurationUnit.YEARS, "months"),
        (2, Programme.DurationUnit.YEARS, "over-a-year"),
        (18, Programme.DurationUnit.MONTHS, "over-a-year"),
    ],
)
def test_duration_bands(client, value, unit, band):
    ProgrammeFactory(title="Banded", duration_value=value, duration_unit=unit)

    assert titles(client, f"duration={band}") == ["Banded"]


def test_programme_without_a_duration_is_in_no_band():
    ProgrammeFactory(duration_value=None, duration_unit="")

    assert "duration" not in counts()


def test_filter_by_work_stream_and_topic(client):
    stream = WorkStreamFactory(slug="leadership")
    topic = TopicFactory(slug="system-leadership")
    tagged = ProgrammeFactory(title="Tagged")
    tagged.work_streams.add(stream)
    tagged.topics.add(topic)
    ProgrammeFactory(title="Untagged")

    assert titles(client, "work_stream=leadership") == ["Tagged"]
    assert titles(client, "topic=system-leadership") == ["Tagged"]


def test_option_counts_show_what_each_option_would_give(seed_catalogue):
    result = counts()

    assert result["audience"] == {"doctors": 2, "senior-leaders": 2, "medical-students": 1}
    assert result["kind"] == {"commissioned": 2, "open": 1, "intercalated": 1}
    assert result["partner"] == {"ambs": 1, "heewm": 1}
    assert result["commissioner"] == {"henw": 1}


def test_option_counts_apply_the_other_filters_but_not_their_own(seed_catalogue):
    result = counts("audience=doctors&kind=commissioned")

    # Other audiences are counted within commissioned programmes ...
    assert result["audience"] == {"doctors": 1, "senior-leaders": 1}
    # ... and other types within programmes for doctors.
    assert result["kind"] == {"commissioned": 1, "intercalated": 1}
    assert result["partner"] == {"ambs": 1}


def test_option_counts_match_the_results_the_option_gives(client, seed_catalogue):
    for value, count in counts("kind=commissioned")["audience"].items():
        assert len(titles(client, f"kind=commissioned&audience={value}")) == count


def test_drafts_are_neither_listed_nor_counted_nor_offered(client):
    draft_stream = WorkStreamFactory(slug="draft-stream", status=Status.DRAFT)
    draft = ProgrammeFactory(status=Status.DRAFT)
    draft.audiences.add(AudienceFactory(slug="only-in-drafts"))
    ProgrammeFactory().work_streams.add(draft_stream)

    result = counts()
    content = client.get(reverse("programmes:list")).content.decode()

    assert "audience" not in result
    assert "work_stream" not in result
    assert "only-in-drafts" not in content
    assert "draft-stream" not in content


def test_option_with_no_programmes_left_is_hidden_unless_chosen(client, seed_catalogue):
    tree = html.fromstring(client.get(reverse("programmes:list") + "?kind=open&level=undergraduate").content)
    level_values = tree.xpath("//input[@name='level']/@value")
    checked = tree.xpath("//input[@name='level'][@checked]/@value")

    assert "undergraduate" in level_values and checked == ["undergraduate"]
    assert tree.xpath("//input[@name='kind'][@value='open']/@checked")


def test_unknown_filter_values_are_ignored_and_reported(client, seed_catalogue):
    response = client.get(reverse("programmes:list") + "?audience=doctors&audience=vets&kind=spaceship&sort=oldest")
    tree = html.fromstring(response.content)
    notice = " ".join(tree.xpath("string(//*[contains(@class, 'notice')])").split())

    assert response.status_code == 200
    assert titles(client, "audience=doctors&audience=vets&kind=spaceship") == titles(client, "audience=doctors")
    assert "“vets”" in notice or "vets" in notice
    assert "spaceship" in notice and "oldest" in notice
    # The forms carry on with the valid choices only, so the notice does not follow the visitor around.
    assert tree.xpath("//form[@id='programme-filters']//input[@name='sort']/@value") == ["title"]
    assert tree.xpath("//*[@id='sort-select']/option[@selected]/@value") == ["title"]


def test_chosen_filter_can_be_removed_on_its_own(client, seed_catalogue):
    tree = html.fromstring(client.get(reverse("programmes:list") + "?audience=doctors&kind=commissioned").content)
    chips = {" ".join(a.text_content().split()): a.get("href") for a in tree.xpath("//a[contains(@class, 'chip')]")}

    remove_doctors = chips["Remove filter Who it is for: Doctors ×"]
    assert "audience" not in remove_doctors and "kind=commissioned" in remove_doctors


def test_sort_form_keeps_the_chosen_filters(client, seed_catalogue):
    tree = html.fromstring(client.get(reverse("programmes:list") + "?audience=doctors").content)
    (sort_form,) = tree.xpath("//form[contains(@class, 'sort-form')]")

    assert sort_form.xpath(".//input[@type='hidden'][@name='audience']/@value") == ["doctors"]


class SearchableProgrammeFilter(ProgrammeFilter):
    """What search adds later: a `q` filter that the checkbox form does not show."""

    q = django_filters.CharFilter(method="filter_q")

    def filter_q(self, queryset, name, value):
        return queryset.filter(title__icontains=value)


def test_a_filter_without_checkboxes_is_kept_by_both_forms_and_limits_the_counts(client, monkeypatch, seed_catalogue):
    monkeypatch.setattr(ProgrammeListView, "filterset_class", SearchableProgrammeFilter)

    tree = html.fromstring(client.get(reverse("programmes:list") + "?q=medical&audience=doctors").content)

    assert tree.xpath("//form[@id='programme-filters']//input[@name='q']/@value") == ["medical"]
    assert tree.xpath("//form[contains(@class, 'sort-form')]//input[@name='q']/@value") == ["medical"]
    cards = tree.xpath("//article[contains(@class, 'programme-card')]//h3")
    assert [" ".join(h.text_content().split()) for h in cards] == ["Medical Leadership in Practice"]
    # Counts respect the search too: only one programme for doctors mentions "medical".
    doctors_count = tree.xpath("//input[@name='audience'][@value='doctors']/following-sibling::label//span")[0]
    assert doctors_count.text_content().split()[0] == "1"


def test_organisation_and_audience_links_open_the_filtered_catalogue(client, seed_catalogue):
    organisation = OrganisationFactory(slug="ambs")
    audience = AudienceFactory(slug="doctors")

    assert client.get(organisation.get_absolute_url()).status_code == 200
    assert titles(client, audience.get_absolute_url().split("?", 1)[1]) == [
        "Intercalated degree",
        "Medical Leadership in Practice",
    ]


def test_open_programmes_filter_agrees_with_the_card_badge(client):
    today = timezone.localdate()  # not the module's TODAY: a run that crosses midnight would see yesterday
    programme = ProgrammeFactory(title="Deadline today")
    IntakeFactory(programme=programme, application_deadline=today, start_date=today + 30 * DAY)

    response = client.get(reverse("programmes:list") + "?availability=open")

    assert titles(client, "availability=open") == ["Deadline today"]
    assert "Open for applications" in response.content.decode()


def heading_count(client, query: str) -> int:
    tree = html.fromstring(client.get(f"{reverse('programmes:list')}?{query}").content)
    return int(tree.xpath("string(//*[@id='results-heading'])").split()[0])


def test_counts_with_only_unknown_values_are_the_unfiltered_counts(seed_catalogue):
    assert counts("audience=vets&kind=spaceship&duration=forever") == counts()


def test_programmes_without_links_offer_no_empty_option(seed_catalogue):
    ProgrammeFactory(title="Untagged", kind=Programme.Kind.OPEN)

    for query in ["", "kind=open"]:
        result = counts(query)
        assert "" not in result["audience"] and None not in result["audience"]
        assert all(value for options in result.values() for value in options)
        assert set(result.get("partner", {})) <= {"ambs", "heewm"}
    assert counts("kind=open")["audience"] == {"senior-leaders": 1}


def test_one_organisation_counts_separately_as_partner_and_as_commissioner():
    both = OrganisationFactory(slug="both", name="Both ways")
    delivered = ProgrammeFactory(title="Delivered", kind=Programme.Kind.OPEN)
    ProgrammePartnerFactory(programme=delivered, organisation=both, role=ProgrammePartner.Role.DELIVERY_PARTNER)
    commissioned = ProgrammeFactory(title="Commissioned", kind=Programme.Kind.COMMISSIONED)
    ProgrammePartnerFactory(programme=commissioned, organisation=both, role=ProgrammePartner.Role.COMMISSIONER)

    assert counts()["partner"] == {"both": 1} and counts()["commissioner"] == {"both": 1}
    assert "commissioner" not in counts("partner=both")
    assert counts("partner=both")["kind"] == {"open": 1}
    assert "partner" not in counts("commissioner=both")
    assert "commissioner" not in counts("kind=open")


def test_duration_counts_band_each_programme_once_with_and_without_filters():
    for value, unit, kind in [
        (3, Programme.DurationUnit.DAYS, Programme.Kind.OPEN),
        (12, Programme.DurationUnit.HOURS, Programme.Kind.OPEN),
        (12, Programme.DurationUnit.MONTHS, Programme.Kind.OPEN),
        (1, Programme.DurationUnit.YEARS, Programme.Kind.COMMISSIONED),
        (2, Programme.DurationUnit.YEARS, Programme.Kind.COMMISSIONED),
    ]:
        ProgrammeFactory(duration_value=value, duration_unit=unit, kind=kind)
    ProgrammeFactory(duration_value=None, duration_unit="", kind=Programme.Kind.OPEN)

    assert counts()["duration"] == {"up-to-a-week": 2, "months": 2, "over-a-year": 1}
    assert counts("kind=open")["duration"] == {"up-to-a-week": 2, "months": 1}
    assert counts("kind=open&duration=months")["kind"] == {"open": 1, "commissioned": 1}


def test_record_options_are_listed_by_their_order_then_name_whatever_the_case(client):
    programme = ProgrammeFactory()
    programme.audiences.add(
        AudienceFactory(slug="b", name="beta", order=1),
        AudienceFactory(slug="a", name="Alpha", order=1),
        AudienceFactory(slug="z", name="Zulu", order=0),
    )
    for slug, name in [("o-b", "bravo Trust"), ("o-a", "Alpha Trust"), ("o-c", "Charlie Trust")]:
        ProgrammePartnerFactory(programme=programme, organisation=OrganisationFactory(slug=slug, name=name))

    for query in ["", "kind=open"]:
        tree = html.fromstring(client.get(f"{reverse('programmes:list')}?{query}").content)
        assert tree.xpath("//input[@name='audience']/@value") == ["z", "a", "b"]
        assert tree.xpath("//input[@name='partner']/@value") == ["o-a", "o-b", "o-c"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "availability=dates_tbc",
        "availability=open&availability=dates_tbc",
        "kind=commissioned&availability=dates_tbc",
        "audience=doctors&audience=senior-leaders",
        "audience=vets",
    ],
)
def test_results_count_is_the_number_of_programmes_listed(client, seed_catalogue, query):
    assert heading_count(client, query) == len(titles(client, query))


def test_a_page_chosen_from_the_kept_bits_is_the_page_the_filtered_query_gives():
    """`page_ids()` against the filter set's own filtered, sorted query, for every single option, pairs of
    facets, every sort and every page: the same rows in the same order."""
    rng = random.Random(19)
    audiences = [AudienceFactory(slug=f"audience-{n}") for n in range(3)]
    for number in range(40):
        programme = ProgrammeFactory(
            title=rng.choice(["Board", "Coaching", "Leading", "Systems"]) + f" {number % 7}",
            kind=rng.choice(Programme.Kind.values),
            study_mode=rng.choice(Programme.StudyMode.values),
            duration_value=rng.choice([None, 1, 3, 10]),
            duration_unit=rng.choice(Programme.DurationUnit.values),
        )
        programme.audiences.add(*rng.sample(audiences, rng.randrange(3)))
        # Derived from intakes when saved: set as the daily job would, ties and blanks included.
        Programme.objects.filter(pk=programme.pk).update(
            next_start_date=rng.choice([None, TODAY + rng.randrange(20) * DAY]),
            next_deadline=rng.choice([None, TODAY + rng.randrange(20) * DAY]),
        )
    ProgrammeFactory(kind=Programme.Kind.OPEN, status=Status.DRAFT).audiences.add(audiences[0])
    listing = Programme.objects.published()
    queries = [f"kind={kind}" for kind in Programme.Kind.values]
    queries += [f"audience={audience.slug}&study_mode={mode}" for audience in audiences for mode in Programme.StudyMode]
    queries += [f"duration={band.slug}" for band in DURATION_BANDS]
    queries += [
        "kind=open&kind=commissioned&audience=audience-1",
        "kind=open&kind=short_course",
        "duration=weeks&kind=open",
    ]
    compared = 0
    for query in queries:
        for sort in ProgrammeFilter.ORDERINGS:
            filterset = ProgrammeFilter(QueryDict(f"{query}&sort={sort}"), queryset=listing)
            assert filterset.pages_by_id
            expected = [str(pk) for pk in filterset.qs.values_list("pk", flat=True)]
            assert filterset.total() == len(expected)
            for start in range(0, len(expected) + 7, 7):
                assert filterset.page_ids(start, start + 7) == expected[start : start + 7], (query, sort, start)
                compared += 1
    assert compared > 100
    assert listing.exclude(next_start_date=None).values("next_start_date").distinct().count() > 5


def test_a_page_of_words_is_not_chosen_by_id_nor_the_whole_list_where_its_rows_are_not_kept(seed_catalogue):
    listing = Programme.objects.published()
    assert ProgrammeFilter(QueryDict("kind=commissioned"), queryset=listing).pages_by_id
    # The catalogue keeps its rows' slugs and titles: even the whole list needs no query.
    assert ProgrammeFilter(QueryDict(""), queryset=listing).pages_by_id
    assert not ProgrammeFilter(QueryDict("kind=commissioned&q=leadership"), queryset=listing).pages_by_id
    # A list that keeps no fields reads a page of the whole list with one ordered query: cheaper than by id.
    assert not PersonFilter(QueryDict(""), queryset=Person.objects.published()).pages_by_id


def test_a_page_read_from_the_kept_rows_is_the_page_the_query_reads(seed_catalogue, django_assert_num_queries):
    listing = Programme.objects.published()
    rows = listing.values_list("pk", *ProgrammeFilter.KEPT_FIELDS, named=True)
    for query in ("", "kind=commissioned", "audience=doctors&audience=senior-leaders"):
        for sort in ProgrammeFilter.ORDERINGS:
            filterset = ProgrammeFilter(QueryDict(f"{query}&sort={sort}"), queryset=listing)
            expected = list(filterset.qs.values_list("pk", *ProgrammeFilter.KEPT_FIELDS, named=True))
            assert expected, query
            for start in range(0, len(expected) + 2, 2):
                with django_assert_num_queries(0):
                    page = filterset.page_rows(rows, start, start + 2)
                assert page == expected[start : start + 2], (query, sort, start)
