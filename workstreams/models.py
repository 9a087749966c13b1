from django.db import models
from django.db.models import Prefetch

from faculty.models import PersonLinkQuerySet
from pagecache.kept import KeptData
from publishing.history import HistoricalRecords
from publishing.images import BANNER, WithImage, add_renditions
from publishing.models import Publishable, PublishableQuerySet, published_q
from publishing.paths import path_to
from publishing.richtext import RichTextField
from publishing.text import CleanTextModel


class WorkStreamQuerySet(PublishableQuerySet):
    def with_details(self):
        """What a work stream's API record shows of its own: goals, focus areas, published key contacts and
        members. Its page reads the first three once per change of them (workstreams.linked)."""
        return self.prefetch_related(
            "goals",
            "focus_areas",
            Prefetch("key_contact_roles", queryset=KeyContact.objects.shown()),
            Prefetch("memberships", queryset=WorkStreamMember.objects.shown()),
        )


class WorkStreamLinkQuerySet(PersonLinkQuerySet):
    """Members and key contacts, read from either end."""

    def of_published_work_stream(self):
        return self.filter(published_q("work_stream__"))

    def shown(self):
        """As a work stream's pages name them: people the public may see, with their affiliation."""
        return self.with_published_person().select_related("person", "person__affiliation")


class WorkStream(WithImage, Publishable):
    """An area of the centre's work, e.g. Leadership and management."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the page's web address.")
    summary = models.CharField(
        max_length=160,
        help_text="At most 160 characters. Shown on cards and as the page description.",
    )
    body = RichTextField(blank=True, help_text="The introduction: why this work matters and what the centre does.")
    focus_areas = models.ManyToManyField(
        "topics.Topic",
        blank=True,
        related_name="work_streams",
        help_text="Topics this work stream focuses on.",
    )
    members = models.ManyToManyField(
        "faculty.Person",
        through="WorkStreamMember",
        blank=True,
        related_name="work_streams",
        help_text="People involved in this work stream.",
    )
    key_contacts = models.ManyToManyField(
        "faculty.Person", through="KeyContact", blank=True, related_name="key_contact_for"
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    objects = WorkStreamQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[focus_areas])

    class Meta:
        ordering = ["order", "title"]
        verbose_name = "work stream"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_to("workstreams:detail", slug=self.slug)


add_renditions(WorkStream, "image", BANNER)


class Goal(CleanTextModel):
    work_stream = models.ForeignKey(WorkStream, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200, help_text="e.g. Informed policy.")
    description = models.TextField(blank=True, help_text="Optional. One or two sentences on what the goal means.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "goal"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.work_stream.get_absolute_url()


class WorkStreamMember(CleanTextModel):
    work_stream = models.ForeignKey(WorkStream, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("faculty.Person", on_delete=models.PROTECT, related_name="work_stream_memberships")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    objects = WorkStreamLinkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "member"
        constraints = [models.UniqueConstraint(fields=["work_stream", "person"], name="unique_work_stream_member")]

    def __str__(self) -> str:
        return f"{self.person} in {self.work_stream}"


class KeyContact(CleanTextModel):
    work_stream = models.ForeignKey(WorkStream, on_delete=models.CASCADE, related_name="key_contact_roles")
    person = models.ForeignKey("faculty.Person", on_delete=models.PROTECT, related_name="key_contact_roles")
    role_label = models.CharField(
        "role",
        max_length=120,
        blank=True,
        help_text="Optional, e.g. Commissioned programmes or Research.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    objects = WorkStreamLinkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "key contact"
        constraints = [models.UniqueConstraint(fields=["work_stream", "person"], name="unique_key_contact")]

    def __str__(self) -> str:
        return f"{self.person}, key contact for {self.work_stream}"


class KeptLinks(KeptData):
    """What a work stream's page shows of the records linked to it, kept to be read with it (workstreams.linked)."""

    work_stream = models.OneToOneField(
        WorkStream, primary_key=True, on_delete=models.CASCADE, related_name="kept_links"
    )

    class Meta(KeptData.Meta):
        ordering = ["work_stream"]
        verbose_name = "work stream's kept links"
        verbose_name_plural = "work streams' kept links"

    def __str__(self) -> str:
        return f"Links kept for work stream {self.work_stream_id}"
