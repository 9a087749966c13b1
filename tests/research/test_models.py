import datetime

import pytest
from django.utils import timezone

from publishing.models import Status
from tests.factories import InvestigatorFactory, ProjectOrganisationFactory, ResearchProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("link_factory", [InvestigatorFactory, ProjectOrganisationFactory])
def test_investigators_and_organisations_of_draft_or_scheduled_projects_are_left_out(link_factory):
    shown = link_factory()
    link_factory(project=ResearchProjectFactory(status=Status.DRAFT))
    link_factory(project=ResearchProjectFactory(publish_from=timezone.now() + datetime.timedelta(days=1)))

    assert list(link_factory._meta.model.objects.of_published_project()) == [shown]
