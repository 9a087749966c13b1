"""A scheduled change goes live when the scheduler runs, on every server at once (PostgreSQL and Redis).

The scheduler is `manage.py publish_scheduled`, run by cron in its own process; the two app servers keep
pages in the shared Redis page cache. Runs in CI's PostgreSQL run, where REDIS_URL is set.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hsmc_site.roles import PUBLISHERS
from publishing import snapshots, workflow
from publishing.models import ChangeState, PendingChange
from tests.conftest import staff_group
from tests.factories import ProgrammeFactory, UserFactory

from .servers import manage
from .test_two_servers import REDIS_URL, servers, shared_env  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/<db>"),
    pytest.mark.django_db(transaction=True),  # the servers and the scheduler must see what the test commits
]

OLD = "A leadership programme for senior health service leaders."
NEW = "A year-long programme for leaders of integrated care systems."


def test_a_scheduled_change_reaches_every_cached_page_when_the_scheduler_runs(servers, shared_env):  # noqa: F811
    a, b = servers
    publisher = UserFactory(username="scheduling-publisher", groups=[staff_group(PUBLISHERS)])
    programme = ProgrammeFactory(summary=OLD)
    detail, catalogue = reverse("programmes:detail", args=[programme.slug]), reverse("programmes:list")
    for url in (detail, catalogue):
        a.get(url)
        assert b.get(url).header("X-Page-Cache") == "hit"

    draft = snapshots.read(programme)
    draft["fields"]["summary"] = NEW
    workflow.save_draft(programme, draft, user=publisher)
    workflow.approve(programme, user=publisher, go_live_at=timezone.now() + datetime.timedelta(hours=1))
    early = manage(shared_env, "publish_scheduled")
    assert early.returncode == 0, early.stderr
    assert OLD in b.get(detail).text  # not yet: nothing was due

    # The hour passes.
    PendingChange.objects.filter(state=ChangeState.SCHEDULED).update(
        go_live_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    result = manage(shared_env, "publish_scheduled")

    assert result.returncode == 0, result.stderr
    assert "Published programme" in result.stdout
    assert not PendingChange.objects.filter(state=ChangeState.SCHEDULED).exists()
    for server in (b, a):
        for url in (detail, catalogue):
            response = server.get(url)
            assert response.status == 200
            assert NEW in response.text and OLD not in response.text, (server, url)
