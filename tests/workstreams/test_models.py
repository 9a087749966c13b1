import datetime

import pytest
from django.utils import timezone

from publishing.models import Status
from tests.factories import KeyContactFactory, WorkStreamFactory, WorkStreamMemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("link_factory", [KeyContactFactory, WorkStreamMemberFactory])
def test_key_contacts_and_members_of_draft_or_scheduled_work_streams_are_left_out(link_factory):
    shown = link_factory()
    link_factory(work_stream=WorkStreamFactory(status=Status.DRAFT))
    link_factory(work_stream=WorkStreamFactory(publish_from=timezone.now() + datetime.timedelta(days=1)))

    assert list(link_factory._meta.model.objects.of_published_work_stream()) == [shown]
