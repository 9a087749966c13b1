"""Whatever a visitor puts in a catalogue URL, the answer is a page or a 4xx, never a 500."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.filters import ProgrammeFilter
from tests.factories import (
    AudienceFactory,
    IntakeFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
)

pytestmark = pytest.mark.django_db

PARAMETERS = [*ProgrammeFilter.base_filters, "page", "q", "utm_source"]
KNOWN_VALUES = [
    "doctors",
    "ambs",
    "open",
    "commissioned",
    "title",
    "start",
    "deadline",
    "months",
    "1",
    "2",
    "999999",
    "-1",
    "abc",
    "0",
]
hostile_text = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    st.text(max_size=60),  # any Unicode, including NUL, surrogates escaped by urlencode, RTL marks
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.sampled_from(["' OR 1=1 --", "<script>alert(1)</script>", "%00", "\x00", "../../etc/passwd", "🩺" * 50]),
)
query_parameters = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=20)), hostile_text), max_size=12
)


@pytest.fixture
def catalogue(db):
    doctors = AudienceFactory(name="Doctors", slug="doctors")
    for n in range(25):
        programme = ProgrammeFactory(title=f"Programme {n}")
        programme.audiences.add(doctors)
        IntakeFactory(programme=programme)
    ProgrammePartnerFactory(organisation=OrganisationFactory(slug="ambs"))


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=query_parameters)
def test_any_catalogue_query_gives_a_page_or_a_client_error(client, catalogue, params):
    response = client.get(f"{reverse('programmes:list')}?{urlencode(params)}")

    assert response.status_code in {200, 400, 404}
    if response.status_code == 200:
        assert b"programme" in response.content


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=st.text(min_size=1, max_size=300))
def test_any_programme_address_gives_a_page_redirect_or_not_found(client, catalogue, slug):
    response = client.get(f"/programmes/{slug}/")

    # NUL in the path or query is refused before any view (security.middleware); after a "#" it is the
    # fragment, which is never sent.
    sent = slug.partition("#")[0]
    expected = {400} if "\x00" in sent else {200, 301, 404}
    assert response.status_code in expected


def test_oversized_query_string_is_handled(client, catalogue):
    response = client.get(reverse("programmes:list") + "?" + urlencode([("audience", "x" * 100)] * 900))

    assert response.status_code == 200
    assert "left them out" in response.content.decode()


def test_too_many_parameters_is_a_client_error(client, catalogue):
    response = client.get(reverse("programmes:list") + "?" + "&".join(f"kind={n}" for n in range(1200)))

    assert response.status_code == 400


def test_nul_byte_in_a_filter_value_is_a_400(client, catalogue):
    # No link or form of ours makes one; PostgreSQL would refuse it in a query (security.middleware).
    response = client.get(reverse("programmes:list") + "?audience=doc%00tors&sort=%00")

    assert response.status_code == 400
