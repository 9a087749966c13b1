"""Publishing rules shared by every public model: draft or published, scheduled, reviewed; and pending changes."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from security.staff import second_factor_pending

from .text import CleanTextModel


def may_preview(user, model) -> bool:
    """Whether `user` may see unpublished `model` records: staff with its view permission, fully signed in."""
    if user is None or not user.is_active or not user.is_staff or second_factor_pending(user):
        return False
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class CurrentTime(models.Expression):
    """The current time as a query parameter, read each time the query is compiled, not when it is built: a
    queryset built once (a view's listing) compares with the moment it runs. Python's clock, not the
    database's NOW(), which is the transaction's start: the clock tests move and the page cache's lifetimes use.
    """

    output_field = models.DateTimeField()

    def as_sql(self, compiler, connection):
        return "%s", (connection.ops.adapt_datetimefield_value(timezone.now()),)


def published_q(through: str = "", *, at=None) -> Q:
    """The single definition of what the public may see, as a condition on a record or, `through` a relation
    ("person__"), on the record it links to; as of the moment the query runs, or `at` another (a datetime or
    an expression).

    Through a relation it is a join, which the link queries' select_related() makes anyway, where
    `person__in=Person.objects.published()` was a subquery for Django to build and compile on every read.
    """
    moment = CurrentTime() if at is None else at
    return (Q(**{f"{through}publish_from__isnull": True}) | Q(**{f"{through}publish_from__lte": moment})) & Q(
        **{f"{through}status": Status.PUBLISHED}
    )


class PublishableQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """What the public may see (`published_q`) when the query runs, or `at` another moment."""
        return self.filter(published_q(at=at))

    def due_for_review(self):
        return self.filter(review_by__lte=timezone.localdate())

    def visible_to(self, user):
        """Drafts too, as previews, for staff who may view this kind of record and have signed in fully
        (authenticator code included where it applies); everyone else sees what is published."""
        if may_preview(user, self.model):
            return self
        return self.published()


class Publishable(CleanTextModel):
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Drafts are visible only to staff, in preview. Publish when the page is ready.",
    )
    publish_from = models.DateTimeField(
        "publish from",
        null=True,
        blank=True,
        help_text="Optional. A published page stays hidden until this date and time (UK time).",
    )
    review_by = models.DateField(
        "review by",
        null=True,
        blank=True,
        help_text="Optional. After this date the page is listed as due for review in the admin.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and (self.publish_from is None or self.publish_from <= timezone.now())

    @property
    def is_due_for_review(self) -> bool:
        return self.review_by is not None and self.review_by <= timezone.localdate()


class ChangeState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "Awaiting review"
    REJECTED = "rejected", "Changes requested"
    SCHEDULED = "scheduled", "Scheduled"


class PendingChangeQuerySet(models.QuerySet):
    def of(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def of_model(self, model):
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def due(self):
        """Scheduled changes whose time has come."""
        return self.filter(state=ChangeState.SCHEDULED, go_live_at__lte=timezone.now())


class PendingChange(models.Model):
    """The next version of one record, on its way to the public: drafted, reviewed, scheduled, then published.

    A record has at most one. For a live record (a published programme, any topic or organisation) it holds
    the whole edit (`snapshot`, see publishing.snapshots), and the live record is untouched until it is
    published. A draft record is edited in place; its pending change (with no snapshot) carries only the
    review and the schedule that will make it public.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    state = models.CharField(max_length=20, choices=ChangeState.choices, default=ChangeState.DRAFT)
    # Counts saves, so that a form opened on one version cannot silently overwrite a later one.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    go_live_at = models.DateTimeField("goes live at", null=True, blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "pending change"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_pending_change_per_record"),
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(go_live_at__isnull=False),
                name="scheduled_change_has_a_time",
            ),
        ]
        permissions = [("publish", "Can publish changes: approve, reject, schedule and unpublish")]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.content_type.name} #{self.object_id}"

    @property
    def is_first_publication(self) -> bool:
        return self.snapshot is None


class WorkflowEvent(models.Model):
    """One step in the life of a record's changes: who drafted, submitted, approved, rejected, scheduled or
    published it, and when. Kept when the change is published, discarded or the record deleted."""

    class Action(models.TextChoices):
        DRAFTED = "drafted", "Saved a draft"
        SUBMITTED = "submitted", "Submitted for review"
        REJECTED = "rejected", "Asked for changes"
        SCHEDULED = "scheduled", "Approved and scheduled"
        UNSCHEDULED = "unscheduled", "Cancelled the schedule"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        DISCARDED = "discarded", "Discarded the draft"
        REVERTED = "reverted", "Started a draft from an earlier version"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "workflow event"
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="workflow_event_record")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.user or 'the scheduler'}"
