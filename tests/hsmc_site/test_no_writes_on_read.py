"""Reading the site never writes to the database: not on the first read of a day, not for staff.

Only the session table (a signed-in user's session) and the search log may be written by a GET.
"""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pagecache.middleware import written_tables
from programmes.availability import Availability
from programmes.models import Programme
from search.models import LoggedSearch
from tests.factories import (
    AudienceFactory,
    GoalFactory,
    IntakeFactory,
    InvestigatorFactory,
    KeyContactFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    ProgrammePartnerFactory,
    ProjectOrganisationFactory,
    ResearchOutputFactory,
    ResearchProjectFactory,
    TopicFactory,
    UserFactory,
    WorkStreamFactory,
    WorkStreamMemberFactory,
)

pytestmark = pytest.mark.django_db

MAY_BE_WRITTEN_BY_A_READ = {Session._meta.db_table, LoggedSearch._meta.db_table}


@pytest.fixture
def site(committed):
    """One published record of every kind, linked as editors link them, and indexed for search."""
    today = timezone.localdate()
    with committed():
        topic = TopicFactory(name="Systems leadership", slug="systems-leadership")
        audience = AudienceFactory(name="Doctors", slug="doctors")
        partner = OrganisationFactory(name="NHS Leadership Academy", slug="nhs-leadership-academy")
        person = PersonFactory(given_name="Belinda", family_name="Weir", slug="belinda-weir", affiliation=partner)
        work_stream = WorkStreamFactory(title="Leadership and management", slug="leadership-and-management")
        work_stream.focus_areas.add(topic)
        GoalFactory(work_stream=work_stream)
        KeyContactFactory(work_stream=work_stream, person=person)
        WorkStreamMemberFactory(work_stream=work_stream, person=person)
        programme = ProgrammeFactory(title="Leadership in practice", slug="leadership-in-practice")
        programme.audiences.add(audience)
        programme.topics.add(topic)
        programme.work_streams.add(work_stream)
        ProgrammePartnerFactory(programme=programme, organisation=partner)
        ProgrammeLeadFactory(programme=programme, person=person)
        # Its deadline is today: tomorrow the stored "open for applications" is a day old, and wrong.
        IntakeFactory(programme=programme, application_deadline=today, start_date=today + datetime.timedelta(days=20))
        IntakeFactory(programme=programme, start_date=None, end_date=None, application_deadline=None)
        project = ResearchProjectFactory(title="Leadership trends", slug="leadership-trends")
        project.work_streams.add(work_stream)
        project.topics.add(topic)
        project.informs_programmes.add(programme)
        InvestigatorFactory(project=project, person=person)
        ProjectOrganisationFactory(project=project, organisation=partner)
        ResearchOutputFactory(project=project)
    assert Programme.objects.get(pk=programme.pk).availability == Availability.OPEN
    return {"programme": programme, "person": person, "project": project, "work_stream": work_stream, "org": partner}


def public_pages(site) -> list[str]:
    programme, person, project, work_stream = site["programme"], site["person"], site["project"], site["work_stream"]
    catalogue = reverse("programmes:list")
    return [
        reverse("home"),
        catalogue,
        f"{catalogue}?audience=doctors&availability=open&sort=start",
        f"{catalogue}?q=leadership",
        programme.get_absolute_url(),
        reverse("faculty:list"),
        person.get_absolute_url(),
        reverse("faculty:vcard", kwargs={"slug": person.slug}),
        reverse("research:list"),
        project.get_absolute_url(),
        reverse("workstreams:list"),
        work_stream.get_absolute_url(),
        f"{reverse('search:results')}?q=leadership",
        f"{reverse('search:suggest')}?q=lead",
        reverse("contacts:contact"),
        reverse("developers"),
        reverse("feeds:programmes-atom"),
        reverse("feeds:research-atom"),
        reverse("feeds:calendar"),
        reverse("feeds:programme-calendar", kwargs={"slug": programme.slug}),
        reverse("feeds:xcri-cap"),
        reverse("sitemap"),
        reverse("robots"),
        reverse("api:programme-list"),
        reverse("api:programme-detail", kwargs={"slug": programme.slug}),
        reverse("api:person-list"),
        reverse("api:person-detail", kwargs={"slug": person.slug}),
        reverse("api:researchproject-list"),
        reverse("api:researchproject-detail", kwargs={"slug": project.slug}),
        reverse("api:workstream-list"),
        reverse("api:workstream-detail", kwargs={"slug": work_stream.slug}),
        reverse("api:organisation-list"),
        reverse("api:organisation-detail", kwargs={"slug": site["org"].slug}),
    ]


def writes_while_reading(client, urls: list[str]) -> list[str]:
    cache.clear()  # every page is rendered, not served from the page cache
    writes = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        writes += [
            f"{url}: {query['sql'][:120]}"
            for query in queries
            if set(written_tables(query["sql"])) - MAY_BE_WRITTEN_BY_A_READ
        ]
    return writes


@pytest.mark.parametrize(("staff", "page_cache"), [(False, True), (False, False), (True, True)])
def test_reading_every_public_page_writes_nothing_today_or_on_the_next_day(
    client, settings, monkeypatch, site, staff, page_cache
):
    settings.PAGE_CACHE_ENABLED = page_cache
    if staff:
        client.force_login(UserFactory())
    urls = public_pages(site)

    assert writes_while_reading(client, urls) == []

    # The next day, before anything has written: stored availability is a day old, and reads leave it so.
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert writes_while_reading(client, urls) == []
    assert Programme.objects.get(pk=site["programme"].pk).availability == Availability.OPEN
