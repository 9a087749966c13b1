"""The enquiry's e-mails as background tasks: at least once, never twice, retried with backoff.

Production queues them in the database (django-tasks-db) for `manage.py db_worker`; development and the
tests run them at once after the commit (the immediate backend), where there is nothing to retry later:
a failure is marked at once, for the admin's "retry" action and `retry_enquiry_notifications`.
"""

import logging

from django.db import transaction
from django.tasks import task

from publishing.tasks import enqueue_later, retry_delay

from .emails import EMAILS, deliver
from .models import Enquiry

logger = logging.getLogger(__name__)


@task
def deliver_enquiry_email(*, enquiry_id: int, email: str) -> bool:
    """Send one of the enquiry's e-mails ("notification" or "acknowledgement") unless it was sent."""
    kind = EMAILS[email]
    with transaction.atomic():
        # Locked while sending: a second worker, or the retry command, waits and then finds it sent.
        enquiry = (
            Enquiry.objects.select_for_update(of=("self",))
            .select_related("work_stream", "programme")
            .filter(pk=enquiry_id)
            .first()
        )
        if enquiry is None:  # deleted meanwhile (an erasure request): nothing to send
            return False
        later = retry_delay(deliver_enquiry_email, kind.attempts(enquiry))
        sent = deliver(enquiry, kind, final=later is None)
    if not sent and later is not None:
        enqueue_later(deliver_enquiry_email, later, enquiry_id=enquiry_id, email=email)
        logger.warning("The %s of enquiry %s failed; trying again in %s s.", email, enquiry.reference, later)
    return sent


def enqueue_delivery(*, enquiry_id: int, email: str) -> None:
    try:
        deliver_enquiry_email.enqueue(enquiry_id=enquiry_id, email=email)
    except Exception:  # the queue itself is down: the enquiry is saved, and the retry command finds it
        logger.exception("Could not queue the %s of enquiry %s.", email, enquiry_id)
