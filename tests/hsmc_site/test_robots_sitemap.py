import datetime

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from publishing import centre
from publishing.models import Status
from tests.factories import PersonFactory, ProgrammeFactory, ResearchProjectFactory, WorkStreamFactory

SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client) -> dict:
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    return {url.findtext("s:loc", namespaces=SITEMAP): url.findtext("s:lastmod", namespaces=SITEMAP) for url in root}


def test_sitemap_lists_every_published_record_with_its_last_change(client, db):
    records = [ProgrammeFactory(), ResearchProjectFactory(), PersonFactory(), WorkStreamFactory()]
    entries = sitemap_entries(client)

    for record in records:
        url = settings.SITE_URL + record.get_absolute_url()
        assert entries[url] == record.updated_at.date().isoformat()


def test_sitemap_lists_the_main_pages(client, db):
    entries = sitemap_entries(client)

    for route in ("home", "programmes:list", "research:list", "faculty:list", "workstreams:list", "developers"):
        assert settings.SITE_URL + reverse(route) in entries


def test_sitemap_leaves_out_drafts_and_scheduled_records(client, db):
    later = timezone.now() + datetime.timedelta(days=1)
    hidden = [
        ProgrammeFactory(status=Status.DRAFT),
        ProgrammeFactory(publish_from=later),
        ResearchProjectFactory(status=Status.DRAFT),
        PersonFactory(status=Status.DRAFT),
        WorkStreamFactory(status=Status.DRAFT),
    ]
    entries = sitemap_entries(client)

    for record in hidden:
        assert settings.SITE_URL + record.get_absolute_url() not in entries


def test_sitemap_costs_the_same_queries_for_few_and_many_records(
    client, db, django_assert_max_num_queries, django_assert_num_queries
):
    for factory in (ProgrammeFactory, ResearchProjectFactory, PersonFactory, WorkStreamFactory):
        factory()  # an empty section skips its query, so every section has a record from the start
    # Per section: a count and the page of records, then when the section last changed (drafts included);
    # the named pages add when each kind last changed: 16 in all. The centre's details are read once and
    # kept until they change (pagecache.fragments), so they are read here, before counting.
    centre.current()
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("sitemap"))
    ProgrammeFactory.create_batch(30)
    PersonFactory.create_batch(10)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("sitemap"))


def test_robots_points_to_the_sitemap_and_keeps_search_and_admin_out(client, db):
    response = client.get(reverse("robots"))
    lines = response.content.decode().splitlines()

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert lines[0] == "User-agent: *"
    assert f"Disallow: {reverse('search:results')}" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}" in lines


@override_settings(ADMIN_PATH="staff-only-7f3a/")
def test_robots_does_not_reveal_a_hidden_admin_path(client, db):
    body = client.get(reverse("robots")).content.decode()

    assert "staff-only-7f3a" not in body
    assert "admin" not in body
