import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from publishing.models import Status
from research.models import Investigator, ProjectOrganisation, ResearchOutput, ResearchProject
from tests.factories import (
    InvestigatorFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProjectOrganisationFactory,
    ResearchOutputFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
    create_many,
)
from tests.pages import facet_counts, has_class, node_of_type, page_text, tree

pytestmark = pytest.mark.django_db

# Record options, facet counts (one UNION), the page's titles, and where not kept already (pagecache.fragments)
# their cards' projects and funders.
LIST_QUERIES = 5
# The centre's details (every page reads them), then:
# project, organisations, investigators, outputs, work streams, topics, programmes, partners
DETAIL_QUERIES = 9


def result_titles(response) -> list[str]:
    links = tree(response).xpath(f"//*[{has_class('research-list__results')}]//*[{has_class('hsmc-card__title')}]/a")
    return [" ".join(a.text_content().split()) for a in links]


def today():
    return timezone.localdate()


# --- the list ------------------------------------------------------------------------------


def test_list_shows_published_projects_with_summary_status_and_funder(client):
    funder = OrganisationFactory(name="National Institute for Health Research", short_name="NIHR", slug="nihr")
    project = ResearchProjectFactory(title="Patient leadership in practice", summary="How patients lead change.")
    ProjectOrganisationFactory(project=project, organisation=funder)

    response = client.get(reverse("research:list"))

    assert response.status_code == 200
    text = page_text(response)
    assert "Patient leadership in practice" in text
    assert "How patients lead change." in text
    assert "Funded by NIHR" in text
    assert "Current" in text
    assert "1 project" in text


def test_drafts_and_future_projects_are_hidden_from_list_and_counts(client):
    topic = TopicFactory(name="Medical leadership", slug="medical-leadership")
    visible = ResearchProjectFactory(title="Visible project")
    draft = ResearchProjectFactory(title="Draft project", status=Status.DRAFT)
    scheduled = ResearchProjectFactory(
        title="Scheduled project", publish_from=timezone.now() + datetime.timedelta(days=3)
    )
    for project in (visible, draft, scheduled):
        project.topics.add(topic)

    response = client.get(reverse("research:list"))

    assert result_titles(response) == ["Visible project"]
    assert facet_counts(response, "topic") == {"medical-leadership": 1}
    assert facet_counts(response, "status") == {"current": 1}
    assert "1 project" in page_text(response)


def test_topic_only_used_by_a_draft_is_not_offered(client):
    ResearchProjectFactory()
    draft = ResearchProjectFactory(status=Status.DRAFT)
    draft.topics.add(TopicFactory(name="Secret topic", slug="secret-topic"))

    response = client.get(reverse("research:list"))

    assert "Secret topic" not in page_text(response)


def test_status_is_derived_from_end_date(client):
    ResearchProjectFactory(title="Finished study", end_date=today() - datetime.timedelta(days=1))
    ResearchProjectFactory(title="Ends today", end_date=today())
    ResearchProjectFactory(title="Open ended")

    completed = client.get(reverse("research:list"), {"status": "completed"})
    current = client.get(reverse("research:list"), {"status": "current"})

    assert result_titles(completed) == ["Finished study"]
    assert sorted(result_titles(current)) == ["Ends today", "Open ended"]
    assert facet_counts(current, "status") == {"current": 2, "completed": 1}


def test_current_projects_are_listed_before_completed_ones(client):
    ResearchProjectFactory(
        title="Old but recent start", start_date=today() - datetime.timedelta(days=30), end_date=today()
    )
    ResearchProjectFactory(
        title="Completed",
        start_date=today() - datetime.timedelta(days=10),
        end_date=today() - datetime.timedelta(days=1),
    )

    assert result_titles(client.get(reverse("research:list"))) == ["Old but recent start", "Completed"]


def test_filters_combine_and_counts_show_what_each_option_would_give(client):
    leadership = WorkStreamFactory(title="Leadership and management", slug="leadership")
    integration = WorkStreamFactory(title="Integrated care", slug="integration")
    nihr = OrganisationFactory(name="NIHR", slug="nihr")
    health_foundation = OrganisationFactory(name="The Health Foundation", slug="health-foundation")
    a = ResearchProjectFactory(title="A")
    b = ResearchProjectFactory(title="B")
    c = ResearchProjectFactory(title="C")
    a.work_streams.add(leadership)
    b.work_streams.add(leadership)
    c.work_streams.add(integration)
    ProjectOrganisationFactory(project=a, organisation=nihr)
    ProjectOrganisationFactory(project=b, organisation=health_foundation)
    ProjectOrganisationFactory(project=c, organisation=nihr)

    response = client.get(reverse("research:list"), {"work_stream": "leadership", "funder": "nihr"})

    assert result_titles(response) == ["A"]
    # Each facet counts with the other facets applied, not its own.
    assert facet_counts(response, "work_stream") == {"leadership": 1, "integration": 1}
    assert facet_counts(response, "funder") == {"nihr": 1, "health-foundation": 1}

    both_streams = client.get(
        reverse("research:list"), {"work_stream": ["leadership", "integration"], "funder": "nihr"}
    )
    assert sorted(result_titles(both_streams)) == ["A", "C"]


def test_partner_is_not_offered_as_a_funder(client):
    project = ResearchProjectFactory()
    ProjectOrganisationFactory(
        project=project,
        organisation=OrganisationFactory(name="Partner only", slug="partner-only"),
        role=ProjectOrganisation.Role.PARTNER,
    )

    response = client.get(reverse("research:list"), {"funder": "partner-only"})

    assert facet_counts(response, "funder") == {}
    assert "not available any more" in page_text(response)


def test_unknown_filter_values_are_ignored_and_reported(client):
    ResearchProjectFactory(title="Still listed")

    response = client.get(reverse("research:list"), {"topic": "no-such-topic", "status": "paused"})

    assert response.status_code == 200
    assert result_titles(response) == ["Still listed"]
    text = page_text(response)
    assert "not available any more" in text
    assert "no-such-topic" in text and "paused" in text


def test_no_match_state_offers_a_way_back(client):
    ResearchProjectFactory(end_date=None)

    response = client.get(reverse("research:list"), {"status": "completed"})

    page = tree(response)
    assert "No research projects match these filters" in page_text(response)
    assert page.xpath(f'//div[@class="empty-state"]//a[@href="{reverse("research:list")}"]')


def test_pagination_keeps_filters_and_past_the_end_shows_last_page(client):
    ResearchProjectFactory.create_batch(25, end_date=None)

    first = client.get(reverse("research:list"), {"status": "current"})
    last = client.get(reverse("research:list"), {"status": "current", "page": "999999"})

    page = tree(first)
    next_link = page.xpath('//a[@rel="next"]/@href')[0]
    assert "status=current" in next_link and "page=2" in next_link
    assert last.status_code == 200
    assert len(result_titles(last)) == 5
    assert "(showing 21 to 25)" in page_text(last)


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1.5", "٣"])
def test_page_that_is_not_a_page_number_is_a_styled_404(client, page):
    ResearchProjectFactory()

    response = client.get(reverse("research:list"), {"page": page})

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def test_list_has_title_description_canonical_breadcrumbs_and_item_list(client):
    ResearchProjectFactory(title="Listed project")

    response = client.get(reverse("research:list"), {"status": "current", "page": "1"})

    page = tree(response)
    assert page.findtext(".//title").startswith("Research projects")
    assert page.xpath('//meta[@name="description"]/@content')[0]
    assert page.xpath('//link[@rel="canonical"]/@href')[0].endswith(reverse("research:list"))
    assert page.xpath('//meta[@property="og:title"]/@content') == ["Research projects"]
    assert [a.text_content() for a in page.xpath(f"//*[{has_class('breadcrumb')}]//a")] == ["Home"]
    item_list = node_of_type(response, "ItemList")
    assert item_list["itemListElement"][0]["name"] == "Listed project"
    assert node_of_type(response, "BreadcrumbList")["itemListElement"][-1]["name"] == "Research"


@pytest.mark.parametrize("size", [5, 200])
def test_list_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    stream = WorkStreamFactory()
    topics = create_many(TopicFactory, size)
    funders = create_many(OrganisationFactory, size)
    projects = create_many(ResearchProjectFactory, size)
    ResearchProject.topics.through.objects.bulk_create(
        ResearchProject.topics.through(researchproject=project, topic=topic)
        for project, topic in zip(projects, topics, strict=True)
    )
    ResearchProject.work_streams.through.objects.bulk_create(
        ResearchProject.work_streams.through(researchproject=project, workstream=stream) for project in projects
    )
    ProjectOrganisation.objects.bulk_create(
        ProjectOrganisation(project=project, organisation=funder, role=ProjectOrganisation.Role.FUNDER)
        for project, funder in zip(projects, funders, strict=True)
    )
    params = {"status": "current", "work_stream": stream.slug, "topic": topics[0].slug, "funder": funders[0].slug}

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("research:list"))
    assert f"{size} projects" in page_text(response)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("research:list"), params)
    assert "1 project" in page_text(response)


# --- the project page ----------------------------------------------------------------------


def build_project(**kwargs):
    project = ResearchProjectFactory(
        title="Evaluation of leadership development programmes",
        summary="Measuring impact at individual, organisational and system level.",
        description="A commission from HEEWM.\n\nSecond paragraph.",
        start_date=datetime.date(2022, 4, 1),
        end_date=datetime.date(2023, 3, 31),
        **kwargs,
    )
    funder = OrganisationFactory(name="Health Education England West Midlands", short_name="HEEWM", slug="heewm")
    partner = OrganisationFactory(name="Aston University", slug="aston", website="https://www.aston.ac.uk/")
    ProjectOrganisationFactory(project=project, organisation=funder)
    ProjectOrganisationFactory(project=project, organisation=partner, role=ProjectOrganisation.Role.PARTNER)
    lead = PersonFactory(honorific="Dr", given_name="Belinda", family_name="Weir", slug="belinda-weir")
    InvestigatorFactory(project=project, person=lead, role=Investigator.Role.PRINCIPAL)
    ResearchOutputFactory(
        project=project, title="Final report", kind=ResearchOutput.Kind.REPORT, year=2023, doi="10.1000/xyz123"
    )
    return project


def test_project_page_shows_dates_status_funders_partners_investigators_and_outputs(client):
    project = build_project()

    response = client.get(project.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    for expected in (
        "Evaluation of leadership development programmes",
        "Measuring impact at individual, organisational and system level.",
        "Second paragraph.",
        "Completed",
        "1 April 2022",
        "31 March 2023",
        "Funded by Health Education England West Midlands (HEEWM)",
        "Partners Aston University",
        "Dr Belinda Weir",
        "Principal investigator",
        "Final report",
        "Report, 2023",
    ):
        assert expected in text
    page = tree(response)
    assert page.xpath(f'//a[@href="{reverse("faculty:detail", kwargs={"slug": "belinda-weir"})}"]')
    assert page.xpath('//a[@href="https://doi.org/10.1000/xyz123"]')


def test_project_page_lists_only_published_programmes_and_investigators(client):
    project = build_project()
    project.informs_programmes.add(
        ProgrammeFactory(title="Aspiring Healthcare Leaders"),
        ProgrammeFactory(title="Draft programme", status=Status.DRAFT),
        ProgrammeFactory(title="Future programme", publish_from=timezone.now() + datetime.timedelta(hours=1)),
    )
    InvestigatorFactory(project=project, person=PersonFactory(given_name="Hidden", status=Status.DRAFT))

    text = page_text(client.get(project.get_absolute_url()))

    assert "Aspiring Healthcare Leaders" in text
    assert "Draft programme" not in text
    assert "Future programme" not in text
    assert "Hidden" not in text


def test_project_page_with_only_required_fields_renders(client):
    project = ResearchProjectFactory(title="A" * 250, start_date=None, description="")

    response = client.get(project.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    assert "Investigators" not in text and "Outputs" not in text
    assert node_of_type(response, "ResearchProject")["name"] == "A" * 250


def test_project_structured_data_is_a_research_project(client):
    project = build_project()

    response = client.get(project.get_absolute_url())

    data = node_of_type(response, "ResearchProject")
    assert data["name"] == project.title
    assert data["url"].endswith(project.get_absolute_url())
    assert data["foundingDate"] == "2022-04-01"
    assert data["dissolutionDate"] == "2023-03-31"
    assert data["funder"] == [
        {"@type": "Organization", "name": "Health Education England West Midlands", "alternateName": "HEEWM"}
    ]
    assert {"@type": "Person", "name": "Dr Belinda Weir"}.items() <= data["member"][0].items()
    assert data["subjectOf"][0]["@type"] == "Report"
    assert data["subjectOf"][0]["identifier"]["value"] == "10.1000/xyz123"
    crumbs = node_of_type(response, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "Research", project.title]


def test_project_page_has_unique_title_description_and_open_graph(client):
    project = build_project()

    page = tree(client.get(project.get_absolute_url()))

    assert page.findtext(".//title").startswith(project.title)
    assert page.xpath('//meta[@name="description"]/@content') == [project.summary]
    assert page.xpath('//meta[@property="og:title"]/@content') == [project.title]
    assert page.xpath('//meta[@property="og:description"]/@content') == [project.summary]
    assert page.xpath('//link[@rel="canonical"]/@href')[0].endswith(project.get_absolute_url())
    assert len(page.xpath("//h1")) == 1


def test_draft_project_is_404_to_public_and_previewable_by_staff(editor_client):
    project = ResearchProjectFactory(status=Status.DRAFT)

    assert Client().get(project.get_absolute_url()).status_code == 404
    preview = editor_client.get(project.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview: not live" in page_text(preview)


def test_unknown_project_slug_is_a_styled_404(client):
    response = client.get(reverse("research:detail", kwargs={"slug": "no-such-project"}))

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def test_renamed_project_slug_redirects_permanently(client):
    project = ResearchProjectFactory(slug="old-name")
    project.slug = "new-name"
    project.save()

    response = client.get(reverse("research:detail", kwargs={"slug": "old-name"}))

    assert response.status_code == 301
    assert response["Location"] == reverse("research:detail", kwargs={"slug": "new-name"})


@pytest.mark.parametrize("size", [5, 200])
def test_project_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    project = build_project()
    Investigator.objects.bulk_create(
        Investigator(project=project, person=person) for person in create_many(PersonFactory, size)
    )
    create_many(ResearchOutputFactory, size, project=project)
    ProjectOrganisation.objects.bulk_create(
        ProjectOrganisation(project=project, organisation=organisation)
        for organisation in create_many(OrganisationFactory, size)
    )
    project.topics.add(*create_many(TopicFactory, size))
    project.work_streams.add(*create_many(WorkStreamFactory, size))
    programmes = create_many(ProgrammeFactory, size)
    project.informs_programmes.add(*programmes)

    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert programmes[-1].title in page_text(response)
