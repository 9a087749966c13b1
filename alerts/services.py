"""What a visitor can do with alerts: ask for one, confirm it, cancel it, unsubscribe altogether."""

import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Alert, Subscriber
from .targets import Target
from .tasks import enqueue, send_confirmation, send_manage_link

# Asking again for an unconfirmed alert sends the confirmation again, but not more often than this,
# so the form cannot be used to flood someone else's inbox.
RESEND_AFTER = datetime.timedelta(hours=1)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def request_alert(*, email: str, target: Target) -> None:
    """Record an unconfirmed alert and e-mail a confirmation link, once committed.

    Returns nothing on purpose: the caller shows the same page whether the address is new, has this
    alert already, or has confirmed it, so the form never tells anyone who is subscribed.
    """
    now = timezone.now()
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=normalise_email(email))
        try:
            with transaction.atomic():
                alert, created = Alert.objects.get_or_create(subscriber=subscriber, **target.lookup())
        except IntegrityError:  # the same request twice at once: the other one made it
            return
        if alert.is_confirmed:
            return
        if not created and alert.confirmation_sent_at and now - alert.confirmation_sent_at < RESEND_AFTER:
            return
        # Marked now, so that a quick second request does not queue a second e-mail.
        Alert.objects.filter(pk=alert.pk).update(confirmation_sent_at=now)
        transaction.on_commit(partial(enqueue, send_confirmation, alert_id=alert.pk), robust=True)


def confirm_alert(*, alert: Alert) -> bool:
    """Start the alert; False if it was confirmed already (a link used twice)."""
    return bool(Alert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now()))


def request_manage_link(*, email: str) -> None:
    """E-mail a link to the alerts page if the address has alerts; the caller says the same either way."""
    subscriber = Subscriber.objects.filter(email=normalise_email(email), alerts__isnull=False).first()
    if subscriber is not None:
        transaction.on_commit(partial(enqueue, send_manage_link, subscriber_id=subscriber.pk), robust=True)


def cancel_alert(*, subscriber: Subscriber, alert_id: int) -> bool:
    """Cancel one of the subscriber's alerts; the address goes too once it follows nothing."""
    with transaction.atomic():
        deleted, _ = Alert.objects.filter(subscriber=subscriber, pk=alert_id).delete()
        Subscriber.objects.filter(pk=subscriber.pk).without_alerts().delete()
    return bool(deleted)


def unsubscribe(*, subscriber: Subscriber) -> None:
    """Delete the address and everything about it: alerts, digests, notices."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


def expire_unconfirmed(*, now: datetime.datetime | None = None) -> int:
    """Delete requests not confirmed within ALERT_CONFIRM_DAYS, and addresses left with no alert."""
    now = now or timezone.now()
    with transaction.atomic():
        _, deleted = Alert.objects.unconfirmed_since(
            now - datetime.timedelta(days=settings.ALERT_CONFIRM_DAYS)
        ).delete()
        Subscriber.objects.without_alerts().filter(created_at__lt=now - RESEND_AFTER).delete()
    return deleted.get("alerts.Alert", 0)


def purge_inactive(*, now: datetime.datetime | None = None) -> int:
    """Delete addresses sent nothing for ALERT_RETENTION_MONTHS (the retention policy)."""
    _, deleted = Subscriber.objects.past_retention(months=settings.ALERT_RETENTION_MONTHS, now=now).delete()
    return deleted.get("alerts.Subscriber", 0)
