"""The programme catalogue and programme pages, as a visitor sees them."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html

from faculty.models import Person
from organisations.models import Organisation
from pagecache import middleware as caching
from programmes import linked
from programmes.models import (
    Audience,
    Intake,
    Programme,
    ProgrammeLead,
    ProgrammePartner,
    refresh_stale_availability,
)
from publishing.models import Status
from research.models import ResearchProject
from tests.factories import (
    AudienceFactory,
    IntakeFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    ProgrammePartnerFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
)
from topics.models import Topic
from workstreams.models import WorkStream

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def page(response):
    assert response.status_code == 200, response.status_code
    return html.fromstring(response.content)


def cls(name: str) -> str:
    """An XPath test for one class among several."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def find(tree, xpath: str) -> list:
    return tree.xpath(xpath)


def texts(tree, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in tree.xpath(xpath)]


CARDS = f"//article[{cls('programme-card')}]"
CARD_TITLES = CARDS + "//h3"
BADGE = f".//*[{cls('status-badge')}]"
BREADCRUMBS = "//nav[@aria-label='Breadcrumb']//li"
KEY_FACTS = f"//*[{cls('key-facts')}]"
ACTIONS = f"//*[{cls('action-bar')}]"


def structured_data(tree) -> list[dict]:
    (script,) = tree.xpath("//script[@type='application/ld+json']")
    return json.loads(script.text)["@graph"]


def node(graph: list[dict], kind: str) -> dict:
    return next(item for item in graph if item["@type"] == kind)


def catalogue(client, query: str = ""):
    return client.get(reverse("programmes:list") + query)


# --- catalogue -----------------------------------------------------------------------------


def test_catalogue_lists_only_published_programmes(client):
    ProgrammeFactory(title="Systems Leadership")
    ProgrammeFactory(title="Draft programme", status=Status.DRAFT)
    ProgrammeFactory(title="Scheduled programme", publish_from=timezone.now() + datetime.timedelta(days=2))

    tree = page(catalogue(client))

    assert texts(tree, CARD_TITLES) == ["Systems Leadership"]
    assert texts(tree, "//*[@id='results-heading']") == ["1 programme"]


def test_a_scheduled_programme_joins_the_catalogue_when_its_time_comes(client, monkeypatch):
    # The catalogue's listing is built once per process (ProgrammeListView.queryset), its options kept: neither
    # may keep the moment they were made at.
    ProgrammeFactory(title="Systems Leadership")
    ProgrammeFactory(title="Scheduled programme", publish_from=timezone.now() + datetime.timedelta(hours=2))
    assert texts(page(catalogue(client)), CARD_TITLES) == ["Systems Leadership"]
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    # Nothing announces publish_from passing: the page and the kept options last at most their lifetime.
    three_hours_on = caching.wall_clock() + 3 * 3600
    monkeypatch.setattr(caching, "wall_clock", lambda: three_hours_on)
    tree = page(catalogue(client))
    assert texts(tree, CARD_TITLES) == ["Scheduled programme", "Systems Leadership"]
    assert texts(tree, "//*[@id='results-heading']") == ["2 programmes"]


def test_catalogue_card_shows_the_facts_a_learner_compares(client):
    programme = ProgrammeFactory(
        title="Medical Leadership in Practice",
        kind=Programme.Kind.COMMISSIONED,
        summary="A programme for doctors centred on an improvement project.",
        study_mode=Programme.StudyMode.PART_TIME,
        duration_value=6,
        duration_unit=Programme.DurationUnit.MONTHS,
    )
    IntakeFactory(programme=programme, start_date=TODAY + 60 * DAY, application_deadline=TODAY + 30 * DAY)
    ProgrammePartnerFactory(programme=programme, organisation=OrganisationFactory(name="AMBS", slug="ambs"))
    ProgrammePartnerFactory(
        programme=programme,
        organisation=OrganisationFactory(name="Health Education North West", short_name="HENW", slug="henw"),
        role=ProgrammePartner.Role.COMMISSIONER,
    )

    (card,) = find(page(catalogue(client)), CARDS)
    text = " ".join(card.text_content().split())

    assert card.xpath(".//h3/a")[0].get("href") == programme.get_absolute_url()
    assert "Commissioned programme" in text
    assert "A programme for doctors centred on an improvement project." in text
    assert "Duration 6 months" in text
    assert "Study Part-time" in text
    assert f"Next start {(TODAY + 60 * DAY):%-d %b %Y}" in text
    assert "Open for applications" in text
    assert "With AMBS" in text
    assert "Commissioned by HENW" in text


def test_catalogue_card_without_optional_facts_shows_no_empty_labels(client):
    ProgrammeFactory(duration_value=None, duration_unit="", study_mode="")

    (card,) = find(page(catalogue(client)), CARDS)

    assert card.xpath(".//dl") == []
    assert "Dates to be confirmed" in card.text_content()
    assert "With" not in card.text_content()


def test_catalogue_sorts_by_next_start_date_with_undated_programmes_last(client):
    later = ProgrammeFactory(title="A later start")
    IntakeFactory(programme=later, start_date=TODAY + 90 * DAY)
    sooner = ProgrammeFactory(title="B sooner start")
    IntakeFactory(programme=sooner, start_date=TODAY + 40 * DAY)
    ProgrammeFactory(title="C no dates")

    tree = page(catalogue(client, "?sort=start"))

    assert texts(tree, CARD_TITLES) == ["B sooner start", "A later start", "C no dates"]


def test_catalogue_sorts_by_application_deadline(client):
    late = ProgrammeFactory(title="A late deadline")
    IntakeFactory(programme=late, application_deadline=TODAY + 50 * DAY, start_date=TODAY + 60 * DAY)
    early = ProgrammeFactory(title="B early deadline")
    IntakeFactory(programme=early, application_deadline=TODAY + 5 * DAY, start_date=TODAY + 100 * DAY)

    tree = page(catalogue(client, "?sort=deadline"))

    assert texts(tree, CARD_TITLES) == ["B early deadline", "A late deadline"]


def test_catalogue_sorts_by_title_by_default(client):
    for title in ["Nye Bevan", "Aspiring Healthcare Leaders", "Medical Leadership in Practice"]:
        ProgrammeFactory(title=title)

    tree = page(catalogue(client))

    assert texts(tree, CARD_TITLES) == [
        "Aspiring Healthcare Leaders",
        "Medical Leadership in Practice",
        "Nye Bevan",
    ]
    assert tree.xpath("//*[@id='sort-select']/option[@selected]")[0].get("value") == "title"


def test_a_list_of_one_page_has_no_pager_and_a_longer_one_has(client):
    for n in range(20):
        ProgrammeFactory(title=f"Programme {n:02d}")
    assert not page(catalogue(client)).xpath(f"//nav[{cls('pager')}]")
    ProgrammeFactory(title="Programme 20")
    assert page(catalogue(client)).xpath(f"//nav[{cls('pager')}]//a[@rel='next']")


def test_catalogue_pages_keep_the_filters_in_their_links(client):
    doctors = AudienceFactory(name="Doctors", slug="doctors")
    for n in range(25):
        ProgrammeFactory(title=f"Programme {n:02d}").audiences.add(doctors)

    first = page(catalogue(client, "?audience=doctors"))
    next_link = first.xpath(f"//nav[{cls('pager')}]//a[@rel='next']")[0].get("href")
    second = page(client.get(reverse("programmes:list") + next_link))

    assert "audience=doctors" in next_link and "page=2" in next_link
    assert len(find(first, CARDS)) == 20
    assert len(find(second, CARDS)) == 5
    assert "(showing 21 to 25)" in texts(second, "//*[@id='results-heading']")[0]


@pytest.mark.parametrize("number", ["abc", "-1", "0", "1.5", "１", "99999999999999999999"])
def test_catalogue_page_number_that_is_not_a_page_gives_styled_404(client, number):
    ProgrammeFactory()

    response = catalogue(client, f"?page={number}")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_catalogue_page_number_past_the_end_shows_the_last_page(client):
    for _ in range(21):
        ProgrammeFactory()

    tree = page(catalogue(client, "?page=999999"))

    assert len(find(tree, CARDS)) == 1
    assert (
        tree.xpath("//*[@aria-current='page' and ancestor::ul[contains(@class, 'pagination')]]")[0]
        .text_content()
        .split()[-1]
        == "2"
    )


def test_catalogue_with_no_match_explains_and_offers_a_reset(client):
    ProgrammeFactory(kind=Programme.Kind.OPEN)

    tree = page(catalogue(client, "?kind=taught_masters"))

    assert texts(tree, f"//*[{cls('empty-state')}]//h3") == ["No programmes match these filters"]
    assert reverse("programmes:list") in [a.get("href") for a in tree.xpath(f"//*[{cls('empty-state')}]//a")]
    assert texts(tree, "//*[@id='results-heading']") == ["0 programmes"]


def test_catalogue_works_as_a_plain_get_form(client):
    tree = page(catalogue(client))

    (form,) = tree.xpath("//form[@id='programme-filters']")
    assert form.get("method") == "get"
    assert form.get("action") == reverse("programmes:list")
    assert texts(form, ".//button[@type='submit']") == ["Apply filters"]


def test_catalogue_has_unique_title_description_and_breadcrumbs(client):
    AudienceFactory(name="Doctors", slug="doctors")
    ProgrammeFactory().audiences.set(AudienceFactory._meta.model.objects.all())

    plain = page(catalogue(client))
    filtered = page(catalogue(client, "?audience=doctors"))

    assert plain.findtext(".//title") != filtered.findtext(".//title")
    assert "Doctors" in filtered.findtext(".//title")
    assert "1 programme for Doctors" in filtered.xpath("//meta[@name='description']/@content")[0]
    assert texts(plain, BREADCRUMBS) == ["Home", "Programmes"]
    assert node(structured_data(plain), "ItemList")["numberOfItems"] == 1


def bulk_programmes(count: int, **fields) -> list[Programme]:
    """Many published programmes at once: bulk inserts keep the 200-record tests fast."""
    return Programme.objects.bulk_create(
        ProgrammeFactory.build(slug=f"bulk-{uuid.uuid4().hex}", **fields) for _ in range(count)
    )


# Every option with its programmes (one UNION), the page of programmes, their partners; the total and
# the counts under any filters are worked out from the first.
CATALOGUE_QUERIES = 4  # 3, and the centre's details every page reads


@pytest.mark.parametrize("size", [5, 200])
def test_catalogue_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, settings, size):
    settings.PAGE_CACHE_ENABLED = False  # the second request must render, not come from the page cache
    stream = WorkStreamFactory()
    audience = AudienceFactory()
    topic = TopicFactory()
    organisations = [OrganisationFactory(slug=f"org-{n}") for n in range(7)]
    programmes = bulk_programmes(size)
    Intake.objects.bulk_create(IntakeFactory.build(programme=programme) for programme in programmes)
    refresh_stale_availability()  # what a writer of intakes does after a bulk insert
    ProgrammePartner.objects.bulk_create(
        ProgrammePartner(programme=programme, organisation=organisations[n % 7])
        for n, programme in enumerate(programmes)
    )
    for relation, target in [("audiences", audience), ("work_streams", stream), ("topics", topic)]:
        through = getattr(Programme, relation).through
        target_field = next(f.name for f in through._meta.get_fields() if f.name not in {"id", "programme"})
        through.objects.bulk_create(through(programme=p, **{target_field: target}) for p in programmes)

    filtered = f"?audience={audience.slug}&partner=org-1&availability=open&sort=start&page=1"
    catalogue(client)  # what a process does once (content types, templates) is not what a request costs

    with django_assert_max_num_queries(CATALOGUE_QUERIES):
        tree = page(catalogue(client))
    with django_assert_max_num_queries(CATALOGUE_QUERIES):
        page(catalogue(client, filtered))

    assert len(find(tree, CARDS)) == min(size, 20)


def test_a_catalogue_page_reads_rows_and_works_out_durations_only_to_filter_words_by_one(client, settings, committed):
    settings.PAGE_CACHE_ENABLED = False  # a page the cache cannot answer
    with committed():  # indexed for the words
        ProgrammeFactory(title="A year", duration_value=1, duration_unit=Programme.DurationUnit.YEARS)
        ProgrammeFactory(title="A week", duration_value=5, duration_unit=Programme.DurationUnit.DAYS)
    catalogue(client)  # the kept options, which do read durations, are made once

    def page_queries(query: str = "") -> tuple[list[str], object]:
        with CaptureQueriesContext(connection) as queries:
            response = catalogue(client, query)
        return [q["sql"] for q in queries if "programmes_programme" in q["sql"]], response

    plain, response = page_queries()
    # What a page shows of each programme is its kept card, and its id, slug and title, kept with the options.
    assert plain == []
    assert [tuple(row) for row in response.context["page_obj"].object_list] == [
        (p.pk, p.slug, p.title) for p in Programme.objects.order_by("title")
    ]
    # Filtered by facets alone, the page is chosen from the kept options too.
    by_duration, response = page_queries("?duration=up-to-a-week")
    assert by_duration == []
    assert [row.title for row in response.context["page_obj"].object_list] == ["A week"]
    # With words too, the filtered query runs, and it works the durations out.
    with_words, response = page_queries("?duration=up-to-a-week&q=week")
    assert any("CASE" in sql and "ORDER BY" in sql for sql in with_words)
    assert [row.title for row in response.context["page_obj"].object_list] == ["A week"]


def test_a_renamed_programme_is_named_at_once_in_the_catalogues_structured_data(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    programme = ProgrammeFactory(title="Systems leadership")
    assert "Systems leadership" in catalogue(client).content.decode()  # its row is kept with the options

    programme.title = "Leading systems"
    programme.save()

    item_list = node(structured_data(html.fromstring(catalogue(client).content)), "ItemList")
    assert [item["name"] for item in item_list["itemListElement"]] == ["Leading systems"]


# --- programme page ------------------------------------------------------------------------


def full_programme(**fields) -> Programme:
    defaults = {
        "title": "Systems Leadership",
        "kind": Programme.Kind.COMMISSIONED,
        "summary": "A programme for senior organisational leaders, developed with HEEWM.",
        "overview": "Leaders who work across organisational boundaries.",
        "who_for": "Senior organisational leaders in the West Midlands.",
        "outcomes": "Better care across the system.",
        "structure": "Six workshops over nine months.",
        "qualification": "Postgraduate Certificate",
        "level": Programme.Level.EXECUTIVE,
        "location": "Birmingham",
        "cohort_size": 30,
        "fees_and_funding": "Funded by HEEWM.",
        "running_since": 2016,
        "apply_url": "https://apply.example.ac.uk/systems-leadership",
    }
    return ProgrammeFactory(**{**defaults, **fields})


def detail(client, programme):
    return client.get(programme.get_absolute_url())


def test_programme_page_shows_key_facts(client):
    programme = full_programme()
    IntakeFactory(programme=programme, start_date=TODAY + 60 * DAY, application_deadline=TODAY + 30 * DAY)

    tree = page(detail(client, programme))
    facts = dict(zip(texts(tree, KEY_FACTS + "//dt"), texts(tree, KEY_FACTS + "//dd"), strict=True))

    assert facts["Type"] == "Commissioned programme"
    assert facts["Qualification"] == "Postgraduate Certificate"
    assert facts["Level"] == "Senior and executive"
    assert facts["Duration"] == "12 months"
    assert facts["Study mode"] == "Part-time"
    assert facts["Location"] == "Birmingham"
    assert facts["Cohort size"] == "About 30 participants"
    assert facts["Next start"] == f"{TODAY + 60 * DAY:%-d %B %Y}"
    assert facts["Apply by"] == f"{TODAY + 30 * DAY:%-d %B %Y}"
    assert facts["Fees and funding"] == "Funded by HEEWM."
    assert facts["Running since"] == "2016"
    for heading in ["Overview", "Who it is for", "Outcomes and impact", "Structure", "Dates and availability"]:
        assert heading in texts(tree, "//h2")


def test_programme_page_with_empty_optional_fields_has_no_empty_labels(client):
    programme = ProgrammeFactory(
        overview="", duration_value=None, duration_unit="", study_mode="", level="", apply_url=""
    )

    tree = page(detail(client, programme))

    assert texts(tree, KEY_FACTS + "//dt") == ["Type", "Next start"]
    assert texts(tree, KEY_FACTS + "//dd")[1] == "Dates to be confirmed"
    assert all(dd.strip() for dd in texts(tree, "//dd"))
    headings = texts(tree, "//h2")
    for absent in ["Overview", "Who it is for", "Programme lead", "Partners", "Related programmes"]:
        assert absent not in headings
    assert "No dates are set for the next intake yet." in tree.text_content()


def test_programme_page_lists_every_intake_with_its_availability(client):
    programme = ProgrammeFactory()
    IntakeFactory(programme=programme, label="Cohort 12", start_date=TODAY + 60 * DAY)
    IntakeFactory(
        programme=programme,
        label="Cohort 13",
        start_date=TODAY + 400 * DAY,
        applications_open=TODAY + 100 * DAY,
        application_deadline=TODAY + 300 * DAY,
    )
    IntakeFactory(
        programme=programme,
        label="Cohort 11",
        start_date=TODAY - 300 * DAY,
        end_date=TODAY - DAY,
        application_deadline=TODAY - 330 * DAY,
    )

    tree = page(detail(client, programme))
    current = tree.xpath(f"//ul[{cls('intake-list')} and not({cls('intake-list--past')})]/li")
    past = tree.xpath(f"//*[{cls('past-intakes')}]//li[{cls('intake')}]")

    assert [texts(i, ".//h3")[0] for i in current] == ["Cohort 12", "Cohort 13"]
    assert [texts(i, BADGE)[0] for i in current] == ["Open for applications", "Opening soon"]
    assert [texts(i, ".//h3")[0] for i in past] == ["Cohort 11"]
    assert texts(past[0], BADGE) == ["Closed"]


def test_programme_page_links_leads_to_their_profiles_and_hides_unpublished_people(client):
    programme = ProgrammeFactory()
    lead = ProgrammeLeadFactory(
        programme=programme, person=PersonFactory(honorific="Dr", given_name="Belinda", family_name="Weir")
    ).person
    ProgrammeLeadFactory(programme=programme, person=PersonFactory(given_name="Draft", status=Status.DRAFT))

    tree = page(detail(client, programme))

    links = tree.xpath(f"//ul[{cls('person-list')}]//a")
    assert [(a.text_content(), a.get("href")) for a in links] == [
        ("Dr Belinda Weir", reverse("faculty:detail", kwargs={"slug": lead.slug}))
    ]
    assert texts(tree, "//*[@id='leads-heading']") == ["Programme lead"]


def test_programme_page_names_partners_and_commissioners(client):
    programme = ProgrammeFactory()
    ProgrammePartnerFactory(programme=programme, organisation=OrganisationFactory(name="AMBS", slug="ambs"))
    ProgrammePartnerFactory(
        programme=programme,
        organisation=OrganisationFactory(name="Health Education North West", slug="henw"),
        role=ProgrammePartner.Role.COMMISSIONER,
    )

    tree = page(detail(client, programme))

    assert texts(tree, f"//dl[{cls('partner-list')}]/dt") == ["Delivered with", "Commissioned by"]
    hrefs = [a.get("href") for a in tree.xpath(f"//dl[{cls('partner-list')}]//a")]
    assert f"{reverse('programmes:list')}?partner=ambs" in hrefs
    assert f"{reverse('programmes:list')}?commissioner=henw" in hrefs


def test_programme_page_links_only_published_related_programmes_and_research(client):
    programme = ProgrammeFactory()
    similar = ProgrammeFactory(title="Similar programme")
    onward = ProgrammeFactory(title="Follow-on programme")
    earlier = ProgrammeFactory(title="Earlier programme")
    hidden = ProgrammeFactory(title="Draft related programme", status=Status.DRAFT)
    scheduled = ProgrammeFactory(title="Scheduled follow-on", publish_from=timezone.now() + datetime.timedelta(days=3))
    programme.related_programmes.add(similar, hidden)
    programme.progression_to.add(onward, scheduled)
    earlier.progression_to.add(programme)
    ResearchProjectFactory(title="Published research").informs_programmes.add(programme)
    ResearchProjectFactory(title="Draft research", status=Status.DRAFT).informs_programmes.add(programme)

    tree = page(detail(client, programme))
    text = tree.text_content()

    assert texts(tree, "//*[@id='next-heading']/following-sibling::h3") == [
        "Where this can lead",
        "Builds on",
        "You may also consider",
    ]
    for title in ["Similar programme", "Follow-on programme", "Earlier programme", "Published research"]:
        assert title in text
    for title in ["Draft related programme", "Scheduled follow-on", "Draft research"]:
        assert title not in text


def test_apply_button_appears_only_when_applications_are_open(client):
    open_programme = full_programme(title="Open one")
    IntakeFactory(programme=open_programme)
    starting_soon = full_programme(title="Deadline passed")
    IntakeFactory(programme=starting_soon, application_deadline=TODAY - DAY, start_date=TODAY + 10 * DAY)
    no_link = full_programme(title="No link", apply_url="")
    IntakeFactory(programme=no_link)

    def apply_links(programme):
        return page(detail(client, programme)).xpath(f"//a[@href='{programme.apply_url or 'none'}']")

    assert len(apply_links(open_programme)) == 2  # in the header and in the closing panel
    assert apply_links(starting_soon) == []
    assert "Apply now" not in detail(client, no_link).content.decode()


def test_enquire_links_to_the_contact_form_with_the_programme(client):
    commissioned = full_programme(slug="systems-leadership")
    open_programme = ProgrammeFactory(kind=Programme.Kind.OPEN, slug="aspiring-leaders")
    contact = reverse("contacts:contact")

    commissioned_tree = page(detail(client, commissioned))
    open_tree = page(detail(client, open_programme))

    assert texts(commissioned_tree, ACTIONS + f"/a[@href='{contact}?programme=systems-leadership']")[0] == (
        "Commission a programme like this"
    )
    assert texts(open_tree, ACTIONS + f"/a[@href='{contact}?programme=aspiring-leaders']")[0] == (
        "Enquire about this programme"
    )


@pytest.mark.parametrize(
    "fields",
    [{"status": Status.DRAFT}, {"publish_from": timezone.now() + datetime.timedelta(days=1)}],
    ids=["draft", "scheduled"],
)
def test_unpublished_programme_page_is_a_404_for_the_public(client, fields):
    programme = ProgrammeFactory(**fields)

    response = detail(client, programme)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_staff_preview_a_draft_programme_without_its_unpublished_related_items(editor_client):
    client = editor_client
    programme = ProgrammeFactory(status=Status.DRAFT, title="Draft Systems Leadership")
    programme.related_programmes.add(ProgrammeFactory(title="Another draft", status=Status.DRAFT))

    tree = page(detail(client, programme))

    assert "Preview: not live" in tree.text_content()
    assert "Another draft" not in tree.text_content()


def test_unknown_programme_slug_gives_styled_404(client):
    response = client.get(reverse("programmes:detail", kwargs={"slug": "no-such-programme"}))

    assert response.status_code == 404
    assert "Browse all programmes" in response.content.decode()


def test_renamed_programme_slug_redirects_permanently(client):
    programme = ProgrammeFactory(slug="old-name")
    programme.slug = "new-name"
    programme.save()

    response = client.get(reverse("programmes:detail", kwargs={"slug": "old-name"}))

    assert response.status_code == 301
    assert response["Location"] == reverse("programmes:detail", kwargs={"slug": "new-name"})


def test_programme_page_has_meta_open_graph_and_canonical(client, settings):
    programme = full_programme()

    tree = page(detail(client, programme))

    assert tree.findtext(".//title").startswith("Systems Leadership | ")
    assert tree.xpath("//meta[@name='description']/@content")[0] == programme.summary
    assert tree.xpath("//meta[@property='og:title']/@content")[0] == "Systems Leadership"
    assert tree.xpath("//meta[@property='og:description']/@content")[0] == programme.summary
    assert tree.xpath("//link[@rel='canonical']/@href")[0] == settings.SITE_URL + programme.get_absolute_url()
    assert texts(tree, BREADCRUMBS) == ["Home", "Programmes", "Systems Leadership"]
    assert len(tree.xpath("//h1")) == 1


def test_programme_page_describes_a_course_with_its_instances_in_json_ld(client, settings):
    programme = full_programme(attendance_mode=Programme.AttendanceMode.BLENDED)
    programme.audiences.add(AudienceFactory(name="Senior leaders"))
    IntakeFactory(programme=programme, start_date=TODAY + 60 * DAY, end_date=TODAY + 300 * DAY)
    IntakeFactory(programme=programme, start_date=TODAY + 90 * DAY, status=Intake.Status.CANCELLED)
    ProgrammeLeadFactory(programme=programme, person=PersonFactory(given_name="Annette", family_name="Neath"))

    graph = structured_data(page(detail(client, programme)))
    course = node(graph, "Course")

    assert course["name"] == "Systems Leadership"
    assert course["description"] == programme.summary
    assert course["url"] == settings.SITE_URL + programme.get_absolute_url()
    assert course["provider"]["name"] == settings.SITE_NAME
    assert course["educationalCredentialAwarded"] == "Postgraduate Certificate"
    assert course["timeRequired"] == "P12M"
    assert course["audience"] == [{"@type": "EducationalAudience", "audienceType": "Senior leaders"}]
    (instance,) = course["hasCourseInstance"]
    assert instance["@type"] == "CourseInstance"
    assert instance["courseMode"] == "Blended"
    assert instance["startDate"] == f"{TODAY + 60 * DAY:%Y-%m-%d}"
    assert instance["instructor"][0]["name"] == "Annette Neath"
    crumbs = node(graph, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "Programmes", "Systems Leadership"]


def google_course_info_gaps(course: dict) -> list[str]:
    """What Google's Course info rich result requires that a Course node lacks (its documentation, 2026)."""
    gaps = [name for name in ("name", "description", "provider", "offers", "hasCourseInstance") if not course.get(name)]
    gaps += ["offers.category" for offer in course.get("offers", []) if not offer.get("category")]
    for instance in course.get("hasCourseInstance", []):
        if not instance.get("courseMode"):
            gaps.append("courseMode")
        schedule = instance.get("courseSchedule", {})
        if not instance.get("courseWorkload") and not all(schedule.get(k) for k in ("duration", "repeatFrequency")):
            gaps.append("courseSchedule or courseWorkload")
        if schedule and not schedule.get("repeatCount"):
            gaps.append("courseSchedule.repeatCount")
    return gaps


def test_a_programme_with_study_time_and_price_category_has_googles_course_info(client):
    programme = full_programme(
        attendance_mode=Programme.AttendanceMode.BLENDED,
        duration_value=15,
        duration_unit=Programme.DurationUnit.WEEKS,
        study_hours=6,
        study_hours_per=Programme.StudyTimePer.WEEK,
        fee_category=Programme.FeeCategory.PAID,
    )
    IntakeFactory(programme=programme, start_date=TODAY + 60 * DAY, end_date=TODAY + 165 * DAY)

    course = node(structured_data(page(detail(client, programme))), "Course")
    (instance,) = course["hasCourseInstance"]

    assert google_course_info_gaps(course) == []
    assert course["offers"] == [{"@type": "Offer", "category": "Paid", "url": programme.apply_url}]
    assert instance["courseSchedule"] == {
        "@type": "Schedule",
        "duration": "PT6H",
        "repeatFrequency": "Weekly",
        "repeatCount": 15,
    }
    assert instance["courseWorkload"] == "PT90H"


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"study_hours": 120, "study_hours_per": "total"}, {"courseWorkload": "PT120H"}),
        ({"study_hours": 2, "study_hours_per": "month", "duration_value": 1, "duration_unit": "years"}, 12),
        ({"study_hours": 6, "study_hours_per": "week", "duration_value": 12, "duration_unit": "months"}, {}),
        ({"study_hours": None, "study_hours_per": "", "duration_value": 12, "duration_unit": "months"}, {}),
    ],
)
def test_study_time_becomes_a_schedule_only_where_the_data_says_enough(client, fields, expected):
    programme = full_programme(attendance_mode=Programme.AttendanceMode.CAMPUS, **fields)
    IntakeFactory(programme=programme, start_date=TODAY + 60 * DAY)

    (instance,) = node(structured_data(page(detail(client, programme))), "Course")["hasCourseInstance"]
    study = {key: instance[key] for key in ("courseSchedule", "courseWorkload") if key in instance}

    if isinstance(expected, int):
        assert study["courseSchedule"]["repeatCount"] == expected
        assert study["courseSchedule"]["repeatFrequency"] == "Monthly"
    else:
        assert study == expected


def test_nothing_is_invented_where_the_programme_does_not_say(client):
    """No price category, no study time: no offers and no schedule, rather than a guess."""
    programme = full_programme()
    IntakeFactory(programme=programme, start_date=TODAY + 60 * DAY)

    course = node(structured_data(page(detail(client, programme))), "Course")

    assert "offers" not in course
    assert "courseSchedule" not in course["hasCourseInstance"][0]
    assert set(google_course_info_gaps(course)) == {"offers", "courseMode", "courseSchedule or courseWorkload"}


def test_the_key_facts_show_study_time_and_attendance(client):
    programme = full_programme(
        study_hours=6,
        study_hours_per=Programme.StudyTimePer.WEEK,
        attendance_pattern=Programme.AttendancePattern.EVENING,
    )
    facts = page(detail(client, programme)).xpath("//div[@class='key-facts']//dd/text()")

    assert "6 hours per week" in facts
    assert "Evening" in facts


def test_programme_text_cannot_break_out_of_the_json_ld_block(client):
    programme = ProgrammeFactory(title="</script><script>alert(1)</script>")

    content = detail(client, programme).content.decode()

    assert "</script><script>alert(1)" not in content


@pytest.mark.parametrize("size", [5, 200])
def test_programme_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, settings, size):
    settings.PAGE_CACHE_ENABLED = False  # every request renders
    programme = full_programme()
    Intake.objects.bulk_create(
        IntakeFactory.build(
            programme=programme, start_date=TODAY + (n + 40) * DAY, application_deadline=TODAY + n * DAY
        )
        for n in range(size)
    )
    refresh_stale_availability()  # what a writer of intakes does after a bulk insert
    people = Person.objects.bulk_create(PersonFactory.build(slug=f"person-{n}") for n in range(size))
    ProgrammeLead.objects.bulk_create(ProgrammeLead(programme=programme, person=person) for person in people)
    organisations = Organisation.objects.bulk_create(
        OrganisationFactory.build(name=f"Trust {n}", slug=f"trust-{n}") for n in range(size)
    )
    ProgrammePartner.objects.bulk_create(
        ProgrammePartner(programme=programme, organisation=organisation) for organisation in organisations
    )
    programme.related_programmes.add(*bulk_programmes(size))
    programme.progression_to.add(*bulk_programmes(size))
    projects = ResearchProject.objects.bulk_create(
        ResearchProjectFactory.build(slug=f"project-{n}") for n in range(size)
    )
    programme.related_research.add(*projects)
    programme.audiences.add(*Audience.objects.bulk_create(AudienceFactory.build() for _ in range(size)))
    programme.topics.add(*Topic.objects.bulk_create(TopicFactory.build() for _ in range(size)))
    programme.work_streams.add(*WorkStream.objects.bulk_create(WorkStreamFactory.build() for _ in range(size)))

    # Before its links are kept the page reads them itself (seven lists), and the centre's details once.
    with django_assert_max_num_queries(10):
        first = detail(client, programme).content
    linked.kept_links.keep([programme.pk])  # as the writes above do once they commit
    with django_assert_max_num_queries(2):  # the programme with its kept links; its related programmes
        tree = page(detail(client, programme))

    kept, read = tree, html.fromstring(first)
    for part in ("//main", "//script[@type='application/ld+json']"):
        assert html.tostring(kept.xpath(part)[0]) == html.tostring(read.xpath(part)[0])
    assert len(tree.xpath(f"//li[{cls('intake')}]")) == size
    assert len(tree.xpath(f"//ul[{cls('person-list')}]/li")) == size
    assert len(tree.xpath("//*[@id='next-heading']/following-sibling::ul/li")) == 2 * size
