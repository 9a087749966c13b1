import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from publishing import centre
from publishing.models import Status
from tests.factories import ProgrammeFactory, ResearchProjectFactory, TopicFactory

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def entries(response):
    root = etree.fromstring(response.content)
    return root, root.findall("a:entry", ATOM)


def test_programme_feed_is_atom_with_recent_programmes_newest_first(client, db):
    old = ProgrammeFactory(title="Older")
    new = ProgrammeFactory(title="Newer")
    new.topics.add(TopicFactory(name="System leadership"))
    response = client.get(reverse("feeds:programmes-atom"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root, items = entries(response)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.findtext("a:author/a:name", namespaces=ATOM) == settings.SITE_NAME
    assert [item.findtext("a:title", namespaces=ATOM) for item in items] == ["Newer", "Older"]
    first = items[0]
    assert first.find("a:link", ATOM).get("href") == settings.SITE_URL + new.get_absolute_url()
    assert first.findtext("a:id", namespaces=ATOM) == f"tag:127.0.0.1,2025:programme-{new.pk}"
    assert first.findtext("a:summary", namespaces=ATOM) == new.summary
    assert first.findtext("a:updated", namespaces=ATOM)
    assert {c.get("term") for c in first.findall("a:category", ATOM)} == {"Open programme", "System leadership"}
    assert old.pk != new.pk


@pytest.mark.parametrize(
    ("route", "factory"),
    [("feeds:programmes-atom", ProgrammeFactory), ("feeds:research-atom", ResearchProjectFactory)],
)
def test_feeds_leave_out_drafts_and_scheduled_records(client, db, route, factory):
    factory(title="Published one")
    factory(title="Draft one", status=Status.DRAFT)
    factory(title="Scheduled one", publish_from=timezone.now() + datetime.timedelta(hours=1))
    _, items = entries(client.get(reverse(route)))

    assert [item.findtext("a:title", namespaces=ATOM) for item in items] == ["Published one"]


def test_research_feed_links_to_project_pages(client, db):
    project = ResearchProjectFactory(title="Evaluating leadership development")
    root, items = entries(client.get(reverse("feeds:research-atom")))

    assert root.find("a:link[@rel='self']", ATOM).get("href") == settings.SITE_URL + reverse("feeds:research-atom")
    assert items[0].find("a:link", ATOM).get("href") == settings.SITE_URL + project.get_absolute_url()


def test_editing_a_programme_moves_it_to_the_top_with_a_new_updated_time(client, db):
    first = ProgrammeFactory(title="First")
    ProgrammeFactory(title="Second")
    first.summary = "Now with a new summary."
    first.save()
    _, items = entries(client.get(reverse("feeds:programmes-atom")))

    assert items[0].findtext("a:title", namespaces=ATOM) == "First"
    assert items[0].findtext("a:summary", namespaces=ATOM) == "Now with a new summary."


def test_feed_costs_the_same_queries_for_few_and_many_programmes(
    client, db, django_assert_max_num_queries, django_assert_num_queries
):
    ProgrammeFactory.create_batch(2)
    centre.current()  # read once and kept until it changes (pagecache.fragments): not part of either count
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("feeds:programmes-atom"))
    ProgrammeFactory.create_batch(30)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("feeds:programmes-atom"))


def test_pages_advertise_both_atom_feeds(client, db):
    html = client.get(reverse("home")).content.decode()

    for route in ("feeds:programmes-atom", "feeds:research-atom"):
        assert f'type="application/atom+xml" href="{reverse(route)}"' in html
