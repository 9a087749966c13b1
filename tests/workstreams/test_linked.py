"""A work stream page's goals, focus areas and key contacts, kept with the work stream (workstreams.linked):
read with it, and shown as they are now after any change. The keeping itself (the race, the scheduled record,
the task, the daily job, the page cache) is tested with the programme page's, tests/programmes/test_linked.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publishing.models import Status
from tests import kept
from tests.factories import GoalFactory, KeyContactFactory, OrganisationFactory, PersonFactory, TopicFactory
from tests.factories import WorkStreamFactory as StreamFactory
from workstreams.linked import kept_links

pytestmark = pytest.mark.django_db

LINKED_TABLES = ["workstreams_goal", "workstreams_keycontact", "topics_topic", "organisations_organisation"]


@pytest.fixture
def stream(settings):
    settings.PAGE_CACHE_ENABLED = False  # every request renders: what is measured here is the kept links
    stream = StreamFactory(title="Leadership and management")
    stream.goal = GoalFactory(work_stream=stream, title="Informed policy")
    aston = OrganisationFactory(name="Aston University", slug="aston")
    stream.contact = KeyContactFactory(
        work_stream=stream, person=PersonFactory(given_name="Ada", family_name="Lovelace", affiliation=aston)
    )
    stream.topic = TopicFactory(name="Integrated care", slug="integrated-care")
    stream.focus_areas.add(stream.topic)
    kept_links.keep([stream.pk])  # as the writes would once they commit: a test's transaction never does
    return stream


def shown(client, stream) -> str:
    return kept.shown(client, stream.get_absolute_url())


def linked_tables_read(queries) -> list[str]:
    return kept.tables_read(queries, LINKED_TABLES)


def test_the_page_reads_its_kept_links_with_the_work_stream(client, stream):
    with CaptureQueriesContext(connection) as queries:
        page = shown(client, stream)

    assert linked_tables_read(queries) == []
    for name in ["Informed policy", "Ada Lovelace", "Integrated care"]:
        assert name in page


def rename_contact(s):
    s.contact.person.given_name = "Grace"
    s.contact.person.save()
    return "Grace Lovelace", "Ada Lovelace"


def unpublish_contact(s):
    s.contact.person.status = Status.DRAFT
    s.contact.person.save()
    return None, "Ada Lovelace"


def rename_affiliation(s):
    s.contact.person.affiliation.name = "Aston Business School"
    s.contact.person.affiliation.save()
    return "Aston Business School", "Aston University"


def add_contact(s):
    KeyContactFactory(work_stream=s, person=PersonFactory(given_name="Mary", family_name="Seacole"))
    return "Mary Seacole", None


def change_contact_role(s):
    s.contact.role_label = "Commissioned programmes"
    s.contact.save()
    return "Commissioned programmes", None


def remove_contact(s):
    s.contact.delete()
    return None, "Ada Lovelace"


def add_goal(s):
    GoalFactory(work_stream=s, title="Better care")
    return "Better care", None


def change_goal(s):
    s.goal.title = "Evidence for policy"
    s.goal.save()
    return "Evidence for policy", "Informed policy"


def remove_goal(s):
    s.goal.delete()
    return None, "Informed policy"


def add_focus_area(s):
    s.focus_areas.add(TopicFactory(name="Population health", slug="population-health"))
    return "Population health", None


def add_work_stream_to_topic(s):
    TopicFactory(name="Population health", slug="population-health").work_streams.add(s)
    return "Population health", None


def clear_topic(s):
    s.topic.work_streams.clear()
    return None, "Integrated care"


def rename_topic(s):
    s.topic.name = "Place-based care"
    s.topic.save()
    return "Place-based care", "Integrated care"


def delete_topic(s):
    s.topic.delete()
    return None, "Integrated care"


@pytest.mark.parametrize(
    "change",
    [
        rename_contact,
        unpublish_contact,
        rename_affiliation,
        add_contact,
        change_contact_role,
        remove_contact,
        add_goal,
        change_goal,
        remove_goal,
        add_focus_area,
        add_work_stream_to_topic,
        clear_topic,
        rename_topic,
        delete_topic,
    ],
)
def test_a_change_to_a_linked_record_shows_at_once_and_is_kept_once_committed(
    client, stream, change, django_capture_on_commit_callbacks
):
    kept.check_change_shown_around_commit(
        client, stream.get_absolute_url(), lambda: change(stream), django_capture_on_commit_callbacks, LINKED_TABLES
    )


def test_a_key_contact_published_from_a_later_time_appears_at_that_time(client, stream, monkeypatch, committed):
    later = timezone.now() + datetime.timedelta(hours=1)
    with committed():  # kept without her
        KeyContactFactory(
            work_stream=stream, person=PersonFactory(given_name="Mary", family_name="Seacole", publish_from=later)
        )
    assert "Mary Seacole" not in shown(client, stream)

    monkeypatch.setattr(timezone, "now", lambda: later + datetime.timedelta(seconds=1))

    assert "Mary Seacole" in shown(client, stream)
