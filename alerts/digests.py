"""The day's digest for one subscriber: what is news to them, claimed once, sent once.

News about an intake comes in stages (`Notice.Stage`): announced with applications opening later,
applications open, and a reminder `ALERT_REMINDER_DAYS` before the deadline. A person is told the
latest stage they have not been told; a work stream or catalogue alert also tells of new programmes.
Availability is computed for the day with `programmes.availability`, not read from the stored columns,
so the digest does not depend on the nightly refresh having run first.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from programmes.availability import Availability, intake_state
from programmes.models import Intake, Programme

from .models import Alert, Digest, Notice, Subscriber
from .targets import matching_programme_ids

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One line of a digest."""

    stage: Notice.Stage
    programme: Programme
    intake: Intake | None = None
    days_left: int | None = None

    @property
    def sort_key(self) -> tuple:
        return (-self.stage, self.programme.title, self.intake.pk if self.intake else 0)


def intake_stage(intake: Intake, *, on: datetime.date) -> tuple[Notice.Stage, int | None] | None:
    """The news an intake is on `on`, given its availability that day (annotated as `state_today`)."""
    if intake.state_today == Availability.OPENING_SOON and intake.applications_open:
        return Notice.Stage.OPENING, None
    if intake.state_today == Availability.OPEN:
        if intake.application_deadline:
            days_left = (intake.application_deadline - on).days
            if days_left <= settings.ALERT_REMINDER_DAYS:
                return Notice.Stage.REMINDER, days_left
            return Notice.Stage.OPEN, days_left
        return Notice.Stage.OPEN, None
    return None


def watched_programmes(alerts: list[Alert]) -> tuple[set[int], dict[int, datetime.datetime]]:
    """The published programmes some alert follows, and for work stream and catalogue alerts the
    moment from which a programme counts as new to the person (the earliest such alert's confirmation)."""
    published = Programme.objects.published()
    watched: set[int] = set()
    new_since: dict[int, datetime.datetime] = {}
    for alert in alerts:
        if alert.kind == Alert.Kind.PROGRAMME:
            ids = set(published.filter(pk=alert.programme_id).values_list("pk", flat=True))
        else:
            if alert.kind == Alert.Kind.WORK_STREAM:
                ids = set(published.in_work_streams([alert.work_stream.slug]).values_list("pk", flat=True))
            else:
                ids = matching_programme_ids(alert.filters)
            for pk in ids:
                new_since[pk] = min(new_since.get(pk, alert.confirmed_at), alert.confirmed_at)
        watched |= ids
    return watched, new_since


def pending_items(subscriber: Subscriber, *, on: datetime.date) -> list[Item]:
    """What `subscriber` has not been told yet, as on `on`."""
    alerts = list(subscriber.alerts.confirmed().select_related("work_stream"))
    if not alerts:
        return []
    watched, new_since = watched_programmes(alerts)
    told_intakes = dict(
        Notice.objects.filter(subscriber=subscriber, intake__isnull=False)
        .values("intake")
        .annotate(stage=Max("stage"))
        .values_list("intake", "stage")
    )
    items = []
    intakes = (
        Intake.objects.filter(programme__in=watched)
        .annotate(state_today=intake_state(on))
        .filter(state_today__in=[Availability.OPENING_SOON, Availability.OPEN])
        .select_related("programme")
    )
    for intake in intakes:
        news = intake_stage(intake, on=on)
        if news and news[0] > told_intakes.get(intake.pk, -1):
            items.append(Item(news[0], intake.programme, intake, news[1]))
    if new_since:
        told_programmes = set(
            Notice.objects.filter(subscriber=subscriber, stage=Notice.Stage.NEW_PROGRAMME).values_list(
                "programme", flat=True
            )
        )
        candidates = (
            Programme.objects.filter(pk__in=set(new_since) - told_programmes)
            # New to the person: added, or scheduled to appear, after they asked.
            .annotate(appeared=Greatest("created_at", Coalesce("publish_from", "created_at")))
            .only("title", "slug", "summary", "created_at", "publish_from")
        )
        items += [
            Item(Notice.Stage.NEW_PROGRAMME, programme)
            for programme in candidates
            if programme.appeared > new_since[programme.pk]
        ]
    return sorted(items, key=lambda item: item.sort_key)


def claim(subscriber: Subscriber, items: list[Item], *, on: datetime.date) -> Digest | None:
    """Today's digest for `subscriber` with its notices, committed; None if one was claimed already.

    The unique (subscriber, day) row decides between two workers, or two overlapping runs, on any database:
    the second INSERT fails, whichever process it comes from.
    """
    try:
        with transaction.atomic():
            digest = Digest.objects.create(subscriber=subscriber, day=on)
            Notice.objects.bulk_create(
                [
                    Notice(
                        subscriber=subscriber,
                        digest=digest,
                        stage=item.stage,
                        intake=item.intake,
                        programme=item.programme if item.intake is None else None,
                    )
                    for item in items
                ]
            )
    except IntegrityError:
        return None
    return digest


def send_digest(*, subscriber_id: int, on: datetime.date) -> bool:
    """Send `subscriber_id` their digest for `on` if they have news and none was sent that day. True if sent."""
    from .emails import build_digest

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:  # unsubscribed meanwhile
        return False
    items = pending_items(subscriber, on=on)
    if not items:
        return False
    digest = claim(subscriber, items, on=on)
    if digest is None:
        return False
    try:
        build_digest(subscriber=subscriber, items=items).send(using="default")
    except Exception:
        # Released, notices and all, so the next run tries again: better late than lost.
        logger.exception("Could not send the alert digest of subscriber %s.", subscriber.pk)
        digest.delete()
        return False
    now = timezone.now()
    Digest.objects.filter(pk=digest.pk).update(sent_at=now)
    Subscriber.objects.filter(pk=subscriber.pk).update(last_alerted_at=now)
    return True


def due_subscribers(*, on: datetime.date):
    """Subscribers with a confirmed alert and no digest claimed for `on`."""
    return Subscriber.objects.with_confirmed_alerts().exclude(digests__day=on)
