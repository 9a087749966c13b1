from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class EnquiryQuerySet(models.QuerySet):
    def needing_notification_retry(self):
        return self.filter(notification_failed=True)


class Enquiry(models.Model):
    """A message from a visitor, stored before anyone is notified so that it is never lost."""

    class Kind(models.TextChoices):
        COMMISSION = "commission", "Commission a programme"
        STUDY = "study", "Apply or study"
        RESEARCH = "research", "Research collaboration"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

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
        related_name="enquiries_handled",
        help_text="The member of staff dealing with this enquiry.",
    )
    internal_notes = models.TextField(blank=True, help_text="Only staff see these notes.")
    routed_to = models.TextField(blank=True, help_text="The addresses this enquiry was sent to.")
    notification_failed = models.BooleanField(
        default=False, db_index=True, help_text="Ticked when e-mailing the routed contacts failed."
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "enquiry"
        verbose_name_plural = "enquiries"
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="enquiry_has_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("admin:contacts_enquiry_change", args=[self.pk])
