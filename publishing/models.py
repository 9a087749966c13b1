"""Publishing rules shared by every public model: draft or published, scheduled, reviewed."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """The single definition of what the public may see."""
        return self.filter(
            Q(publish_from__isnull=True) | Q(publish_from__lte=timezone.now()),
            status=Status.PUBLISHED,
        )

    def due_for_review(self):
        return self.filter(review_by__lte=timezone.localdate())

    def visible_to(self, user):
        """Staff preview drafts exactly as the public would see them; everyone else sees published."""
        if user is not None and user.is_active and user.is_staff:
            return self
        return self.published()


class Publishable(models.Model):
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
