"""What an operator checks first: is each part of the site working? (`manage.py site_status`)

/healthz stays a database check for load balancers; this looks further: the shared cache, the task
queue (depth, oldest waiting task, failures), the scheduler's last run and overdue changes, and enquiry
e-mails that failed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.tasks import default_task_backend
from django.utils import timezone
from django.utils.timesince import timesince

from contacts.models import Enquiry
from publishing.models import ChangeState, PendingChange
from publishing.workflow import last_scheduler_run

# A scheduled change not out this long after its time means the scheduler (cron) is not running.
SCHEDULER_GRACE = datetime.timedelta(minutes=5)
# A task waiting this long means no worker is taking tasks.
QUEUE_GRACE = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Check("Database", False, f"not answering: {error}")
    return Check("Database", True, f"answering ({connection.vendor})")


def check_cache() -> Check:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    probe = f"site-status:{timezone.now().timestamp()}"
    try:
        cache.set(probe, 1, timeout=10)
        reachable = cache.get(probe) == 1
        cache.delete(probe)
    except Exception as error:
        return Check("Cache", False, f"{backend}: unreachable ({error})")
    if not reachable:
        return Check("Cache", False, f"{backend}: unreachable (a value written could not be read back)")
    shared = "shared by every process" if "Redis" in backend else "this process only"
    return Check("Cache", True, f"{backend}: reachable, {shared}")


def check_task_queue() -> Check:
    if not default_task_backend.supports_defer:  # the immediate backend: no queue to watch
        return Check("Task queue", True, "none: tasks run at once after the commit (TASKS_BACKEND=immediate)")
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    failed = DBTaskResult.objects.failed().filter(finished_at__gte=now - datetime.timedelta(days=1))
    parts = [f"{waiting.count()} waiting", f"{DBTaskResult.objects.running().count()} running"]
    if oldest:
        parts.append(f"oldest waiting for {timesince(oldest, now)}")
    parts.append(f"{failed.count()} failed in the last day")
    stuck = oldest is not None and now - oldest > QUEUE_GRACE
    if stuck:
        parts.append("is a worker running? (make worker)")
    return Check("Task queue", not stuck, ", ".join(parts))


def check_scheduler() -> Check:
    now = timezone.now()
    overdue = PendingChange.objects.filter(state=ChangeState.SCHEDULED, go_live_at__lt=now - SCHEDULER_GRACE)
    last_run = last_scheduler_run()
    detail = f"last run {timesince(last_run, now)} ago" if last_run else "no run recorded in the shared cache"
    if count := overdue.count():
        return Check("Scheduled publishing", False, f"{detail}; {count} change(s) overdue: is cron running?")
    return Check("Scheduled publishing", True, f"{detail}; nothing overdue")


def check_enquiry_emails() -> Check:
    failed = Enquiry.objects.filter(notification_status=Enquiry.Notification.FAILED).count()
    failed_acknowledgements = Enquiry.objects.filter(acknowledgement_status=Enquiry.Notification.FAILED).count()
    detail = f"{failed} notification(s) and {failed_acknowledgements} acknowledgement(s) failed"
    return Check("Enquiry e-mails", not (failed or failed_acknowledgements), detail)


def collect() -> list[Check]:
    return [check() for check in (check_database, check_cache, check_task_queue, check_scheduler, check_enquiry_emails)]
