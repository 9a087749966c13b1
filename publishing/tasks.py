"""Background work of the editorial workflow, and the retry rule every e-mail task follows.

Django's tasks framework (TASKS in settings): a database queue and its worker in production, run at once
after the commit in development and the tests.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import Task, task
from django.utils import timezone

logger = logging.getLogger(__name__)


def retry_delay(of: Task, tries_before: int) -> int | None:
    """Seconds to wait before trying `of` again should the try under way fail, `tries_before` tries having
    failed already (TASK_RETRY_DELAYS); None when it is the last try, or when the backend cannot run a
    task later (the immediate one)."""
    delays = settings.TASK_RETRY_DELAYS
    if not of.get_backend().supports_defer or tries_before >= len(delays):
        return None
    return delays[tries_before]


def enqueue_later(of: Task, seconds: int, **kwargs) -> None:
    of.using(run_after=timezone.now() + datetime.timedelta(seconds=seconds)).enqueue(**kwargs)


@task
def send_workflow_email(*, subject: str, body: str, to: list[str], attempt: int = 1) -> None:
    """One workflow e-mail. Enqueued after the transaction commits, so the editor's request never waits on it.

    A failed send is tried again after each of TASK_RETRY_DELAYS; the last failure fails the task, which
    the admin's task results (django-tasks-db) show with its traceback.
    """
    try:
        EmailMessage(subject=subject, body=body, to=to).send(using="default")
    except Exception:
        if (later := retry_delay(send_workflow_email, tries_before=attempt - 1)) is None:
            raise
        logger.warning("The workflow e-mail %r to %s failed; trying again in %s s.", subject, to, later, exc_info=True)
        enqueue_later(send_workflow_email, later, subject=subject, body=body, to=to, attempt=attempt + 1)


@task
def publish_due_changes() -> int:
    """The scheduler as a task, queued by `workflow.approve` for a change's go-live time. Returns how many
    records went live; a change that no longer validates stays scheduled and is logged, as in cron."""
    from .workflow import publish_due

    published, failed = publish_due()
    for record, reason in failed:
        logger.error("Not published: %s “%s”: %s", record._meta.verbose_name, record, reason)
    return len(published)
