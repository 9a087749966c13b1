"""A programme page's intakes, leads, partners, audiences, topics and work streams, kept with the programme
(programmes.linked): read once, then shown as they are now after any change, and never a draft."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html

from pagecache import kept as pagecache_kept
from programmes import linked
from programmes.models import KeptLinks, refresh_stale_availability
from publishing.models import Status
from tests import kept
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
from tests.publishing.admin_forms import fill_inline_row, form_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
# The tables of the records a programme page names, which a page with kept links does not read.
LINKED_TABLES = [
    "programmes_intake",
    "programmes_programmelead",
    "programmes_programmepartner",
    "faculty_person",
    "organisations_organisation",
    "programmes_audience",
    "topics_topic",
    "workstreams_workstream",
    "research_researchproject",
]


@pytest.fixture
def programme(settings):
    settings.PAGE_CACHE_ENABLED = False  # every request renders: what is measured here is the kept links
    programme = ProgrammeFactory(title="Systems Leadership")
    programme.intake = IntakeFactory(programme=programme, label="Cohort 11", start_date=TODAY + 90 * DAY)
    aston = OrganisationFactory(name="Aston University", slug="aston")
    programme.lead = ProgrammeLeadFactory(
        programme=programme, person=PersonFactory(given_name="Ada", family_name="Lovelace", affiliation=aston)
    )
    programme.partnership = ProgrammePartnerFactory(
        programme=programme, organisation=OrganisationFactory(name="Health Education North-West", slug="hee-nw")
    )
    programme.audience = AudienceFactory(name="Doctors", slug="doctors")
    programme.topic = TopicFactory(name="Integrated care", slug="integrated-care")
    programme.stream = WorkStreamFactory(title="Leadership and management", slug="leadership")
    programme.audiences.add(programme.audience)
    programme.topics.add(programme.topic)
    programme.work_streams.add(programme.stream)
    programme.project = ResearchProjectFactory(title="Leading integrated care systems", slug="leading-ics")
    programme.project.informs_programmes.add(programme)
    linked.kept_links.keep([programme.pk])  # as the writes would once they commit: a test's transaction never does
    return programme


def shown(client, programme) -> str:
    return kept.shown(client, programme.get_absolute_url())  # the JSON-LD names the topics


def linked_tables_read(queries) -> list[str]:
    return kept.tables_read(queries, LINKED_TABLES)


def test_the_page_reads_its_kept_links_with_the_programme_and_shows_what_it_would_read_itself(client, programme):
    with CaptureQueriesContext(connection) as queries:
        kept = html.fromstring(shown(client, programme))
    KeptLinks.objects.update(lists=None)
    read = html.fromstring(shown(client, programme))

    assert linked_tables_read(queries) == []
    for name in [
        "Cohort 11",
        "Ada Lovelace",
        "Aston University",
        "Health Education North-West",
        "Doctors",
        "Leading i",
    ]:
        assert name in kept.xpath("string(//main)")
    for part in ("//main", "//script[@type='application/ld+json']"):
        assert html.tostring(kept.xpath(part)[0]) == html.tostring(read.xpath(part)[0])


def test_a_kept_programme_page_unpickles_its_lists_once_and_still_shows_a_change_at_once(
    client, programme, monkeypatch, committed
):
    loads = []
    real_load = pagecache_kept.pickle.load

    def counted_load(file):
        loads.append(1)
        return real_load(file)

    monkeypatch.setattr(pagecache_kept.pickle, "load", counted_load)
    for _ in range(3):
        assert "Ada Lovelace" in shown(client, programme)
    assert len(loads) == 2  # the format, then the lists: once for every request of the kept programme

    with committed():
        programme.lead.person.given_name = "Grace"
        programme.lead.person.save()
    assert "Grace Lovelace" in shown(client, programme)


def rename_lead(p):
    p.lead.person.given_name = "Grace"
    p.lead.person.save()
    return "Grace Lovelace", "Ada Lovelace"


def unpublish_lead(p):
    p.lead.person.status = Status.DRAFT
    p.lead.person.save()
    return None, "Ada Lovelace"


def rename_affiliation(p):
    p.lead.person.affiliation.name = "Aston Business School"
    p.lead.person.affiliation.save()
    return "Aston Business School", "Aston University"


def add_lead(p):
    ProgrammeLeadFactory(programme=p, person=PersonFactory(given_name="Mary", family_name="Seacole"))
    return "Mary Seacole", None


def remove_lead(p):
    p.lead.delete()
    return None, "Ada Lovelace"


def rename_partner(p):
    p.partnership.organisation.name = "NHS England North West"
    p.partnership.organisation.save()
    return "NHS England North West", "Health Education North-West"


def remove_partner(p):
    p.partnership.delete()
    return None, "Health Education North-West"


def add_intake(p):
    IntakeFactory(programme=p, label="Cohort 12", start_date=TODAY + 200 * DAY)
    return "Cohort 12", None


def change_intake(p):
    p.intake.label = "Spring cohort"
    p.intake.save()
    return "Spring cohort", "Cohort 11"


def remove_intake(p):
    p.intake.delete()
    return None, "Cohort 11"


def add_audience_to_programme(p):
    p.audiences.add(AudienceFactory(name="Nurses", slug="nurses"))
    return "Nurses", None


def add_programme_to_audience(p):
    AudienceFactory(name="Nurses", slug="nurses").programmes.add(p)
    return "Nurses", None


def remove_programme_from_audience(p):
    p.audience.programmes.remove(p)
    return None, "Doctors"


def clear_audience(p):
    p.audience.programmes.clear()
    return None, "Doctors"


def clear_audiences_of_programme(p):
    p.audiences.clear()
    return None, "Doctors"


def rename_audience(p):
    p.audience.name = "Medical doctors"
    p.audience.save()
    return "Medical doctors", None


def delete_audience(p):
    p.audience.delete()
    return None, "Doctors"


def rename_topic(p):
    p.topic.name = "Population health"
    p.topic.save()
    return "Population health", "Integrated care"


def rename_work_stream(p):
    p.stream.title = "Leading systems"
    p.stream.save()
    return "Leading systems", "Leadership and management"


def unpublish_work_stream(p):
    p.stream.status = Status.DRAFT
    p.stream.save()
    return None, "Leadership and management"


def delete_work_stream(p):
    p.stream.delete()
    return None, "Leadership and management"


def rename_project(p):
    p.project.title = "Integrated care leadership"
    p.project.save()
    return "Integrated care leadership", "Leading integrated care systems"


def unpublish_project(p):
    p.project.status = Status.DRAFT
    p.project.save()
    return None, "Leading integrated care systems"


def delete_project(p):
    p.project.delete()
    return None, "Leading integrated care systems"


def link_project_from_its_end(p):
    ResearchProjectFactory(title="Workforce wellbeing", slug="wellbeing").informs_programmes.add(p)
    return "Workforce wellbeing", None


def link_project_from_the_programme(p):
    p.related_research.add(ResearchProjectFactory(title="Workforce wellbeing", slug="wellbeing"))
    return "Workforce wellbeing", None


def unlink_project_from_the_programme(p):
    p.related_research.remove(p.project)
    return None, "Leading integrated care systems"


def clear_projects_of_the_programme(p):
    p.related_research.clear()
    return None, "Leading integrated care systems"


def clear_programmes_of_the_project(p):
    p.project.informs_programmes.clear()
    return None, "Leading integrated care systems"


@pytest.mark.parametrize(
    "change",
    [
        rename_lead,
        unpublish_lead,
        rename_affiliation,
        add_lead,
        remove_lead,
        rename_partner,
        remove_partner,
        add_intake,
        change_intake,
        remove_intake,
        add_audience_to_programme,
        add_programme_to_audience,
        remove_programme_from_audience,
        clear_audience,
        clear_audiences_of_programme,
        rename_audience,
        delete_audience,
        rename_topic,
        rename_work_stream,
        unpublish_work_stream,
        delete_work_stream,
        rename_project,
        unpublish_project,
        delete_project,
        link_project_from_its_end,
        link_project_from_the_programme,
        unlink_project_from_the_programme,
        clear_projects_of_the_programme,
        clear_programmes_of_the_project,
    ],
)
def test_a_change_to_a_linked_record_shows_at_once_and_is_kept_once_committed(
    client, programme, change, django_capture_on_commit_callbacks
):
    kept.check_change_shown_around_commit(
        client,
        programme.get_absolute_url(),
        lambda: change(programme),
        django_capture_on_commit_callbacks,
        LINKED_TABLES,
    )


def test_a_person_published_from_a_later_time_appears_at_that_time(client, programme, monkeypatch, committed):
    later = timezone.now() + datetime.timedelta(hours=1)
    with committed():  # kept without her
        ProgrammeLeadFactory(
            programme=programme, person=PersonFactory(given_name="Mary", family_name="Seacole", publish_from=later)
        )
    assert "Mary Seacole" not in shown(client, programme)

    monkeypatch.setattr(timezone, "now", lambda: later + datetime.timedelta(seconds=1))

    assert "Mary Seacole" in shown(client, programme)


def test_a_project_published_from_a_later_time_appears_at_that_time(client, programme, monkeypatch, committed):
    later = timezone.now() + datetime.timedelta(hours=1)
    with committed():  # kept without it
        ResearchProjectFactory(
            title="Workforce wellbeing", slug="wellbeing", publish_from=later
        ).informs_programmes.add(programme)
    assert "Workforce wellbeing" not in shown(client, programme)

    monkeypatch.setattr(timezone, "now", lambda: later + datetime.timedelta(seconds=1))

    assert "Workforce wellbeing" in shown(client, programme)


@pytest.mark.parametrize("kept_before", [True, False], ids=["kept row", "no row yet"])
def test_links_read_before_a_change_are_not_kept_after_it(client, programme, monkeypatch, kept_before):
    if not kept_before:
        KeptLinks.objects.all().delete()
    read = linked.kept_links.read

    def read_while_an_editor_adds_an_intake(programme_id):
        lists = read(programme_id)
        IntakeFactory(programme_id=programme_id, label="Cohort 12", start_date=TODAY + 200 * DAY)
        return lists

    monkeypatch.setattr(linked.kept_links, "read", read_while_an_editor_adds_an_intake)
    linked.kept_links.keep([programme.pk])
    monkeypatch.undo()

    assert "Cohort 12" in shown(client, programme)


def test_the_daily_job_keeps_the_links_of_programmes_loaded_without_saves(client, programme):
    KeptLinks.objects.all().delete()  # as after a bulk load

    call_command("refresh_availability")
    with CaptureQueriesContext(connection) as queries:
        page = shown(client, programme)

    assert "Ada Lovelace" in page
    assert linked_tables_read(queries) == []


def test_links_of_many_programmes_are_kept_by_a_task(client, programme, settings, committed):
    settings.KEPT_LINKS_INLINE_LIMIT = 0
    with committed():
        programme.audience.name = "Medical doctors"
        programme.audience.save()
    with CaptureQueriesContext(connection) as queries:
        page = shown(client, programme)

    assert "Medical doctors" in page
    assert linked_tables_read(queries) == []


def test_the_daily_availability_refresh_shows_on_kept_intakes(client, programme, committed):
    IntakeFactory(
        programme=programme, label="Cohort 12", start_date=TODAY + 30 * DAY, application_deadline=TODAY + 10 * DAY
    )
    linked.kept_links.keep([programme.pk])
    before = shown(client, programme)

    with committed():
        refresh_stale_availability(on=TODAY + 20 * DAY)  # past the deadline: no longer open
    with CaptureQueriesContext(connection) as queries:
        after = shown(client, programme)
    KeptLinks.objects.update(lists=None)

    assert linked_tables_read(queries) == []
    assert after == shown(client, programme) != before


def test_a_preview_shows_its_pending_intake_and_the_public_page_does_not(client, editor_client, programme):
    shown(client, programme)  # the public page's links are kept
    change_url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = form_data(editor_client.get(change_url))
    fill_inline_row(data, "intakes", label="Cohort 12", start_date="2031-09-01")
    data["_save"] = ["draft"]
    editor_client.post(change_url, data)

    preview = editor_client.get(reverse("admin:programmes_programme_preview_page", args=[programme.pk]))

    assert preview.status_code == 200
    assert "Cohort 12" in preview.content.decode()
    assert "Cohort 12" not in shown(client, programme)


def test_a_stored_page_made_from_kept_links_shows_a_change_at_once(
    client, programme, shared_caches, settings, committed
):
    settings.PAGE_CACHE_ENABLED = True
    url = programme.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"  # made from the kept links alone, and stored
    assert client.get(url)["X-Page-Cache"] == "hit"

    with committed():
        programme.partnership.organisation.name = "NHS England North West"
        programme.partnership.organisation.save()
    response = client.get(url)

    assert response["X-Page-Cache"] == "miss"
    assert "NHS England North West" in response.content.decode()
