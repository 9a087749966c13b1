"""Alert e-mails as background tasks: never inside a visitor's request.

Production queues them in the database for `manage.py db_worker`; development and the tests run them at
once (the immediate backend). Arguments are record ids, never addresses, so the queue holds no personal
data of its own.
"""

import datetime
import logging

from django.tasks import task
from django.utils import timezone

from .digests import send_digest
from .emails import build_confirmation, build_manage_link
from .models import Alert, Subscriber

logger = logging.getLogger(__name__)


@task
def send_confirmation(*, alert_id: int) -> bool:
    alert = Alert.objects.select_related("subscriber", "programme", "work_stream").filter(pk=alert_id).first()
    if alert is None or alert.is_confirmed:  # cancelled, expired or confirmed meanwhile
        return False
    build_confirmation(alert=alert).send(using="default")
    Alert.objects.filter(pk=alert_id).update(confirmation_sent_at=timezone.now())
    return True


@task
def send_manage_link(*, subscriber_id: int) -> bool:
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return False
    build_manage_link(subscriber=subscriber).send(using="default")
    return True


@task
def send_alert_digest(*, subscriber_id: int, day: str) -> bool:
    """One subscriber's digest for `day` (ISO date); sent once however often it is queued."""
    return send_digest(subscriber_id=subscriber_id, on=datetime.date.fromisoformat(day))


def enqueue(of, **kwargs) -> None:
    try:
        of.enqueue(**kwargs)
    except Exception:  # the queue is down: the visitor's request still succeeds, and the person can ask again
        logger.exception("Could not queue %s.", of.name)
