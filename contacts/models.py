import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months earlier (31 March minus one month is 28/29 February)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


class EnquiryQuerySet(models.QuerySet):
    def needing_retry(self, email: str, *, stuck_after: datetime.timedelta = datetime.timedelta(minutes=15)):
        """Enquiries whose `email` ("notification" or "acknowledgement") was not sent: it failed, or never finished.

        A "pending" enquiry older than `stuck_after` was saved but its e-mail never went (the process or
        the queue died in between, or its retries are overdue); younger ones may still be sending.
        """
        status = f"{email}_status"
        return self.filter(
            Q(**{status: Enquiry.Notification.FAILED})
            | Q(**{status: Enquiry.Notification.PENDING}, created_at__lt=timezone.now() - stuck_after)
        )

    def set_status(self, status: str) -> int:
        """Bulk status change that keeps `closed_at` right, as `Enquiry.save()` does for one row."""
        closed_at = timezone.now() if status == Enquiry.Status.CLOSED else None
        changed = self.exclude(status=status)
        return changed.update(status=status, closed_at=closed_at, updated_at=timezone.now())

    def past_retention(self, *, months: int, now: datetime.datetime | None = None):
        """Closed enquiries closed more than `months` ago: due for deletion under the retention policy."""
        cutoff = months_before(now or timezone.now(), months)
        return self.filter(status=Enquiry.Status.CLOSED, closed_at__lt=cutoff)


class Enquiry(models.Model):
    """A message from a visitor, stored before anyone is notified so that it is never lost.

    `status` is the handlers' workflow (new, in progress, closed); `notification_status` is whether the
    routed contacts were e-mailed, `acknowledgement_status` whether the visitor was. They are separate on
    purpose: a handler moving an enquiry to "in progress" must not hide that its e-mail never arrived,
    and a retry must not reset the workflow.
    """

    class Kind(models.TextChoices):
        COMMISSION = "commission", "Commission a programme"
        STUDY = "study", "Apply or study"
        RESEARCH = "research", "Research collaboration"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    class Notification(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Notification failed"

    class Route(models.TextChoices):
        PROGRAMME_LEADS = "programme_leads", "Programme leads"
        WORK_STREAM_CONTACTS = "work_stream_contacts", "Work stream key contacts"
        FALLBACK = "fallback", "General enquiries address"

    name = models.CharField(max_length=200)
    email = models.EmailField("e-mail")
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField("job title or role", max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    kind = models.CharField("what is it about", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    work_stream = models.ForeignKey(
        "workstreams.WorkStream",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
    )
    cohort_size = models.PositiveIntegerField("expected cohort size", null=True, blank=True)
    timing = models.CharField("preferred timing", max_length=200, blank=True)
    message = models.TextField()
    consent = models.BooleanField("consent to be contacted", default=False)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"is_staff": True},
        related_name="enquiries_handled",
        help_text="The member of staff dealing with this enquiry.",
    )
    internal_notes = models.TextField(blank=True, help_text="Only staff see these notes; the visitor never does.")
    routed_via = models.CharField(
        "routed to",
        max_length=30,
        choices=Route.choices,
        blank=True,
        help_text="Which rule chose the people notified about this enquiry.",
    )
    routed_to = models.TextField(
        "routed addresses", blank=True, help_text="The addresses this enquiry was sent to, one a line."
    )
    notification_status = models.CharField(
        "notification",
        max_length=10,
        choices=Notification.choices,
        default=Notification.PENDING,
        db_index=True,
        help_text="Whether the routed contacts were e-mailed. Failed ones are retried by "
        "manage.py retry_enquiry_notifications.",
    )
    notification_attempts = models.PositiveSmallIntegerField(default=0)
    notification_error = models.CharField(
        "last notification error", max_length=500, blank=True, help_text="Why the last attempt to e-mail failed."
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    # The visitor's acknowledgement has the same life as the notification: sent once, retried, failures shown.
    acknowledgement_status = models.CharField(
        "acknowledgement",
        max_length=10,
        choices=Notification.choices,
        default=Notification.PENDING,
        db_index=True,
        help_text="Whether the visitor was sent the e-mail that confirms we have their enquiry.",
    )
    acknowledgement_attempts = models.PositiveSmallIntegerField(default=0)
    acknowledgement_error = models.CharField(
        "last acknowledgement error", max_length=500, blank=True, help_text="Why the last attempt to e-mail failed."
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the enquiry was closed; the retention period counts from here."
    )
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "enquiry"
        verbose_name_plural = "enquiries"
        permissions = [("export_enquiry", "Can export enquiries as CSV")]
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="enquiry_has_consent"),
            models.CheckConstraint(
                condition=Q(cohort_size__isnull=True) | Q(cohort_size__gte=1), name="enquiry_cohort_size_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "closed_at"], name="enquiry_status_closed_idx")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_kind_display()} from {self.name}"

    def save(self, *args, **kwargs):
        # Derived from the enquiry's own status: the retention period counts from closure.
        if self.status == self.Status.CLOSED:
            self.closed_at = self.closed_at or timezone.now()
        else:
            self.closed_at = None
        if (update_fields := kwargs.get("update_fields")) is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "closed_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:contacts_enquiry_change", args=[self.pk])

    @property
    def reference(self) -> str:
        """A short reference the visitor can quote by phone or e-mail."""
        return f"ENQ-{self.pk:05d}" if self.pk else "ENQ-new"

    @property
    def routed_addresses(self) -> list[str]:
        return [line.strip() for line in self.routed_to.splitlines() if line.strip()]

    @property
    def notification_failed(self) -> bool:
        return self.notification_status == self.Notification.FAILED

    @property
    def acknowledgement_failed(self) -> bool:
        return self.acknowledgement_status == self.Notification.FAILED
