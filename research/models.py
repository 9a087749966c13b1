import datetime

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from faculty.models import PersonLinkQuerySet
from pagecache.fragments import render_each
from publishing.history import HistoricalRecords
from publishing.images import BANNER, WithImage, add_renditions
from publishing.models import Publishable, PublishableQuerySet, published_q
from publishing.paths import path_to
from publishing.richtext import RichTextField
from publishing.text import CleanTextModel
from workstreams.models import WorkStream


class ProjectStatus(models.TextChoices):
    CURRENT = "current", "Current"
    COMPLETED = "completed", "Completed"


class ResearchProjectQuerySet(PublishableQuerySet):
    def with_status(self, on: datetime.date | None = None):
        """Completed once the end date has passed; current otherwise."""
        on = on or timezone.localdate()
        return self.annotate(
            project_status=Case(
                When(end_date__lt=on, then=Value(ProjectStatus.COMPLETED.value)),
                default=Value(ProjectStatus.CURRENT.value),
                output_field=models.CharField(),
            )
        )

    def for_cards(self):
        """Everything a project card shows (status, dates, funders), in a fixed number of queries."""
        return self.with_status().prefetch_related(
            models.Prefetch("organisation_roles", queryset=ProjectOrganisation.objects.select_related("organisation"))
        )

    def cards(self, ids, *, heading_level: int = 3):
        """The card of each published project of `ids` among these, by id in that order, each rendered once and
        kept until a table it shows is written (pagecache.fragments); the publication rule is applied only
        when a card is missing, as for programmes' cards."""
        return render_each(
            "research/partials.html#project-card",
            ids,
            lambda: self.published().for_cards(),
            as_name="project",
            heading_level=heading_level,
        )

    def list_items(self, ids):
        """Like `cards()`, the link-list item of each published project (with no role)."""
        return render_each(
            "research/partials.html#project-item", ids, lambda: self.published().for_cards(), as_name="project"
        )

    def with_details(self):
        """What a project's page and its API record both show; each adds the programmes it informs its own way."""
        return self.for_cards().prefetch_related(
            models.Prefetch(
                "investigator_roles",
                queryset=Investigator.objects.with_published_person().select_related("person", "person__affiliation"),
            ),
            "outputs",
            models.Prefetch("work_streams", queryset=WorkStream.objects.published()),
            "topics",
        )

    # What the research list's filters and the API's mean by each filter: projects linked to any of the
    # records named by `slugs`.

    def with_organisations(self, slugs, *, role: str):
        """Projects that any of these organisations takes part in as `role` (a `ProjectOrganisation.Role`)."""
        links = ProjectOrganisation.objects.filter(role=role, organisation__slug__in=slugs)
        return self.filter(pk__in=links.values("project_id"))

    def in_work_streams(self, slugs):
        links = ResearchProject.work_streams.through.objects.filter(workstream__slug__in=slugs)
        return self.filter(pk__in=links.values("researchproject_id"))

    def with_topics(self, slugs):
        links = ResearchProject.topics.through.objects.filter(topic__slug__in=slugs)
        return self.filter(pk__in=links.values("researchproject_id"))


class ResearchProject(WithImage, Publishable):
    title = models.CharField(max_length=250)
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the page's web address.")
    summary = models.CharField(
        max_length=160,
        help_text="At most 160 characters. Shown on cards and as the page description.",
    )
    description = RichTextField(blank=True, help_text="Optional. Aims, methods and findings.")
    start_date = models.DateField(null=True, blank=True, help_text="Optional.")
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text="Optional. After this date the project is shown as completed.",
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        through="ProjectOrganisation",
        blank=True,
        related_name="research_projects",
    )
    investigators = models.ManyToManyField(
        "faculty.Person", through="Investigator", blank=True, related_name="research_projects"
    )
    work_streams = models.ManyToManyField("workstreams.WorkStream", blank=True, related_name="research_projects")
    topics = models.ManyToManyField("topics.Topic", blank=True, related_name="research_projects")
    informs_programmes = models.ManyToManyField(
        "programmes.Programme",
        blank=True,
        related_name="related_research",
        verbose_name="programmes it informs",
    )

    objects = ResearchProjectQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[work_streams, topics, informs_programmes])

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = "research project"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="research_project_ends_after_start",
                violation_error_message="A project cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return path_to("research:detail", slug=self.slug)

    @property
    def status_label(self) -> str:
        on = timezone.localdate()
        completed = self.end_date is not None and self.end_date < on
        return (ProjectStatus.COMPLETED if completed else ProjectStatus.CURRENT).label

    def organisations_with_role(self, role: str):
        return [link.organisation for link in self.organisation_roles.all() if link.role == role]

    @property
    def funders(self):
        return self.organisations_with_role(ProjectOrganisation.Role.FUNDER)

    @property
    def partners(self):
        return self.organisations_with_role(ProjectOrganisation.Role.PARTNER)


add_renditions(ResearchProject, "image", BANNER)


class ProjectLinkQuerySet(models.QuerySet):
    """Funders, partners, commissioners and investigators, read from either end."""

    def of_published_project(self):
        return self.filter(published_q("project__"))


class InvestigatorQuerySet(ProjectLinkQuerySet, PersonLinkQuerySet):
    pass


class ProjectOrganisation(CleanTextModel):
    class Role(models.TextChoices):
        FUNDER = "funder", "Funder"
        PARTNER = "partner", "Partner"
        COMMISSIONER = "commissioner", "Commissioner"

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="organisation_roles")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="project_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    objects = ProjectLinkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "funder, partner or commissioner"
        verbose_name_plural = "funders, partners and commissioners"
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation", "role"], name="unique_project_organisation_role")
        ]

    def __str__(self) -> str:
        # Names the project too: this is what the admin lists when a deletion is refused.
        return f"{self.organisation}, {self.get_role_display().lower()} of {self.project}"


class Investigator(CleanTextModel):
    class Role(models.TextChoices):
        PRINCIPAL = "principal", "Principal investigator"
        CO_INVESTIGATOR = "co_investigator", "Co-investigator"
        RESEARCHER = "researcher", "Researcher"
        ADVISER = "adviser", "Adviser"

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="investigator_roles")
    person = models.ForeignKey("faculty.Person", on_delete=models.PROTECT, related_name="investigator_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CO_INVESTIGATOR)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    objects = InvestigatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "investigator"
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="unique_investigator")]

    def __str__(self) -> str:
        return f"{self.person}, {self.get_role_display().lower()} on {self.project}"


class ResearchOutput(CleanTextModel):
    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        ARTICLE = "article", "Journal article"
        CHAPTER = "chapter", "Book or chapter"
        BRIEFING = "briefing", "Policy briefing"
        PRESENTATION = "presentation", "Presentation"
        DATASET = "dataset", "Dataset"
        OTHER = "other", "Other"

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="outputs")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPORT)
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Optional. The year it was published.")
    url = models.URLField("link", blank=True, help_text="Optional. Where readers can find it.")
    doi = models.CharField("DOI", max_length=200, blank=True, help_text="Optional, e.g. 10.1136/bmjlead-2020-000123.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "-year", "pk"]
        verbose_name = "output"
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="research_output_year_plausible",
                violation_error_message="Enter a year such as 2024.",
            ),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__startswith="10."),
                name="research_output_doi_format",
                violation_error_message="A DOI starts with 10., e.g. 10.1136/bmjlead-2020-000123.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    @property
    def link(self) -> str:
        return self.url or (f"https://doi.org/{self.doi}" if self.doi else "")
