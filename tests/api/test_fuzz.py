"""Fuzz the API against its own OpenAPI description, over HTTP to the live test server.

The description is generated at collection time by the same generator that serves /api/schema/
(a test below proves the two are equal). schemathesis's lazy `from_fixture` loader does not work
with pytest 9.2, which is why the schema is not fetched from the live server itself.
"""

import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.docs import openapi_schema
from tests.factories import (
    IntakeFactory,
    InvestigatorFactory,
    KeyContactFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
    ResearchOutputFactory,
    ResearchProjectFactory,
    TopicFactory,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
DESCRIPTION = openapi_schema()
schema = schemathesis.openapi.from_dict(DESCRIPTION)


@pytest.fixture
def published_catalogue(transactional_db):
    """Records of every kind, so that lists are not empty and known slugs can be hit."""
    programme = ProgrammeFactory(slug="aspiring-healthcare-leaders")
    programme.topics.add(TopicFactory(slug="leadership"))
    IntakeFactory(programme=programme)
    IntakeFactory(programme=programme, start_date=None, end_date=None, application_deadline=None)
    ProgrammePartnerFactory(programme=programme)
    project = ResearchProjectFactory()
    InvestigatorFactory(project=project)
    ResearchOutputFactory(project=project)
    KeyContactFactory(person=PersonFactory())


def test_the_fuzzed_description_is_the_one_the_api_serves(client, db):
    assert client.get(reverse("api:schema")).json() == DESCRIPTION


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_always_answers_as_documented(case, live_server, published_catalogue):
    case.call_and_validate(base_url=live_server.url, checks=CHECKS)
