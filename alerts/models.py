"""E-mail alerts: who asked to hear about what, and what they have been told.

Only the address, what it follows and timestamps are stored (the privacy notice says so). Deleting a
`Subscriber` deletes everything about the person: their alerts, digests and notices cascade.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from programmes.models import Programme


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    # The contacts app's calendar arithmetic, so both retention periods count months the same way.
    from contacts.models import months_before as contacts_months_before

    return contacts_months_before(moment, months)


class SubscriberQuerySet(models.QuerySet):
    def with_confirmed_alerts(self):
        return self.filter(alerts__confirmed_at__isnull=False).distinct()

    def past_retention(self, *, months: int, now: datetime.datetime | None = None):
        """Addresses sent nothing for `months` (counted from the last alert, or from when they subscribed)."""
        cutoff = months_before(now or timezone.now(), months)
        return self.alias(last_activity=Coalesce("last_alerted_at", "created_at")).filter(last_activity__lt=cutoff)

    def without_alerts(self):
        return self.filter(alerts__isnull=True)


class Subscriber(models.Model):
    """An e-mail address that asked for alerts. One row per address, however many alerts it has."""

    email = models.EmailField("e-mail", unique=True, help_text="Stored in lower case.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_alerted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last digest went; the retention period counts from here."
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "alert subscriber"

    def __str__(self) -> str:
        # Never the address: this string can end up in logs and admin messages.
        return f"Subscriber {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:manage-request")


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed_since(self, moment: datetime.datetime):
        """Requests never confirmed and made before `moment`: their link has expired, so they go."""
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)


class Alert(models.Model):
    """One thing a person follows: a programme, a work stream, or the catalogue narrowed by filters."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", "Programme"
        WORK_STREAM = "work_stream", "Work stream"
        CATALOGUE = "catalogue", "Catalogue search"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    work_stream = models.ForeignKey(
        "workstreams.WorkStream", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    filters = models.CharField(
        max_length=500, blank=True, help_text="For catalogue alerts: the catalogue's filters as a query string."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "e-mail alert"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="programme", programme__isnull=False, work_stream__isnull=True, filters="")
                    | Q(kind="work_stream", programme__isnull=True, work_stream__isnull=False, filters="")
                    | Q(kind="catalogue", programme__isnull=True, work_stream__isnull=True)
                ),
                name="alert_has_one_target",
            ),
            # A second request for the same thing finds the first (and the neutral page), never a twin.
            models.UniqueConstraint(
                fields=["subscriber", "programme"], condition=Q(kind="programme"), name="unique_programme_alert"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "work_stream"], condition=Q(kind="work_stream"), name="unique_work_stream_alert"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "filters"], condition=Q(kind="catalogue"), name="unique_catalogue_alert"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} alert {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:manage-request")

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Digest(models.Model):
    """The day's one e-mail to a subscriber. The unique (subscriber, day) row is the claim that makes it
    at most one a day, and sent once even when two workers (or two cron runs) reach the same person."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "pk"]
        verbose_name = "alert digest"
        constraints = [models.UniqueConstraint(fields=["subscriber", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"Digest of {self.day:%Y-%m-%d} for subscriber {self.subscriber_id}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:manage-request")


class Notice(models.Model):
    """One piece of news told to a subscriber in a digest, so that it is never told again."""

    class Stage(models.IntegerChoices):
        # Ordered: an intake told "open" need not be told "opening" any more.
        NEW_PROGRAMME = 0, "New programme"
        OPENING = 1, "Applications opening"
        OPEN = 2, "Applications open"
        REMINDER = 3, "Deadline reminder"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="notices")
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="notices")
    stage = models.PositiveSmallIntegerField(choices=Stage.choices)
    intake = models.ForeignKey(
        "programmes.Intake", on_delete=models.CASCADE, null=True, blank=True, related_name="alert_notices"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, null=True, blank=True, related_name="alert_notices"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "alert notice"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "intake", "stage"], condition=Q(intake__isnull=False), name="notice_once_a_stage"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "programme"], condition=Q(stage=0), name="notice_new_programme_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} for subscriber {self.subscriber_id}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:manage-request")


class ProgrammeDemand(Programme):
    """Programmes seen from the alerts' side: how many people wait to hear about each (the admin's report)."""

    class Meta:
        proxy = True
        verbose_name = "demand for a programme"
        verbose_name_plural = "demand for programmes"
