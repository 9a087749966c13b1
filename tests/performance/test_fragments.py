"""Fragments (pagecache/fragments.py): kept while the tables they read are unchanged, never past a publish, never
a draft. Each test runs on the in-process cache and, where REDIS_URL is set (CI's PostgreSQL run), on Redis as
production has it."""

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from faculty.models import Person
from organisations.models import Organisation
from pagecache import fragments, middleware
from pagecache.fragments import remember
from pagecache.middleware import DependencyHints
from programmes.models import Audience, Programme
from programmes.views import ProgrammeDetailView
from publishing import snapshots, workflow
from publishing import views as publishing_views
from publishing.models import Status
from research.models import ResearchProject
from search.models import Synonym
from sitecontent.models import HomePage
from tests.factories import (
    AudienceFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
    WorkStreamMemberFactory,
)
from tests.pages import facet_counts
from workstreams.models import WorkStream

pytestmark = pytest.mark.django_db


@pytest.fixture
def fragment_cache(shared_caches, settings):
    settings.FRAGMENT_CACHE_ENABLED = True
    settings.PAGE_CACHE_ENABLED = False  # every request renders: what is measured here is the fragment
    return shared_caches


def catalogue_counts(client, facet="kind"):
    response = client.get(reverse("programmes:list"))
    assert response.status_code == 200
    return facet_counts(response, facet)


@pytest.mark.usefixtures("fragment_cache")
def test_a_fragment_is_computed_once_until_a_table_it_read_is_written():
    calls = []

    def count_programmes():
        calls.append(1)
        return Programme.objects.count()

    ProgrammeFactory()
    assert remember("test:count", count_programmes) == 1
    assert remember("test:count", count_programmes) == 1
    assert len(calls) == 1

    Audience.objects.create(name="Unrelated", slug="unrelated")  # a table the fragment did not read
    assert remember("test:count", count_programmes) == 1
    assert len(calls) == 1

    ProgrammeFactory()
    assert remember("test:count", count_programmes) == 2
    assert len(calls) == 2


@pytest.mark.usefixtures("fragment_cache")
def test_catalogue_counts_show_a_publish_at_once_and_never_a_draft(client, content_editor, publisher):
    ProgrammeFactory(kind=Programme.Kind.OPEN)
    assert catalogue_counts(client) == {"open": 1}

    draft = ProgrammeFactory(kind=Programme.Kind.SHORT_COURSE, status=Status.DRAFT)
    assert catalogue_counts(client) == {"open": 1}  # a draft is not counted

    draft.status = Status.PUBLISHED
    draft.save()
    assert catalogue_counts(client) == {"open": 1, "short_course": 1}  # the next request after the publish


@pytest.mark.usefixtures("fragment_cache")
def test_a_pending_change_shows_in_the_counts_only_once_approved(client, content_editor, publisher):
    live = ProgrammeFactory(kind=Programme.Kind.OPEN)
    audience = AudienceFactory(slug="doctors", name="Doctors")
    assert catalogue_counts(client) == {"open": 1}

    change = snapshots.read(live)
    change["fields"]["kind"] = Programme.Kind.COMMISSIONED
    change["links"]["audiences"] = [audience.pk]
    workflow.save_draft(live, change, user=content_editor)
    workflow.submit(live, user=content_editor)
    assert catalogue_counts(client) == {"open": 1}
    assert catalogue_counts(client, "audience") == {}

    workflow.approve(live, user=publisher)
    assert catalogue_counts(client) == {"commissioned": 1}
    assert catalogue_counts(client, "audience") == {"doctors": 1}


@pytest.mark.usefixtures("fragment_cache")
def test_filtered_catalogue_pages_count_from_the_stored_fragment(client, django_assert_max_num_queries):
    ProgrammeFactory.create_batch(3, kind=Programme.Kind.OPEN)
    ProgrammeFactory(kind=Programme.Kind.COMMISSIONED)
    client.get(reverse("programmes:list"))  # reads the options once

    with django_assert_max_num_queries(3) as captured:  # centre, the page of programmes, their partners
        response = client.get(reverse("programmes:list"), {"kind": "open", "level": "executive"})

    assert response.status_code == 200
    assert not any("GROUP BY" in query["sql"] for query in captured.captured_queries), [
        q["sql"][:400] for q in captured.captured_queries
    ]


def test_without_the_fragment_cache_every_request_reads_the_options(client, settings, django_assert_num_queries):
    settings.FRAGMENT_CACHE_ENABLED = False
    settings.PAGE_CACHE_ENABLED = False
    ProgrammeFactory()
    client.get(reverse("programmes:list"))

    # The centre, the options and the list in each of its three orders, the page's ids, its cards'
    # programmes and their partners.
    with django_assert_num_queries(8) as captured:
        client.get(reverse("programmes:list"))

    assert any("GROUP BY" in query["sql"] for query in captured.captured_queries)


@pytest.mark.usefixtures("fragment_cache")
def test_a_page_stored_after_a_fragment_hit_still_goes_stale_on_a_write(client, settings):
    """A page rendered from a stored fragment read no facet tables itself; it must depend on them all the same."""
    settings.PAGE_CACHE_ENABLED = True
    audience = AudienceFactory(slug="doctors", name="Doctors")
    ProgrammeFactory(kind=Programme.Kind.OPEN).audiences.add(audience)
    client.get(reverse("programmes:list"), {"sort": "title"})  # the fragment is stored
    assert catalogue_counts(client) == {"open": 1}  # this page is rendered from the stored fragment
    assert client.get(reverse("programmes:list"))["X-Page-Cache"] == "hit"

    # Only the facets read the audiences' table: the page knows of it through the fragment alone.
    Audience.objects.filter(pk=audience.pk).update(name="Doctors and dentists")

    response = client.get(reverse("programmes:list"))
    assert response["X-Page-Cache"] == "miss"
    assert "Doctors and dentists" in response.content.decode()


@pytest.mark.usefixtures("fragment_cache")
def test_the_home_and_work_stream_pages_show_a_publish_at_once_and_never_a_draft(client):
    stream = WorkStreamFactory()
    shown = ProgrammeFactory(title="Shown programme", kind=Programme.Kind.OPEN)
    shown.work_streams.add(stream)
    hidden = ProgrammeFactory(title="Programme still in draft", kind=Programme.Kind.OPEN, status=Status.DRAFT)
    hidden.work_streams.add(stream)
    pages = [reverse("home"), stream.get_absolute_url()]
    for url in pages:  # the fragments are stored
        page = client.get(url).content.decode()
        assert "Programme still in draft" not in page
    assert "Browse all 1 programme" in client.get(reverse("home")).content.decode()
    assert "Shown programme" in client.get(stream.get_absolute_url()).content.decode()

    hidden.status = Status.PUBLISHED
    hidden.save()

    assert "Programme still in draft" in client.get(stream.get_absolute_url()).content.decode()
    assert "Browse all 2 programmes" in client.get(reverse("home")).content.decode()


def partner_queries(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "programmes_programmepartner" in query["sql"]]


@pytest.mark.usefixtures("fragment_cache")
def test_a_card_made_for_one_page_serves_every_page_that_lists_it(client, django_assert_max_num_queries):
    stream = WorkStreamFactory()
    programme = ProgrammeFactory(title="Medical Leadership in Practice")
    programme.work_streams.add(stream)
    ProgrammePartnerFactory(programme=programme, organisation__name="Health Education England West Midlands")
    assert "Medical Leadership in Practice" in client.get(reverse("programmes:list")).content.decode()

    # Other filter combinations and orders: the cards are not read again.
    catalogue = reverse("programmes:list")
    for url in [f"{catalogue}?sort=start&kind=open", f"{catalogue}?work_stream={stream.slug}&sort=deadline"]:
        with django_assert_max_num_queries(20) as captured:
            page = client.get(url).content.decode()
        assert "Medical Leadership in Practice" in page
        assert "Health Education England West Midlands" in page
        assert partner_queries(captured) == [], url


@pytest.mark.usefixtures("fragment_cache")
def test_cards_show_a_change_at_once_and_never_a_pending_one(client, content_editor, publisher):
    stream = WorkStreamFactory()
    programme = ProgrammeFactory(title="Medical Leadership in Practice")
    programme.work_streams.add(stream)
    partner = ProgrammePartnerFactory(
        programme=programme, organisation__name="Health Education North-West"
    ).organisation
    pages = [reverse("programmes:list"), stream.get_absolute_url()]
    for url in pages:  # the cards are stored
        assert "Medical Leadership in Practice" in client.get(url).content.decode()

    change = snapshots.read(programme)
    change["fields"]["title"] = "Medical Leadership, revised"
    workflow.save_draft(programme, change, user=content_editor)
    workflow.submit(programme, user=content_editor)
    for url in pages:
        assert "Medical Leadership, revised" not in client.get(url).content.decode()

    workflow.approve(programme, user=publisher)
    for url in pages:
        assert "Medical Leadership, revised" in client.get(url).content.decode()

    # Only the partners' table changes: the card shows it.
    Organisation.objects.filter(pk=partner.pk).update(name="NHS England North West")
    for url in pages:
        page = client.get(url).content.decode()
        assert "NHS England North West" in page
        assert "Health Education North-West" not in page

    programme.status = Status.DRAFT
    programme.save()
    for url in pages:
        assert "Medical Leadership, revised" not in client.get(url).content.decode()


@pytest.mark.usefixtures("fragment_cache")
def test_a_preview_neither_reads_nor_stores_fragments():
    """A preview writes a pending change, renders and rolls back (publishing.previews), with table versions
    frozen: what it renders must not be stored for the public, and it must see its own change."""
    programme = ProgrammeFactory(title="Live title")
    assert "Live title" in Programme.objects.cards([programme.pk])[programme.pk]
    assert remember("test:titles", lambda: list(Programme.objects.values_list("title", flat=True))) == ["Live title"]

    with middleware.versions_frozen(), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(title="Pending title")
        assert "Pending title" in Programme.objects.cards([programme.pk])[programme.pk]
        assert remember("test:titles", lambda: list(Programme.objects.values_list("title", flat=True))) == [
            "Pending title"
        ]
        transaction.set_rollback(True)

    assert "Live title" in Programme.objects.cards([programme.pk])[programme.pk]
    assert remember("test:titles", lambda: list(Programme.objects.values_list("title", flat=True))) == ["Live title"]


@pytest.mark.usefixtures("fragment_cache")
def test_a_card_is_left_out_once_its_record_is_unpublished_and_kept_per_heading_level():
    shown, withdrawn = ProgrammeFactory(), ProgrammeFactory()
    assert list(Programme.objects.cards([withdrawn.pk, shown.pk])) == [withdrawn.pk, shown.pk]

    Programme.objects.filter(pk=withdrawn.pk).update(status=Status.DRAFT)

    cards = Programme.objects.cards([withdrawn.pk, shown.pk], heading_level=4)
    assert list(cards) == [shown.pk]
    assert '<h4 class="hsmc-card__title">' in cards[shown.pk]


@pytest.mark.usefixtures("fragment_cache")
def test_a_filtered_catalogue_page_read_by_id_shows_a_publish_at_once_and_never_a_draft(client):
    """A page that only facets filter is chosen from the kept facet data (`FacetedFilterSet.page_ids()`)
    and its rows read by id: the filtered query is not run, and a write shows on the next request."""
    short = Programme.Kind.SHORT_COURSE
    first, second = ProgrammeFactory(title="Alpha", kind=short), ProgrammeFactory(title="Beta", kind=short)
    draft = ProgrammeFactory(title="Gamma", kind=short, status=Status.DRAFT)
    ProgrammeFactory(title="Delta", kind=Programme.Kind.OPEN)

    def listed():
        response = client.get(reverse("programmes:list"), {"kind": short})
        assert response.status_code == 200
        return re.findall(r'<h3 class="hsmc-card__title">\s*<a [^>]*>([^<]+)</a>', response.content.decode())

    assert listed() == ["Alpha", "Beta"]
    with CaptureQueriesContext(connection) as again:
        assert listed() == ["Alpha", "Beta"]
    assert not any(
        '"programmes_programme"."kind"' in query["sql"] for query in again.captured_queries
    )  # not filtered in SQL

    draft.status = Status.PUBLISHED
    draft.save()
    assert listed() == ["Alpha", "Beta", "Gamma"]
    first.status = Status.DRAFT
    first.save()
    assert listed() == ["Beta", "Gamma"]
    second.title = "Zeta"
    second.save()
    assert listed() == ["Gamma", "Zeta"]


@pytest.mark.usefixtures("fragment_cache")
def test_search_synonyms_are_kept_and_a_change_to_them_applies_to_the_next_search_at_once(client, committed):
    with committed():  # indexed for search once committed
        ProgrammeFactory(title="Board development", summary="Commissioned by Health Education England.")

    def titles(query):
        response = client.get(reverse("search:results"), {"q": query})
        assert response.status_code == 200
        return re.findall(r'class="search-result__title"><a [^>]*>([^<]+)</a>', response.content.decode())

    assert titles("hee") == []
    with CaptureQueriesContext(connection) as searched_again:
        assert titles("hee") == []
    assert not any("search_synonym" in query["sql"] for query in searched_again.captured_queries)

    synonym = Synonym.objects.create(term="hee", meaning="Health Education England")
    assert titles("hee") == ["Board development"]
    synonym.meaning = "Health Education East"
    synonym.save()
    assert titles("hee") == []
    Synonym.objects.create(term="hee", meaning="Commissioned")
    assert titles("hee") == ["Board development"]
    Synonym.objects.filter(term="hee").delete()
    assert titles("hee") == []


@pytest.mark.usefixtures("fragment_cache")
def test_cards_and_items_asked_for_among_every_record_still_show_only_published_ones():
    """Pages ask `Model.objects.cards(ids)`, without `published()`: the rule is applied when a card is read."""
    programme, draft_programme = ProgrammeFactory(), ProgrammeFactory(status=Status.DRAFT)
    project, draft_project = ResearchProjectFactory(), ResearchProjectFactory(status=Status.DRAFT)
    person, draft_person = PersonFactory(), PersonFactory(status=Status.DRAFT)

    assert list(Programme.objects.cards([draft_programme.pk, programme.pk])) == [programme.pk]
    assert list(ResearchProject.objects.cards([draft_project.pk, project.pk])) == [project.pk]
    assert list(ResearchProject.objects.list_items([draft_project.pk, project.pk])) == [project.pk]
    assert list(Person.objects.list_items([draft_person.pk, person.pk])) == [person.pk]


@pytest.mark.usefixtures("fragment_cache")
def test_people_and_project_items_show_a_change_at_once_and_never_a_draft(client):
    stream = WorkStreamFactory()
    affiliation = OrganisationFactory(name="University of Birmingham")
    person = PersonFactory(given_name="Ian", family_name="Snelling", job_title="Senior Fellow", affiliation=affiliation)
    WorkStreamMemberFactory(work_stream=stream, person=person)
    project = ResearchProjectFactory(title="Evaluating the Nye Bevan programme")
    project.work_streams.add(stream)
    pages = [stream.get_absolute_url(), reverse("faculty:list"), reverse("research:list")]
    for url in pages:  # the items are stored
        client.get(url)

    Person.objects.filter(pk=person.pk).update(job_title="Professor of Health Management")
    Organisation.objects.filter(pk=affiliation.pk).update(name="Birmingham Business School")
    ResearchProject.objects.filter(pk=project.pk).update(title="Evaluating the Nye Bevan Programme, 2024")
    stream_page, people_page, research_page = (client.get(url).content.decode() for url in pages)
    for page in (stream_page, people_page):
        assert "Professor of Health Management, Birmingham Business School" in page
    for page in (stream_page, research_page):
        assert "Evaluating the Nye Bevan Programme, 2024" in page

    Person.objects.filter(pk=person.pk).update(status=Status.DRAFT)
    ResearchProject.objects.filter(pk=project.pk).update(status=Status.DRAFT)
    stream_page, people_page, research_page = (client.get(url).content.decode() for url in pages)
    assert "Snelling" not in stream_page and "Snelling" not in people_page
    assert "Nye Bevan" not in stream_page and "Nye Bevan" not in research_page


@pytest.mark.usefixtures("fragment_cache")
def test_a_programme_page_shows_its_related_programmes_as_they_are_now(client):
    programme, onward = ProgrammeFactory(), ProgrammeFactory(title="Nye Bevan Programme")
    programme.progression_to.add(onward)
    assert "Nye Bevan Programme" in client.get(programme.get_absolute_url()).content.decode()

    Programme.objects.filter(pk=onward.pk).update(title="Nye Bevan Programme for executives")
    assert "Nye Bevan Programme for executives" in client.get(programme.get_absolute_url()).content.decode()

    Programme.objects.filter(pk=onward.pk).update(status=Status.DRAFT)
    assert "Nye Bevan" not in client.get(programme.get_absolute_url()).content.decode()


DETAIL_PAGES = {
    "programme": (ProgrammeFactory, Programme, "programmes_programme"),
    "work stream": (WorkStreamFactory, WorkStream, "workstreams_workstream"),
    "project": (ResearchProjectFactory, ResearchProject, "research_researchproject"),
}


@pytest.mark.usefixtures("fragment_cache")
@pytest.mark.parametrize("kind", DETAIL_PAGES)
def test_a_detail_page_reads_its_record_once_and_shows_a_change_or_an_unpublish_at_once(client, kind):
    factory, model, table = DETAIL_PAGES[kind]
    record = factory(title="Medical Leadership")
    url = record.get_absolute_url()
    assert "Medical Leadership" in client.get(url).content.decode()  # the record is kept

    with CaptureQueriesContext(connection) as captured:
        assert "Medical Leadership" in client.get(url).content.decode()
    assert not [query["sql"] for query in captured.captured_queries if f'FROM "{table}"' in query["sql"]]

    model.objects.filter(pk=record.pk).update(title="Medical Leadership in Practice")
    assert "Medical Leadership in Practice" in client.get(url).content.decode()

    model.objects.filter(pk=record.pk).update(status=Status.DRAFT)
    assert client.get(url).status_code == 404


@pytest.mark.usefixtures("fragment_cache")
def test_a_person_page_keeps_what_it_reads_with_the_person_and_shows_a_change_to_it_at_once(client):
    person = PersonFactory(given_name="Ian", family_name="Snelling")
    person.expertise.add(TopicFactory(name="Clinical leadership"))
    url = person.get_absolute_url()
    assert "Clinical leadership" in client.get(url).content.decode()

    person.expertise.add(TopicFactory(name="Patient safety"))  # only the link table is written
    page = client.get(url).content.decode()
    assert "Clinical leadership" in page and "Patient safety" in page


@pytest.mark.usefixtures("fragment_cache")
def test_a_slug_longer_than_any_record_s_is_a_404_with_no_kept_value_of_its_own(client, monkeypatch):
    keys = []
    monkeypatch.setattr(publishing_views, "remember", lambda key, compute: keys.append(key) or compute())
    programme = ProgrammeFactory()

    assert client.get(reverse("programmes:detail", args=["a" * 201])).status_code == 404
    assert keys == []
    assert client.get(programme.get_absolute_url()).status_code == 200
    assert keys == [f"detail:programmes.views.ProgrammeDetailView:{programme.slug}"]


@pytest.mark.usefixtures("fragment_cache")
def test_a_draft_that_staff_preview_on_its_page_is_never_kept_for_the_public(client, content_editor):
    draft = ProgrammeFactory(title="Draft programme", status=Status.DRAFT)
    staff = Client()
    staff.force_login(content_editor)
    for _ in range(2):
        page = staff.get(draft.get_absolute_url())
        assert page.status_code == 200
        assert "Draft programme" in page.content.decode()

    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.usefixtures("fragment_cache")
def test_a_kept_record_is_a_copy_each_request_may_add_to(rf):
    programme = ProgrammeFactory()
    view = ProgrammeDetailView()
    objects = []
    for _ in range(2):
        request = rf.get(programme.get_absolute_url())
        request.user = AnonymousUser()
        view.setup(request, slug=programme.slug)
        objects.append(view.get_object())

    assert objects[0] == objects[1]
    assert objects[0] is not objects[1]
    objects[0].pathway = ["changed by one request"]
    assert objects[1].pathway == []


@pytest.mark.usefixtures("fragment_cache")
def test_the_home_page_shows_editors_changes_and_new_work_streams_at_once(client):
    home = HomePage.objects.get_or_create_default()
    client.get(reverse("home"))  # what it shows is stored

    HomePage.objects.filter(pk=home.pk).update(headline="Leadership for health and care")
    WorkStreamFactory(title="Integrated care systems")
    page = client.get(reverse("home")).content.decode()
    assert "Leadership for health and care" in page
    assert "Integrated care systems" in page

    HomePage.objects.filter(pk=home.pk).update(status=Status.DRAFT)
    assert "Leadership for health and care" not in client.get(reverse("home")).content.decode()


@pytest.mark.usefixtures("fragment_cache")
def test_a_value_made_without_reading_a_table_is_not_kept():
    """Nothing would ever say it changed, so it would be served unchanged for PAGE_CACHE_SECONDS."""
    calls = []
    assert remember("test:no-tables", lambda: calls.append(1) or len(calls)) == 1
    assert remember("test:no-tables", lambda: calls.append(1) or len(calls)) == 2


class CountingCache:
    """The cache, with each round trip to it noted by name."""

    def __init__(self, cache, trips: list[str]):
        self._cache, self._trips = cache, trips

    def __getattr__(self, name):
        attribute = getattr(self._cache, name)
        if name not in {"get", "get_many", "set", "set_many", "add"}:
            return attribute

        def counted(*args, **kwargs):
            self._trips.append(name)
            return attribute(*args, **kwargs)

        return counted


@pytest.fixture
def trips(monkeypatch) -> list[str]:
    noted: list[str] = []
    original = fragments.page_cache
    monkeypatch.setattr(fragments, "page_cache", lambda: CountingCache(original(), noted))
    return noted


@pytest.mark.usefixtures("fragment_cache")
def test_a_kept_value_comes_with_its_tables_versions_in_one_round_trip_and_still_sees_a_write(trips, monkeypatch):
    monkeypatch.setattr(fragments, "_hints", DependencyHints())  # nothing learnt yet in this process
    ProgrammeFactory()
    assert remember("test:trips", Programme.objects.count) == 1  # computed: which tables it read is learnt
    trips.clear()

    assert remember("test:trips", Programme.objects.count) == 1
    assert trips == ["get_many"]

    ProgrammeFactory()
    trips.clear()
    assert remember("test:trips", Programme.objects.count) == 2
    assert trips[0] == "get_many" and "get" not in trips


@pytest.mark.usefixtures("fragment_cache")
def test_a_value_kept_by_another_process_takes_a_second_trip_once_then_one(trips, monkeypatch):
    ProgrammeFactory()
    assert remember("test:elsewhere", Programme.objects.count) == 1
    # A process that did not compute it: it has learnt nothing and holds nothing.
    monkeypatch.setattr(fragments, "_hints", DependencyHints())
    monkeypatch.setattr(fragments, "_held", {})
    trips.clear()

    assert remember("test:elsewhere", Programme.objects.count) == 1
    assert trips == ["get_many", "get_many"]  # the value, then the versions of the tables it names
    trips.clear()
    assert remember("test:elsewhere", Programme.objects.count) == 1
    assert trips == ["get_many"]


@pytest.mark.usefixtures("fragment_cache")
def test_kept_cards_come_with_their_tables_versions_in_one_round_trip(trips):
    ids = [ProgrammeFactory(title=f"Card {n}").pk for n in range(3)]
    Programme.objects.cards(ids)
    trips.clear()

    cards = Programme.objects.cards(ids)

    assert list(cards) == ids and all("Card" in html for html in cards.values())
    assert trips == ["get_many"]


@pytest.mark.usefixtures("fragment_cache")
def test_the_records_of_kept_cards_are_not_even_asked_for_when_every_card_is_kept():
    ids = [ProgrammeFactory(title=f"Card {n}").pk for n in range(3)]
    asked = []

    def records():
        asked.append(1)
        return Programme.objects.published()

    first = fragments.render_each("programmes/partials.html#programme-card", ids, records, as_name="programme")
    again = fragments.render_each("programmes/partials.html#programme-card", ids, records, as_name="programme")

    assert first == again and list(again) == ids
    assert len(asked) == 1  # for the first rendering only: a page of kept cards builds no queryset


@pytest.mark.usefixtures("fragment_cache")
def test_a_page_reads_all_its_kept_values_in_one_round_trip_once_it_has_read_them_before(client, trips):
    stream = WorkStreamFactory(title="Workforce")
    ProgrammeFactory(title="Systems Leadership").work_streams.add(stream)
    WorkStreamMemberFactory(work_stream=stream)
    ResearchProjectFactory(title="Board study").work_streams.add(stream)
    for _ in range(2):  # kept, then read together
        client.get(stream.get_absolute_url())
    trips.clear()

    page = client.get(stream.get_absolute_url()).content.decode()

    assert "Systems Leadership" in page and "Board study" in page
    assert trips == ["get_many"]  # the centre, what the page shows, its cards and items, and their tables


@pytest.mark.usefixtures("fragment_cache")
def test_a_write_during_a_request_makes_it_read_its_kept_values_again():
    def view(request):
        before = remember("test:count", Programme.objects.count)
        ProgrammeFactory()
        return HttpResponse(f"{before} then {remember('test:count', Programme.objects.count)}")

    assert fragments.ReadTogetherMiddleware(view)(RequestFactory().get("/a-page/")).content == b"0 then 1"
    assert fragments.ReadTogetherMiddleware(view)(RequestFactory().get("/a-page/")).content == b"1 then 2"


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every key fetched from the cache by get_many, in order."""
    keys: list[str] = []
    original = fragments.page_cache

    class Noting(CountingCache):
        def get_many(self, wanted, *args, **kwargs):
            keys.extend(wanted)
            return self._cache.get_many(wanted, *args, **kwargs)

    monkeypatch.setattr(fragments, "page_cache", lambda: Noting(original(), []))
    return keys


def fragment_keys(keys: list[str]) -> list[str]:
    return [key for key in keys if key.startswith(fragments.FRAGMENT_KEY)]


@pytest.mark.usefixtures("fragment_cache")
def test_a_value_this_process_holds_is_neither_fetched_nor_unpickled_again_until_its_tables_change(fetched):
    ProgrammeFactory()
    first = remember("test:held", lambda: list(Programme.objects.values_list("title", flat=True)))
    fetched.clear()

    again = remember("test:held", lambda: list(Programme.objects.values_list("title", flat=True)))

    assert again is first  # the very object: not read back from the cache
    assert fetched and not fragment_keys(fetched)  # only the versions of the tables it was made from

    ProgrammeFactory(title="Published since")  # a write, from any process, gives its table a new version
    fetched.clear()
    assert "Published since" in remember("test:held", lambda: list(Programme.objects.values_list("title", flat=True)))
    assert fragment_keys(fetched) == [fragments.FRAGMENT_KEY + "test:held"]  # fetched once the tables changed


def counting_programmes() -> tuple[list, Callable[[], int]]:
    """A value to keep (how many programmes there are), and the list that each computation of it adds to."""
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return Programme.objects.count()

    return calls, count


@pytest.mark.usefixtures("fragment_cache")
def test_a_held_value_is_not_used_past_its_lifetime(monkeypatch, settings):
    calls, count = counting_programmes()
    remember("test:lifetime", count)
    remember("test:lifetime", count)
    assert len(calls) == 1

    later = middleware.wall_clock() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(middleware, "wall_clock", lambda: later)
    remember("test:lifetime", count)
    assert len(calls) == 2


@pytest.mark.usefixtures("fragment_cache")
def test_a_page_read_before_fetches_only_its_tables_versions_and_shows_a_change_at_once(client, fetched):
    stream = WorkStreamFactory(title="Workforce")
    programme = ProgrammeFactory(title="Systems Leadership")
    programme.work_streams.add(stream)
    for _ in range(2):  # kept, then read together
        client.get(stream.get_absolute_url())
    fetched.clear()

    assert "Systems Leadership" in client.get(stream.get_absolute_url()).content.decode()
    assert fetched and not fragment_keys(fetched)

    programme.title = "Leading Systems"
    programme.save()
    page = client.get(stream.get_absolute_url()).content.decode()
    assert "Leading Systems" in page and "Systems Leadership" not in page


@pytest.mark.usefixtures("fragment_cache")
def test_a_kept_value_is_made_again_before_it_expires_by_one_read_and_the_others_take_it(monkeypatch, settings):
    calls, count = counting_programmes()
    key = fragments.FRAGMENT_KEY + "test:ahead"
    remember("test:ahead", count)
    made = fragments._held[key]
    lifetime, expires = settings.PAGE_CACHE_SECONDS, made[1]

    monkeypatch.setattr(middleware, "wall_clock", lambda: expires - lifetime * fragments.REFRESH_AHEAD * 1.5)
    monkeypatch.setattr(fragments.random, "random", lambda: 0.999)
    remember("test:ahead", count)
    assert len(calls) == 1  # never before the last tenth of its lifetime, whatever the dice say

    near = expires - lifetime * fragments.REFRESH_AHEAD / 2
    monkeypatch.setattr(middleware, "wall_clock", lambda: near)
    monkeypatch.setattr(fragments.random, "random", lambda: 0.1)
    remember("test:ahead", count)
    assert len(calls) == 1  # in it, only by chance: this read's chance says not yet

    monkeypatch.setattr(fragments.random, "random", lambda: 0.9)
    remember("test:ahead", count)
    assert len(calls) == 2  # made again by this read, before it expired
    assert fragments._held[key][1] == near + lifetime

    # Another process, still holding what was made first, finds it due too: it takes what this one made.
    monkeypatch.setattr(fragments, "_held", {key: made})
    remember("test:ahead", count)
    assert len(calls) == 2
    assert fragments._held[key][1] == near + lifetime


@pytest.mark.usefixtures("fragment_cache")
def test_kept_cards_are_made_again_before_they_expire_and_another_process_takes_them(monkeypatch, settings):
    ids = [ProgrammeFactory(title=f"Card {n}").pk for n in range(3)]
    asked = []

    def records():
        asked.append(1)
        return Programme.objects.published()

    def cards():
        return fragments.render_each("programmes/partials.html#programme-card", ids, records, as_name="programme")

    monkeypatch.setattr(fragments, "_held", {})  # so that what it holds next is these cards
    first = cards()
    held = dict(fragments._held)
    expires = min(entry[1] for entry in held.values())
    monkeypatch.setattr(middleware, "wall_clock", lambda: expires - 1)
    monkeypatch.setattr(fragments.random, "random", lambda: 0.999)

    assert cards() == first
    assert len(asked) == 2  # the due cards, made again in one batch

    monkeypatch.setattr(fragments, "_held", held)  # a process that holds the first ones
    assert cards() == first
    assert len(asked) == 2  # it took those made again
