import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from publishing.models import Status
from tests.factories import (
    GoalFactory,
    InvestigatorFactory,
    KeyContactFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    ProjectOrganisationFactory,
    ResearchOutputFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
    WorkStreamMemberFactory,
)


def get_list(client, route, **params):
    response = client.get(reverse(route), params)
    assert response.status_code == 200, response.content
    return response.json()


def slugs(body):
    return [item["slug"] for item in body["results"]]


def test_research_project_shows_status_people_organisations_and_outputs(client, db):
    project = ResearchProjectFactory(
        slug="evaluating-leadership",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    InvestigatorFactory(project=project, person=PersonFactory(slug="belinda-weir"))
    InvestigatorFactory(project=project, person=PersonFactory(slug="hidden", status=Status.DRAFT))
    ProjectOrganisationFactory(project=project, organisation=OrganisationFactory(slug="nihr"))
    ResearchOutputFactory(project=project, title="Final report", doi="10.1136/bmjlead-2020-000123")
    project.informs_programmes.add(ProgrammeFactory(slug="open-one"), ProgrammeFactory(status=Status.DRAFT))
    body = client.get(reverse("api:researchproject-detail", kwargs={"slug": "evaluating-leadership"})).json()

    assert body["status"] == "completed"
    assert body["status_label"] == "Completed"
    assert body["start_date"] == "2020-01-01"
    assert [i["person"]["slug"] for i in body["investigators"]] == ["belinda-weir"]
    assert body["investigators"][0]["role"] == "principal"
    assert [f["slug"] for f in body["funders"]] == ["nihr"]
    assert body["outputs"][0]["link"] == "https://doi.org/10.1136/bmjlead-2020-000123"
    assert [p["slug"] for p in body["informs_programmes"]] == ["open-one"]
    assert body["html_url"] == "http://testserver" + project.get_absolute_url()


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"status": "current"}, ["current-project"]), ({"status": "completed"}, ["old-project"]), ({}, None)],
)
def test_research_projects_filter_by_status(client, db, params, expected):
    ResearchProjectFactory(slug="current-project", start_date=datetime.date(2025, 1, 1))
    ResearchProjectFactory(slug="old-project", start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2020, 1, 1))
    ResearchProjectFactory(slug="draft-project", status=Status.DRAFT)

    body = get_list(client, "api:researchproject-list", **params)
    assert slugs(body) == (expected or ["current-project", "old-project"])


def test_research_projects_filter_by_funder(client, db):
    funded = ResearchProjectFactory(slug="funded")
    ResearchProjectFactory(slug="unfunded")
    ProjectOrganisationFactory(project=funded, organisation=OrganisationFactory(slug="nihr"))

    assert slugs(get_list(client, "api:researchproject-list", funder="nihr")) == ["funded"]


def test_person_lists_published_programmes_projects_and_key_contact_roles(client, db):
    person = PersonFactory(slug="mark-exworthy", honorific="Professor", given_name="Mark", family_name="Exworthy")
    ProgrammeLeadFactory(person=person, programme=ProgrammeFactory(slug="led"))
    ProgrammeLeadFactory(person=person, programme=ProgrammeFactory(slug="draft-led", status=Status.DRAFT))
    InvestigatorFactory(person=person, project=ResearchProjectFactory(slug="investigated"))
    KeyContactFactory(person=person, work_stream=WorkStreamFactory(slug="leadership"))
    KeyContactFactory(person=person, work_stream=WorkStreamFactory(slug="secret", status=Status.DRAFT))
    body = client.get(reverse("api:person-detail", kwargs={"slug": "mark-exworthy"})).json()

    assert body["full_name"] == "Professor Mark Exworthy"
    assert body["sort_name"] == "Exworthy, Mark"
    assert [p["slug"] for p in body["programmes"]] == ["led"]
    assert [p["slug"] for p in body["research_projects"]] == ["investigated"]
    assert [w["slug"] for w in body["key_contact_for"]] == ["leadership"]
    assert body["photo_url"] is None


def test_people_are_a_to_z_and_filter_by_role_and_work_stream(client, db):
    stream = WorkStreamFactory(slug="leadership")
    weir = PersonFactory(slug="weir", family_name="Weir")
    PersonFactory(slug="brown", family_name="Brown")
    PersonFactory(slug="mcdonough", family_name="Mcdonough", role_kind="visiting")
    PersonFactory(slug="draft", family_name="Aaron", status=Status.DRAFT)
    WorkStreamMemberFactory(work_stream=stream, person=weir)

    assert slugs(get_list(client, "api:person-list")) == ["brown", "mcdonough", "weir"]
    assert slugs(get_list(client, "api:person-list", role="visiting")) == ["mcdonough"]
    assert slugs(get_list(client, "api:person-list", work_stream="leadership")) == ["weir"]


def test_work_stream_shows_goals_key_contacts_members_and_published_programmes(client, db):
    stream = WorkStreamFactory(slug="leadership-and-management", title="Leadership and management")
    GoalFactory(work_stream=stream, title="Informed policy")
    KeyContactFactory(
        work_stream=stream, person=PersonFactory(slug="contact", phone="0121 414 0000"), role_label="Research"
    )
    KeyContactFactory(work_stream=stream, person=PersonFactory(slug="hidden", status=Status.DRAFT))
    ProgrammeFactory(slug="shown").work_streams.add(stream)
    ProgrammeFactory(slug="draft", status=Status.DRAFT).work_streams.add(stream)
    body = client.get(reverse("api:workstream-detail", kwargs={"slug": stream.slug})).json()

    assert [goal["title"] for goal in body["goals"]] == ["Informed policy"]
    assert [(c["person"]["slug"], c["role"], c["phone"]) for c in body["key_contacts"]] == [
        ("contact", "Research", "0121 414 0000")
    ]
    assert [p["slug"] for p in body["programmes"]] == ["shown"]


def test_work_streams_filter_by_topic_and_hide_drafts(client, db):
    topic = TopicFactory(slug="medical-leadership")
    WorkStreamFactory(slug="one").focus_areas.add(topic)
    WorkStreamFactory(slug="two")
    WorkStreamFactory(slug="draft", status=Status.DRAFT).focus_areas.add(topic)

    assert slugs(get_list(client, "api:workstream-list", topic="medical-leadership")) == ["one"]


def test_organisations_named_only_by_drafts_stay_hidden(client, catalogue):
    body = get_list(client, "api:organisation-list")

    assert slugs(body) == ["ambs", "heewm"]
    assert client.get(reverse("api:organisation-detail", kwargs={"slug": "unannounced-trust"})).status_code == 404


def test_organisations_reached_through_projects_and_affiliations_are_listed(client, db):
    ProjectOrganisationFactory(
        organisation=OrganisationFactory(name="National Institute for Health Research", slug="nihr", kind="funder")
    )
    PersonFactory(affiliation=OrganisationFactory(name="Harvard University", slug="harvard", kind="university"))
    PersonFactory(affiliation=OrganisationFactory(slug="hidden-university"), status=Status.DRAFT)
    ProjectOrganisationFactory(
        organisation=OrganisationFactory(slug="future-funder"),
        project=ResearchProjectFactory(publish_from=timezone.now() + datetime.timedelta(days=1)),
    )

    assert slugs(get_list(client, "api:organisation-list")) == ["harvard", "nihr"]
    assert slugs(get_list(client, "api:organisation-list", kind="university")) == ["harvard"]


def make_related_records(count):
    stream = WorkStreamFactory()
    for _ in range(count):
        person = PersonFactory(affiliation=OrganisationFactory())
        person.expertise.add(TopicFactory())
        project = ResearchProjectFactory()
        project.topics.add(TopicFactory())
        project.work_streams.add(stream)
        project.informs_programmes.add(ProgrammeFactory())
        InvestigatorFactory(project=project, person=person)
        ProjectOrganisationFactory(project=project, organisation=OrganisationFactory())
        ResearchOutputFactory(project=project)
        ProgrammeLeadFactory(person=person, programme=ProgrammeFactory())
        KeyContactFactory(person=person, work_stream=stream)
        WorkStreamMemberFactory(person=person, work_stream=stream)
        GoalFactory(work_stream=WorkStreamFactory())
        ProgrammeFactory().work_streams.add(stream)


@pytest.mark.parametrize(
    "route", ["api:researchproject-list", "api:person-list", "api:workstream-list", "api:organisation-list"]
)
def test_every_list_costs_the_same_queries_for_few_and_many_records(
    client, db, route, django_assert_max_num_queries, django_assert_num_queries
):
    make_related_records(2)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse(route), {"page_size": 100})
    make_related_records(15)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse(route), {"page_size": 100})
    assert response.status_code == 200
    assert response.json()["count"] >= 15


def test_a_filter_does_not_confirm_an_organisation_named_only_by_drafts(client, catalogue):
    """Its slug is answered exactly as an unknown one is, so a probe cannot tell that it exists."""
    for name in ("partner", "commissioner"):
        hidden = client.get(reverse("api:programme-list"), {name: "unannounced-trust"})
        unknown = client.get(reverse("api:programme-list"), {name: "no-such-organisation"})
        assert hidden.status_code == unknown.status_code == 200
        assert hidden.json() == unknown.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get(reverse("api:programme-list"), {"partner": "ambs"}).json()["count"] == 1
