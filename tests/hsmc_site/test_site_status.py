import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contacts.models import Enquiry
from hsmc_site.status import check_scheduler, check_task_queue, collect
from publishing.workflow import publish_due
from tests.factories import EnquiryFactory

pytestmark = pytest.mark.django_db


def run() -> str:
    out = io.StringIO()
    call_command("site_status", stdout=out)
    return out.getvalue()


def test_a_healthy_site_says_so_part_by_part():
    publish_due()

    output = run()

    for name in ("Database", "Cache", "Task queue", "Scheduled publishing", "Enquiry e-mails"):
        assert name in output
    assert "FAIL" not in output
    assert "last run 0\xa0minutes ago" in output


def test_failed_enquiry_e_mails_fail_the_check_and_the_exit_code():
    EnquiryFactory(notification_status=Enquiry.Notification.FAILED)

    with pytest.raises(CommandError, match="Enquiry e-mails"):
        run()


def test_the_queue_shows_its_depth_and_warns_when_no_worker_takes_tasks(settings):
    from django_tasks_db.models import DBTaskResult

    from contacts.tasks import deliver_enquiry_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    deliver_enquiry_email.enqueue(enquiry_id=1, email="notification")
    assert check_task_queue().ok
    assert "1 waiting" in check_task_queue().detail

    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
    check = check_task_queue()
    assert not check.ok
    assert "oldest waiting for 1\xa0hour" in check.detail and "is a worker running?" in check.detail


def test_an_overdue_scheduled_change_means_the_scheduler_is_not_running():
    from publishing.models import ChangeState, PendingChange
    from tests.factories import ProgrammeFactory, UserFactory

    programme = ProgrammeFactory()
    PendingChange.objects.create(
        record=programme,
        state=ChangeState.SCHEDULED,
        go_live_at=timezone.now() - datetime.timedelta(hours=2),
        snapshot={},
        created_by=UserFactory(),
    )

    assert not check_scheduler().ok
    assert "overdue" in check_scheduler().detail
    assert [check.name for check in collect() if not check.ok] == ["Scheduled publishing"]
