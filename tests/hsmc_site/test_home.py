"""The home page: what the centre does, where to go next, and a path to every programme."""

import datetime
import json
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html

from programmes.models import Intake, Programme
from publishing.models import Status
from tests.factories import AudienceFactory, IntakeFactory, ProgrammeFactory, WorkStreamFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return html.fromstring(response.content)


def section(tree, heading_id: str):
    (node,) = tree.xpath(f"//section[@aria-labelledby='{heading_id}']")
    return node


def card_titles(node) -> list[str]:
    return [
        " ".join(h.text_content().split()) for h in node.xpath(".//article[contains(@class, 'programme-card')]//h3")
    ]


def test_home_features_programmes_open_or_starting_soon_most_useful_first(client):
    IntakeFactory(programme=ProgrammeFactory(title="Open now"))
    IntakeFactory(
        programme=ProgrammeFactory(title="Opens later"),
        applications_open=TODAY + 10 * DAY,
        application_deadline=TODAY + 40 * DAY,
        start_date=TODAY + 90 * DAY,
    )
    IntakeFactory(
        programme=ProgrammeFactory(title="Starts next week"),
        application_deadline=TODAY - DAY,
        start_date=TODAY + 7 * DAY,
    )
    IntakeFactory(
        programme=ProgrammeFactory(title="Finished"),
        start_date=TODAY - 90 * DAY,
        end_date=TODAY - DAY,
        application_deadline=TODAY - 120 * DAY,
    )
    IntakeFactory(programme=ProgrammeFactory(title="Full"), status=Intake.Status.FULL)
    IntakeFactory(programme=ProgrammeFactory(title="Draft", status=Status.DRAFT))

    now = section(home(client), "now-heading")

    assert card_titles(now) == ["Open now", "Opens later", "Starts next week"]


def test_home_explains_when_nothing_is_open(client):
    ProgrammeFactory(title="No dates yet")

    now = section(home(client), "now-heading")

    assert card_titles(now) == []
    assert "No programmes are taking applications right now" in now.text_content()
    assert reverse("contacts:contact") in now.xpath(".//a/@href")


def test_home_lists_published_work_streams(client):
    stream = WorkStreamFactory(title="Leadership and management")
    WorkStreamFactory(title="Hidden stream", status=Status.DRAFT)

    streams = section(home(client), "streams-heading")

    assert streams.xpath(".//h3/a/text()") == ["Leadership and management"]
    assert streams.xpath(".//h3/a/@href") == [stream.get_absolute_url()]


def test_home_offers_catalogue_entry_points_by_type_and_audience(client):
    doctors = AudienceFactory(name="Doctors", slug="doctors")
    ProgrammeFactory(kind=Programme.Kind.COMMISSIONED).audiences.add(doctors)
    ProgrammeFactory(kind=Programme.Kind.COMMISSIONED, status=Status.DRAFT).audiences.add(doctors)

    browse = section(home(client), "browse-heading")
    links = {" ".join(a.text_content().split()): a.get("href") for a in browse.xpath(".//li/a")}
    counts = [" ".join(c.text_content().split()) for c in browse.xpath(".//*[@class='link-list__count']")]

    assert links["Commissioned programme"] == f"{reverse('programmes:list')}?kind=commissioned"
    assert links["Doctors"] == f"{reverse('programmes:list')}?audience=doctors"
    assert counts == ["1 programme", "1 programme"]


def test_home_has_a_labelled_search_box_for_the_search_page(client):
    tree = home(client)

    (form,) = tree.xpath("//form[contains(@class, 'home-search')]")
    assert form.get("action") == reverse("search:results")
    assert form.get("method") == "get"
    field_id = form.xpath(".//input[@name='q']/@id")[0]
    assert form.xpath(f".//label[@for='{field_id}']/text()") == ["Find a programme, research project or person"]


def test_home_describes_the_centre_as_an_organization(client, settings):
    tree = home(client)
    graph = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])["@graph"]
    organization = next(item for item in graph if item["@type"] == "EducationalOrganization")
    website = next(item for item in graph if item["@type"] == "WebSite")

    assert organization["name"] == settings.SITE_NAME
    assert organization["url"] == settings.SITE_URL + "/"
    assert website["potentialAction"]["target"]["urlTemplate"].endswith("/search/?q={search_term_string}")
    assert len(tree.xpath("//h1")) == 1
    assert tree.xpath("//meta[@property='og:title']/@content")[0].startswith(settings.SITE_NAME)


@pytest.mark.parametrize("size", [5, 200])
def test_home_costs_a_fixed_number_of_queries(client, settings, django_assert_max_num_queries, size):
    settings.PAGE_CACHE_ENABLED = False  # the second request must render, not come from the page cache
    audiences = [AudienceFactory() for _ in range(3)]
    for n in range(size):
        programme = ProgrammeFactory(kind=list(Programme.Kind)[n % 7])
        programme.audiences.add(audiences[n % 3])
        IntakeFactory(programme=programme)
    for _ in range(min(size, 20)):
        WorkStreamFactory()

    # 1 for the centre's details (every page), 3 for the home page's record, its cards and its featured
    # programmes (sitecontent), 3 for the programme cards (with their partners) and work streams; and, when
    # the data has changed since they were last counted, 3 for the counts and the programmes to act on now
    # (pagecache.fragments). None grows with the catalogue.
    with django_assert_max_num_queries(10):
        home(client)
    with django_assert_max_num_queries(7):
        tree = home(client)

    assert len(card_titles(section(tree, "now-heading"))) == min(size, 6)


def test_every_programme_is_at_most_three_clicks_from_home(client):
    """The centre's own programmes, reached by following links like a visitor would."""
    seed_titles = [
        "Systems Leadership",
        "Medical Leadership in Practice",
        "Intercalated course in Health Management and Leadership",
        "Evaluation of leadership development programmes",
        "Aspiring Healthcare Leaders",
        "Elizabeth Garrett Anderson programme",
        "Nye Bevan programme",
        "MSc Health Services Management",
    ]
    stream = WorkStreamFactory(title="Leadership and management")
    targets = set()
    for title in seed_titles:
        programme = ProgrammeFactory(title=title)
        programme.work_streams.add(stream)
        targets.add(programme.get_absolute_url())

    reached = set()
    seen = {reverse("home")}
    queue = deque([(reverse("home"), 0)])
    while queue:
        url, clicks = queue.popleft()
        if clicks == 3:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for href in html.fromstring(response.content).xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path in targets:
                reached.add(parts.path)
            if target not in seen:
                seen.add(target)
                queue.append((target, clicks + 1))

    assert reached == targets
