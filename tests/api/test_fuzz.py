"""Fuzz the API against its own OpenAPI description, over HTTP to the live test server.

The description is generated at collection time by the same generator that serves /api/schema/
(a test below proves the two are equal). schemathesis's lazy `from_fixture` loader does not work
with pytest 9.2, which is why the schema is not fetched from the live server itself.
"""

import pytest
import schemathesis
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks

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

# Every check schemathesis has, as `schemathesis run --checks all` runs them. The OpenAPI checks register
# themselves when their module is imported, which schemathesis does lazily: load them before listing.
load_all_checks()
CHECKS = REGISTERED_CHECKS.get_all()
assert len(CHECKS) > 10, [check.__name__ for check in CHECKS]
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
