import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programmes.models import Intake, Programme, ProgrammePartner, refresh_stale_availability
from publishing.models import Status
from tests.factories import (
    GoalFactory,
    IntakeFactory,
    KeyContactFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
    WorkStreamMemberFactory,
    create_many,
)
from tests.pages import has_class, node_of_type, page_text, tree
from workstreams.linked import kept_links
from workstreams.models import KeyContact, WorkStream, WorkStreamMember

pytestmark = pytest.mark.django_db

# The centre's details (every page reads them), then:
# work streams with their counts, focus areas
LIST_QUERIES = 3
# The work stream, goals, focus areas and key contacts; and, when the data has changed since they were last
# read (pagecache.fragments): the centre's details, which programmes, projects and members are shown, and
# their kept cards and items (programmes with their partners, projects with their organisations, people).
DETAIL_QUERIES = 14
WARM_DETAIL_QUERIES = 1  # the work stream and its kept links; the rest comes from the fragment cache


def build_work_stream(**kwargs):
    defaults = {
        "title": "Leadership and management",
        "slug": "leadership-and-management",
        "summary": "Developing the leadership the health service needs.",
        "body": "Everyone working within the healthcare system is facing challenging times.\n\nSecond paragraph.",
    }
    work_stream = WorkStreamFactory(**(defaults | kwargs))
    GoalFactory(work_stream=work_stream, title="Informed policy", description="Original research.", order=1)
    GoalFactory(work_stream=work_stream, title="Effective high quality services", order=2)
    work_stream.focus_areas.add(TopicFactory(name="System leadership", slug="system-leadership"))
    return work_stream


# --- the list ------------------------------------------------------------------------------


def test_list_shows_published_work_streams_with_public_counts(client):
    work_stream = build_work_stream()
    ProgrammeFactory().work_streams.add(work_stream)
    ProgrammeFactory(status=Status.DRAFT).work_streams.add(work_stream)
    ResearchProjectFactory().work_streams.add(work_stream)
    ResearchProjectFactory(publish_from=timezone.now() + datetime.timedelta(days=1)).work_streams.add(work_stream)
    WorkStreamFactory(title="Draft stream", status=Status.DRAFT)

    response = client.get(reverse("workstreams:list"))

    text = page_text(response)
    assert "Leadership and management" in text
    assert "Developing the leadership the health service needs." in text
    assert "System leadership" in text
    assert "1 programme · 1 research project" in text
    assert "Draft stream" not in text
    assert node_of_type(response, "ItemList")["numberOfItems"] == 1


@pytest.mark.parametrize("size", [5, 200])
def test_list_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    work_streams = create_many(WorkStreamFactory, size)
    topics = TopicFactory.create_batch(3)
    WorkStream.focus_areas.through.objects.bulk_create(
        WorkStream.focus_areas.through(workstream=work_stream, topic=topic)
        for work_stream in work_streams
        for topic in topics
    )

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("workstreams:list"))
    assert node_of_type(response, "ItemList")["numberOfItems"] == size


# --- the work stream page ------------------------------------------------------------------


def test_page_shows_summary_body_goals_in_order_and_focus_areas(client):
    work_stream = build_work_stream()

    response = client.get(work_stream.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    assert "Developing the leadership the health service needs." in text
    assert "Second paragraph." in text
    assert "System leadership" in text
    goals = [h.text_content() for h in tree(response).xpath(f"//ol[{has_class('goal-list')}]//h3")]
    assert goals == ["Informed policy", "Effective high quality services"]


def test_programmes_are_grouped_by_kind_with_availability_and_drafts_hidden(client):
    work_stream = build_work_stream()
    masters = ProgrammeFactory(title="MSc Healthcare Leadership", kind=Programme.Kind.TAUGHT_MASTERS)
    commissioned = ProgrammeFactory(title="Systems Leadership", kind=Programme.Kind.COMMISSIONED)
    also_commissioned = ProgrammeFactory(title="Medical Leadership in Practice", kind=Programme.Kind.COMMISSIONED)
    draft = ProgrammeFactory(title="Draft programme", status=Status.DRAFT)
    for programme in (masters, commissioned, also_commissioned, draft):
        programme.work_streams.add(work_stream)
    IntakeFactory(programme=commissioned)
    ProgrammePartnerFactory(programme=commissioned)

    response = client.get(work_stream.get_absolute_url())

    page = tree(response)
    groups = [" ".join(h.text_content().split()) for h in page.xpath(f"//h3[{has_class('programme-group__title')}]")]
    assert groups == ["Taught Masters programme (1)", "Commissioned programmes (2)"]
    text = page_text(response)
    assert "Open for applications" in text
    assert "Draft programme" not in text


def test_many_programmes_show_a_few_of_each_kind_and_link_to_the_rest(client):
    work_stream = build_work_stream()
    titles = [f"Commissioned {letter}" for letter in "IHGFEDCBA"]
    work_stream.programmes.add(
        *(ProgrammeFactory(title=title, kind=Programme.Kind.COMMISSIONED) for title in titles),
        ProgrammeFactory(title="Commissioned draft", kind=Programme.Kind.COMMISSIONED, status=Status.DRAFT),
        ProgrammeFactory(title="Open programme", kind=Programme.Kind.OPEN),
    )
    work_stream.research_projects.add(
        *create_many(ResearchProjectFactory, 12), ResearchProjectFactory(status=Status.DRAFT)
    )

    response = client.get(work_stream.get_absolute_url())

    page = tree(response)
    cards = page.xpath(f"//*[{has_class('programme-card')}]//h4")
    assert [" ".join(card.text_content().split()) for card in cards] == [*sorted(titles)[:6], "Open programme"]
    assert "See all 1 " not in page_text(response)
    assert page.xpath(
        f'//a[@href="{reverse("programmes:list")}?work_stream=leadership-and-management&kind=commissioned"]'
    )
    assert "See all 9 Commissioned programmes in this work stream in the catalogue" in page_text(response)
    assert "See and filter all 12 research projects in this work stream" in page_text(response)


def test_page_lists_published_research_and_members(client):
    work_stream = build_work_stream()
    ResearchProjectFactory(title="Patient leadership").work_streams.add(work_stream)
    ResearchProjectFactory(
        title="Finished study", end_date=timezone.localdate() - datetime.timedelta(days=1)
    ).work_streams.add(work_stream)
    ResearchProjectFactory(title="Draft research", status=Status.DRAFT).work_streams.add(work_stream)
    WorkStreamMemberFactory(work_stream=work_stream, person=PersonFactory(given_name="Mark", family_name="Exworthy"))
    WorkStreamMemberFactory(
        work_stream=work_stream, person=PersonFactory(given_name="Hidden", family_name="Member", status=Status.DRAFT)
    )

    text = page_text(client.get(work_stream.get_absolute_url()))

    assert "Patient leadership Current" in text
    assert "Finished study Completed" in text
    assert "Mark Exworthy" in text
    assert "Draft research" not in text
    assert "Hidden Member" not in text


def test_key_contacts_show_role_photo_email_phone_and_vcard(client):
    work_stream = build_work_stream()
    belinda = PersonFactory(
        given_name="Belinda",
        family_name="Weir",
        slug="belinda-weir",
        email="b.weir@example.ac.uk",
        phone="+44 121 414 0000",
        photo="people/belinda.jpg",
        photo_alt="Belinda Weir smiling",
    )
    KeyContactFactory(work_stream=work_stream, person=belinda, role_label="Commissioned programmes")
    KeyContactFactory(work_stream=work_stream, person=PersonFactory(given_name="Secret", status=Status.DRAFT))

    response = client.get(work_stream.get_absolute_url())

    page = tree(response)
    contacts = page.xpath(f"//aside[{has_class('work-stream__contacts')}]")[0]
    text = " ".join(" ".join(contacts.itertext()).split())
    assert "Belinda Weir" in text
    assert "Commissioned programmes" in text
    assert "Secret" not in text
    assert contacts.xpath('.//a[@href="mailto:b.weir@example.ac.uk"]')
    assert contacts.xpath('.//a[@href="tel:+441214140000"]')
    assert contacts.xpath('.//img[@alt="Belinda Weir smiling"]')
    assert contacts.xpath(f'.//a[@href="{reverse("faculty:vcard", kwargs={"slug": "belinda-weir"})}"]')


def test_commission_action_links_to_the_enquiry_form_for_this_work_stream(client):
    work_stream = build_work_stream()

    page = tree(client.get(work_stream.get_absolute_url()))

    action = page.xpath('//a[normalize-space()="Commission a programme like this"]/@href')
    assert action == [f"{reverse('contacts:contact')}?work_stream=leadership-and-management"]


def test_page_with_only_required_fields_says_what_to_do_next(client):
    work_stream = WorkStreamFactory(title="W" * 200, body="")

    response = client.get(work_stream.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    assert "tell us what you need" in text
    assert "Our goals" not in text and "Research" not in text.split("Programmes", 1)[1]


def test_structured_data_is_a_collection_page_of_programmes_and_projects(client):
    work_stream = build_work_stream()
    ProgrammeFactory(title="Systems Leadership").work_streams.add(work_stream)
    ResearchProjectFactory(title="Patient leadership").work_streams.add(work_stream)
    KeyContactFactory(
        work_stream=work_stream,
        person=PersonFactory(given_name="Annette", family_name="Neath", email="a.neath@example.ac.uk"),
        role_label="Research",
    )

    response = client.get(work_stream.get_absolute_url())

    data = node_of_type(response, "CollectionPage")
    assert data["name"] == "Leadership and management"
    assert data["url"].endswith(work_stream.get_absolute_url())
    assert [item["name"] for item in data["mainEntity"]["itemListElement"]] == [
        "Systems Leadership",
        "Patient leadership",
    ]
    assert data["about"] == [{"@type": "Thing", "name": "System leadership"}]
    assert data["publisher"]["contactPoint"] == [
        {"@type": "ContactPoint", "name": "Annette Neath", "contactType": "Research", "email": "a.neath@example.ac.uk"}
    ]
    crumbs = node_of_type(response, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "Work streams", "Leadership and management"]


def test_page_has_unique_title_description_canonical_and_open_graph(client):
    work_stream = build_work_stream()

    page = tree(client.get(work_stream.get_absolute_url()))

    assert page.findtext(".//title").startswith("Leadership and management")
    assert page.xpath('//meta[@name="description"]/@content') == [work_stream.summary]
    assert page.xpath('//meta[@property="og:title"]/@content') == ["Leadership and management"]
    assert page.xpath('//link[@rel="canonical"]/@href')[0].endswith(work_stream.get_absolute_url())
    assert len(page.xpath("//h1")) == 1


def test_draft_work_stream_is_404_to_public_and_previewable_by_staff(editor_client):
    work_stream = build_work_stream(status=Status.DRAFT)

    assert Client().get(work_stream.get_absolute_url()).status_code == 404
    preview = editor_client.get(work_stream.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview: not live" in page_text(preview)


def test_unknown_work_stream_is_a_styled_404(client):
    response = client.get(reverse("workstreams:detail", kwargs={"slug": "no-such-stream"}))

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


@pytest.mark.parametrize("size", [5, 200])
def test_page_costs_a_fixed_number_of_queries(client, settings, django_assert_max_num_queries, size):
    work_stream = build_work_stream()
    create_many(GoalFactory, size, work_stream=work_stream)
    kinds = Programme.Kind.values
    programmes = [
        *create_many(ProgrammeFactory, size - size // 2, kind=kinds[0]),
        *create_many(ProgrammeFactory, size // 2, kind=kinds[1]),
    ]
    work_stream.programmes.add(*programmes)
    Intake.objects.bulk_create(IntakeFactory.build(programme=programme) for programme in programmes)
    refresh_stale_availability()  # what a writer of intakes does after a bulk insert
    ProgrammePartner.objects.bulk_create(
        ProgrammePartner(programme=programme, organisation=organisation)
        for programme, organisation in zip(programmes, create_many(OrganisationFactory, size), strict=True)
    )
    work_stream.research_projects.add(*create_many(ResearchProjectFactory, size))
    affiliation = OrganisationFactory()
    WorkStreamMember.objects.bulk_create(
        WorkStreamMember(work_stream=work_stream, person=person)
        for person in create_many(PersonFactory, size, affiliation=affiliation)
    )
    KeyContact.objects.bulk_create(
        KeyContact(work_stream=work_stream, person=person)
        for person in create_many(PersonFactory, size, affiliation=OrganisationFactory())
    )
    work_stream.focus_areas.add(*create_many(TopicFactory, size))

    settings.PAGE_CACHE_ENABLED = False  # the second request must render, not come from the page cache
    with django_assert_max_num_queries(DETAIL_QUERIES):
        client.get(work_stream.get_absolute_url())
    kept_links.keep([work_stream.pk])  # as the writes above do once they commit
    with django_assert_max_num_queries(WARM_DETAIL_QUERIES):
        response = client.get(work_stream.get_absolute_url())
    assert response.status_code == 200
    assert affiliation.name in page_text(response)
