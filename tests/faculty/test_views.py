import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from faculty.models import Person
from programmes.models import ProgrammeLead, ProgrammePartner
from publishing.models import Status
from research.models import Investigator
from tests.factories import (
    InvestigatorFactory,
    KeyContactFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
    WorkStreamMemberFactory,
    create_many,
)
from tests.pages import facet_counts, has_class, node_of_type, page_text, tree
from workstreams.models import KeyContact, WorkStreamMember

pytestmark = pytest.mark.django_db

# Work stream options, facet counts (one UNION), letter counts, the page's names, and their list items with
# affiliations where not kept already (pagecache.fragments).
LIST_QUERIES = 5
# The centre's details (every page reads them), then:
# person, expertise, programmes, their partners, research roles, key contact roles, memberships
PROFILE_QUERIES = 8


def directory_names(response) -> list[str]:
    return [" ".join(a.text_content().split()) for a in tree(response).xpath(f"//*[{has_class('person-item')}]/a")]


def letter_headings(response) -> list[str]:
    return [
        " ".join(h.text_content().split()) for h in tree(response).xpath(f"//*[{has_class('letter-group__letter')}]")
    ]


def jump_links(response) -> dict[str, str]:
    page = tree(response)
    return {
        " ".join(a.text_content().split()).rsplit(" ", 1)[-1]: a.get("href")
        for a in page.xpath(f"//nav[{has_class('az-nav')}]//a")
    }


# --- the directory -------------------------------------------------------------------------


def test_directory_is_a_to_z_by_family_name_grouped_by_initial(client):
    PersonFactory(given_name="Robin", family_name="Miller")
    PersonFactory(given_name="Belinda", family_name="Weir")
    PersonFactory(given_name="Mark", family_name="Exworthy")
    PersonFactory(given_name="Annette", family_name="Neath")
    PersonFactory(given_name="Mervyn", family_name="Conroy")
    PersonFactory(given_name="Anna", family_name="de Souza")

    response = client.get(reverse("faculty:list"))

    assert response.status_code == 200
    assert [name.split()[-1] for name in directory_names(response)] == [
        "Conroy",
        "Souza",
        "Exworthy",
        "Miller",
        "Neath",
        "Weir",
    ]
    assert letter_headings(response) == ["C", "D", "E", "M", "N", "W"]
    links = jump_links(response)
    assert links["W"] == "#letter-W"
    assert "B" not in links  # nobody under B: shown, but not a link
    assert "6 people" in page_text(response)


def test_directory_shows_job_title_and_affiliation(client):
    harvard = OrganisationFactory(name="Harvard University", slug="harvard")
    PersonFactory(
        given_name="John",
        family_name="Mcdonough",
        job_title="Visiting Professor",
        affiliation=harvard,
        role_kind=Person.RoleKind.VISITING,
    )

    assert "John Mcdonough Visiting Professor, Harvard University" in page_text(client.get(reverse("faculty:list")))


def test_drafts_and_future_people_are_hidden_from_directory_and_counts(client):
    stream = WorkStreamFactory(slug="leadership")
    visible = PersonFactory(given_name="Visible", family_name="Person")
    draft = PersonFactory(given_name="Draft", family_name="Person", status=Status.DRAFT)
    scheduled = PersonFactory(
        given_name="Scheduled", family_name="Person", publish_from=timezone.now() + datetime.timedelta(days=1)
    )
    for person in (visible, draft, scheduled):
        WorkStreamMemberFactory(work_stream=stream, person=person)

    response = client.get(reverse("faculty:list"))

    assert directory_names(response) == ["Visible Person"]
    assert facet_counts(response, "role") == {"faculty": 1}
    assert facet_counts(response, "work_stream") == {"leadership": 1}
    assert "1 person" in page_text(response)


def test_draft_work_stream_is_not_a_filter_option(client):
    person = PersonFactory()
    WorkStreamMemberFactory(person=person, work_stream=WorkStreamFactory(title="Hidden stream", status=Status.DRAFT))

    response = client.get(reverse("faculty:list"))

    assert "Hidden stream" not in page_text(response)


def test_filter_by_role_and_by_work_stream_members_or_key_contacts(client):
    stream = WorkStreamFactory(title="Leadership and management", slug="leadership")
    member = PersonFactory(given_name="Member", family_name="Alpha")
    contact = PersonFactory(given_name="Contact", family_name="Beta")
    PersonFactory(given_name="Outsider", family_name="Gamma")
    visiting = PersonFactory(given_name="Visitor", family_name="Delta", role_kind=Person.RoleKind.VISITING)
    WorkStreamMemberFactory(work_stream=stream, person=member)
    WorkStreamMemberFactory(work_stream=stream, person=visiting)
    KeyContactFactory(work_stream=stream, person=contact)

    in_stream = client.get(reverse("faculty:list"), {"work_stream": "leadership"})
    visiting_in_stream = client.get(reverse("faculty:list"), {"work_stream": "leadership", "role": "visiting"})

    assert directory_names(in_stream) == ["Member Alpha", "Contact Beta", "Visitor Delta"]
    assert directory_names(visiting_in_stream) == ["Visitor Delta"]
    # Each facet counts with the other facet applied, not its own.
    assert facet_counts(visiting_in_stream, "role") == {"faculty": 2, "visiting": 1}
    assert facet_counts(visiting_in_stream, "work_stream") == {"leadership": 1}


def test_unknown_filter_values_are_ignored_and_reported(client):
    PersonFactory(given_name="Still", family_name="Listed")

    response = client.get(reverse("faculty:list"), {"role": "emeritus", "work_stream": "no-such-stream"})

    assert response.status_code == 200
    assert directory_names(response) == ["Still Listed"]
    assert "not available any more" in page_text(response)


def test_no_match_state_offers_a_way_back(client):
    PersonFactory()

    response = client.get(reverse("faculty:list"), {"role": "external"})

    assert "Nobody matches these filters" in page_text(response)
    assert tree(response).xpath(f'//div[@class="empty-state"]//a[@href="{reverse("faculty:list")}"]')


def test_jump_list_links_to_the_page_where_a_letter_starts(client, monkeypatch):
    monkeypatch.setattr("faculty.views.PersonListView.paginate_by", 3)
    for family_name in ("Adams", "Allen", "Brown", "Bell", "Clark", "Cole", "Cox"):
        PersonFactory(family_name=family_name)

    first = client.get(reverse("faculty:list"), {"role": "faculty"})
    second = client.get(reverse("faculty:list"), {"role": "faculty", "page": "2"})

    assert letter_headings(first) == ["A", "B"]
    links = jump_links(first)
    assert links["A"] == "#letter-A"
    assert links["C"] == f"{reverse('faculty:list')}?role=faculty&page=2#letter-C"
    # B starts on page 1 and carries on to page 2.
    assert letter_headings(second) == ["B (continued)", "C"]
    assert jump_links(second)["B"] == f"{reverse('faculty:list')}?role=faculty#letter-B"


def test_names_that_do_not_start_with_a_letter_are_grouped_under_hash(client):
    PersonFactory(given_name="Odd", family_name="'t Hooft")
    PersonFactory(given_name="Plain", family_name="Smith")

    response = client.get(reverse("faculty:list"))

    assert set(letter_headings(response)) == {"#", "S"}
    assert jump_links(response)["#"] == "#letter-other"


def test_past_the_last_page_shows_the_last_page(client):
    PersonFactory()

    response = client.get(reverse("faculty:list"), {"page": "999999"})

    assert response.status_code == 200
    assert len(directory_names(response)) == 1


def test_directory_has_title_canonical_open_graph_breadcrumbs_and_item_list(client):
    PersonFactory(given_name="Belinda", family_name="Weir")

    response = client.get(reverse("faculty:list"), {"role": "faculty"})

    page = tree(response)
    assert page.findtext(".//title").startswith("People A to Z")
    assert page.xpath('//link[@rel="canonical"]/@href')[0].endswith(reverse("faculty:list"))
    assert page.xpath('//meta[@property="og:title"]/@content') == ["People A to Z"]
    assert node_of_type(response, "ItemList")["itemListElement"][0]["name"] == "Belinda Weir"
    assert [c["name"] for c in node_of_type(response, "BreadcrumbList")["itemListElement"]] == ["Home", "People"]
    assert len(page.xpath("//h1")) == 1


@pytest.mark.parametrize("size", [5, 200])
def test_directory_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    streams = WorkStreamFactory.create_batch(3)
    people = create_many(PersonFactory, size, affiliation=OrganisationFactory())
    WorkStreamMember.objects.bulk_create(
        WorkStreamMember(work_stream=streams[index % 3], person=person) for index, person in enumerate(people)
    )
    KeyContact.objects.bulk_create(
        KeyContact(work_stream=streams[(index + 1) % 3], person=person) for index, person in enumerate(people)
    )

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("faculty:list"))
    assert len(directory_names(response)) == min(size, 100)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("faculty:list"), {"role": "faculty", "work_stream": streams[0].slug})
    assert response.status_code == 200


# --- the profile ---------------------------------------------------------------------------


def build_person(**kwargs):
    harvard = OrganisationFactory(name="Harvard University", slug="harvard")
    defaults = {
        "honorific": "Professor",
        "given_name": "John",
        "family_name": "Mcdonough",
        "slug": "john-mcdonough",
        "job_title": "Visiting Professor",
        "role_kind": Person.RoleKind.VISITING,
        "affiliation": harvard,
        "biography": "Works on health policy.\n\nFormerly a state legislator.",
        "email": "john.mcdonough@example.edu",
        "phone": "+1 617 555 0100",
        "orcid": "0000-0002-1825-0097",
    }
    person = PersonFactory(**(defaults | kwargs))
    person.expertise.add(TopicFactory(name="Health policy", slug="health-policy"))
    return person


def test_profile_shows_honorific_role_affiliation_biography_expertise_and_contact(client):
    person = build_person()

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    for expected in (
        "Visiting",
        "Professor John Mcdonough",
        "Visiting Professor, Harvard University",
        "Formerly a state legislator.",
        "Health policy",
        "john.mcdonough@example.edu",
        "+1 617 555 0100",
        "0000-0002-1825-0097",
    ):
        assert expected in text
    page = tree(response)
    assert page.xpath('//a[@href="https://orcid.org/0000-0002-1825-0097"]')
    assert page.xpath('//a[@href="mailto:john.mcdonough@example.edu"]')
    assert page.xpath('//a[@href="tel:+16175550100"]')


def test_profile_links_to_vcard_when_the_route_exists(client):
    person = build_person()

    page = tree(client.get(person.get_absolute_url()))

    assert page.xpath(f'//a[@href="{reverse("faculty:vcard", kwargs={"slug": person.slug})}"]')


def test_profile_lists_published_programmes_projects_and_work_streams_only(client):
    person = build_person()
    ProgrammeLeadFactory(person=person, programme=ProgrammeFactory(title="Aspiring Healthcare Leaders"))
    ProgrammeLeadFactory(person=person, programme=ProgrammeFactory(title="Draft programme", status=Status.DRAFT))
    InvestigatorFactory(
        person=person, project=ResearchProjectFactory(title="Patient leadership"), role=Investigator.Role.PRINCIPAL
    )
    InvestigatorFactory(
        person=person,
        project=ResearchProjectFactory(
            title="Future project", publish_from=timezone.now() + datetime.timedelta(days=1)
        ),
    )
    KeyContactFactory(
        person=person, work_stream=WorkStreamFactory(title="Leadership and management"), role_label="Research"
    )
    WorkStreamMemberFactory(person=person, work_stream=WorkStreamFactory(title="Integrated care"))
    WorkStreamMemberFactory(person=person, work_stream=WorkStreamFactory(title="Draft stream", status=Status.DRAFT))

    text = page_text(client.get(person.get_absolute_url()))

    assert "Aspiring Healthcare Leaders" in text
    assert "Patient leadership Principal investigator" in text
    assert "Leadership and management Key contact: Research" in text
    assert "Integrated care" in text
    for hidden in ("Draft programme", "Future project", "Draft stream"):
        assert hidden not in text


def test_profile_shows_each_project_with_its_role_and_status(client):
    person = build_person()
    finished = ResearchProjectFactory(
        title="Finished study", end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    InvestigatorFactory(person=person, project=finished, role=Investigator.Role.CO_INVESTIGATOR)
    InvestigatorFactory(person=person, project=ResearchProjectFactory(title="Ongoing study"))

    text = page_text(client.get(person.get_absolute_url()))

    assert "Finished study Co-investigator · Completed" in text
    assert "Ongoing study Principal investigator · Current" in text


def test_profile_with_only_required_fields_renders(client):
    person = PersonFactory(
        given_name="Ann" * 30, family_name="Long" * 25, job_title="", email="", biography="", honorific=""
    )

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    for absent in ("Biography", "Expertise", "Research projects", "E-mail"):
        assert absent not in text
    assert node_of_type(response, "ProfilePage")["mainEntity"]["familyName"] == "Long" * 25


def test_profile_structured_data_is_a_person_with_affiliation_and_job_title(client):
    person = build_person()

    response = client.get(person.get_absolute_url())

    page = node_of_type(response, "ProfilePage")
    data = page["mainEntity"]
    assert data["@type"] == "Person"
    assert data["name"] == "Professor John Mcdonough"
    assert data["honorificPrefix"] == "Professor"
    assert data["jobTitle"] == "Visiting Professor"
    assert data["affiliation"] == {"@type": "Organization", "name": "Harvard University"}
    assert data["sameAs"] == ["https://orcid.org/0000-0002-1825-0097"]
    assert data["knowsAbout"] == ["Health policy"]
    assert data["url"].endswith(person.get_absolute_url())
    crumbs = node_of_type(response, "BreadcrumbList")["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == ["Home", "People", "Professor John Mcdonough"]


def test_faculty_member_without_affiliation_is_affiliated_with_the_centre(client, settings):
    person = PersonFactory()

    data = node_of_type(client.get(person.get_absolute_url()), "ProfilePage")["mainEntity"]

    assert data["affiliation"]["name"] == settings.SITE_NAME


def test_profile_has_unique_title_description_and_profile_open_graph(client):
    person = build_person()

    page = tree(client.get(person.get_absolute_url()))

    assert page.findtext(".//title").startswith("Professor John Mcdonough, Visiting Professor")
    description = page.xpath('//meta[@name="description"]/@content')[0]
    assert description.startswith("Professor John Mcdonough, Visiting Professor, Harvard University: Works on")
    assert page.xpath('//meta[@property="og:type"]/@content') == ["profile"]
    assert page.xpath('//meta[@property="profile:last_name"]/@content') == ["Mcdonough"]
    assert page.xpath('//link[@rel="canonical"]/@href')[0].endswith(person.get_absolute_url())


def test_draft_person_is_404_to_public_and_previewable_by_staff(editor_client):
    person = PersonFactory(status=Status.DRAFT)

    assert Client().get(person.get_absolute_url()).status_code == 404
    preview = editor_client.get(person.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview: not live" in page_text(preview)


def test_unknown_person_is_a_styled_404(client):
    response = client.get(reverse("faculty:detail", kwargs={"slug": "nobody"}))

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


def test_renamed_person_slug_redirects_permanently(client):
    person = PersonFactory(slug="old-slug")
    person.slug = "new-slug"
    person.save()

    response = client.get(reverse("faculty:detail", kwargs={"slug": "old-slug"}))

    assert response.status_code == 301
    assert response["Location"] == reverse("faculty:detail", kwargs={"slug": "new-slug"})


@pytest.mark.parametrize("size", [5, 200])
def test_profile_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    person = build_person()
    person.expertise.add(*create_many(TopicFactory, size))
    programmes = create_many(ProgrammeFactory, size)
    ProgrammeLead.objects.bulk_create(ProgrammeLead(programme=programme, person=person) for programme in programmes)
    ProgrammePartner.objects.bulk_create(
        ProgrammePartner(programme=programme, organisation=organisation)
        for programme, organisation in zip(programmes, create_many(OrganisationFactory, size), strict=True)
    )
    Investigator.objects.bulk_create(
        Investigator(project=project, person=person) for project in create_many(ResearchProjectFactory, size)
    )
    streams = create_many(WorkStreamFactory, size)
    KeyContact.objects.bulk_create(KeyContact(work_stream=stream, person=person) for stream in streams)
    WorkStreamMember.objects.bulk_create(WorkStreamMember(work_stream=stream, person=person) for stream in streams)

    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = client.get(person.get_absolute_url())
    assert response.status_code == 200
    assert programmes[-1].title in page_text(response)
