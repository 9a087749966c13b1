"""Whatever a visitor puts in the query string of the research list or the people directory, never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faculty.models import Person
from research.models import ProjectOrganisation
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    ProjectOrganisationFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
    WorkStreamMemberFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

LISTS = {
    "research:list": ["status", "work_stream", "topic", "funder", "page"],
    "faculty:list": ["role", "work_stream", "page"],
}

# Real values mixed with the hostile: NUL, lone combining marks, right-to-left text, emoji, SQL, markup, huge numbers.
values = st.one_of(
    st.sampled_from(
        [
            "current",
            "completed",
            "faculty",
            "visiting",
            "leadership",
            "medical-leadership",
            "nihr",
            "1",
            "2",
            "-1",
            "0",
            "abc",
            "999999",
            "9" * 40,
            "1e3",
            "٣",
            "\x00",
            "%00",
            "\u0301",
            "\u202eevil",
            "🦄",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "",
        ]
    ),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=500, max_size=3000),
)


@pytest.fixture
def catalogue(db):
    stream = WorkStreamFactory(slug="leadership")
    topic = TopicFactory(slug="medical-leadership")
    funder = OrganisationFactory(slug="nihr")
    for index in range(3):
        project = ResearchProjectFactory()
        project.work_streams.add(stream)
        project.topics.add(topic)
        ProjectOrganisationFactory(project=project, organisation=funder, role=ProjectOrganisation.Role.FUNDER)
        person = PersonFactory(role_kind=Person.RoleKind.VISITING if index else Person.RoleKind.FACULTY)
        WorkStreamMemberFactory(work_stream=stream, person=person)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    route=st.sampled_from(sorted(LISTS)),
    data=st.data(),
)
def test_any_query_string_gives_a_page_or_a_4xx_never_a_500(client, catalogue, route, data):
    names = st.sampled_from([*LISTS[route], "q", "sort", "x" * 200, "\x00", "ключ"])
    params = data.draw(st.lists(st.tuples(names, values), max_size=8))

    client.raise_request_exception = False
    response = client.get(reverse(route), params)

    assert response.status_code in {200, 400, 404}, (route, params)
    if response.status_code == 200:
        assert "<main" in response.content.decode()


@pytest.mark.parametrize("route", sorted(LISTS))
@pytest.mark.parametrize(("page", "status"), [("abc", 404), ("-1", 404), ("0", 404), ("999999", 200), ("2", 200)])
def test_odd_page_numbers(client, catalogue, route, page, status):
    response = client.get(reverse(route), {"page": page})

    assert response.status_code == status
    if status == 404:
        assert "Page not found" in page_text(response)


@pytest.mark.parametrize("route", sorted(LISTS))
def test_too_many_parameters_is_a_400(client, catalogue, route):
    client.raise_request_exception = False

    response = client.get(reverse(route), [("topic", str(n)) for n in range(1500)])

    assert response.status_code == 400


@pytest.mark.parametrize("route", sorted(LISTS))
def test_hundreds_of_values_for_one_filter_are_capped_and_reported(client, catalogue, route):
    response = client.get(
        reverse(route), [("work_stream", "leadership")] + [("work_stream", f"s{n}") for n in range(300)]
    )

    assert response.status_code == 200
    assert "not available any more" in page_text(response)


@pytest.mark.parametrize("route", ["research:detail", "faculty:detail", "workstreams:detail"])
@pytest.mark.parametrize("slug", ["no-such-thing", "a" * 300, "caf%C3%A9"])
def test_unknown_or_odd_slugs_are_a_styled_404(client, db, route, slug):
    path = reverse(route, kwargs={"slug": "placeholder"}).replace("placeholder", slug)

    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in page_text(response)


@pytest.mark.parametrize("route", ["research:detail", "faculty:detail", "workstreams:detail"])
def test_a_nul_byte_in_a_slug_is_a_styled_400(client, db, route):
    path = reverse(route, kwargs={"slug": "placeholder"}).replace("placeholder", "%00")

    response = client.get(path)

    assert response.status_code == 400
    assert "could not understand that request" in page_text(response)
