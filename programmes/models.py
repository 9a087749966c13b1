import datetime

from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse

from faculty.models import PersonLinkQuerySet
from publishing.history import HistoricalRecords
from publishing.models import Publishable, PublishableQuerySet
from workstreams.models import WorkStream

from .availability import RANKS, Availability, intake_rank, intake_state, today

# Stored columns recomputed from the intakes and the date, never edited or versioned.
DERIVED_AVAILABILITY = ["availability", "availability_rank", "next_start_date", "next_deadline", "availability_on"]


class Audience(models.Model):
    """Who a programme is for, e.g. Doctors, Senior leaders, Medical students."""

    name = models.CharField(max_length=100, unique=True, help_text="Plural, as learners would say it, e.g. Doctors.")
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in web addresses and filters.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first in filters.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "audience"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('programmes:list')}?audience={self.slug}"


def programme_availability(on: datetime.date) -> dict:
    """Database expressions for a programme's availability on a date, read from its intakes.

    Only the writes in `refresh_availability` use these: pages read the stored columns.
    """
    intakes = Intake.objects.filter(programme=OuterRef("pk"))
    # A full or cancelled intake cannot be joined, so its dates are not the "next" ones.
    upcoming = intakes.exclude(status__in=[Intake.Status.CANCELLED, Intake.Status.FULL])
    # The best intake decides: its rank orders programmes, its state is what learners read.
    ranked = intakes.annotate(rank=intake_rank(on)).order_by("rank", "pk")
    return {
        "availability_rank": Coalesce(Subquery(ranked.values("rank")[:1]), Value(RANKS[Availability.DATES_TBC])),
        "availability": Coalesce(
            Subquery(ranked.annotate(state=intake_state(on)).values("state")[:1]),
            Value(Availability.DATES_TBC.value),
        ),
        "next_start_date": Subquery(
            upcoming.filter(start_date__gte=on).order_by("start_date").values("start_date")[:1]
        ),
        "next_deadline": Subquery(
            upcoming.filter(application_deadline__gte=on)
            .order_by("application_deadline")
            .values("application_deadline")[:1]
        ),
    }


# The date this process last brought every stored availability up to, so the check costs nothing
# after the first request of the day.
_availability_current_on: datetime.date | None = None


def ensure_availability_current() -> None:
    """Recompute the stored availability computed for an earlier day, once a day per process.

    Availability depends on the date as well as on the intakes: an intake's save refreshes its own
    programme at once, and the first read of a new day (in Europe/London) refreshes the rest.
    Concurrent processes may both run it; the updates are idempotent.
    """
    global _availability_current_on
    on = today()
    if _availability_current_on != on:
        # Every write invalidates the page cache (hsmc_site.caching), so only the first process of the
        # day writes; the others see that nothing is stale and read on.
        for stale in (Intake.objects.exclude(availability_on=on), Programme.objects.exclude(availability_on=on)):
            if stale.exists():
                stale.refresh_availability(on)
        _availability_current_on = on


class ProgrammeQuerySet(PublishableQuerySet):
    def with_availability(self):
        """These programmes, with their stored availability made current for today first.

        Availability, its rank, the next start date and the next application deadline are stored
        columns (see `Programme.availability`), so listing, filtering and sorting by them is a plain
        indexed read instead of four correlated subqueries per programme.
        """
        ensure_availability_current()
        return self

    def refresh_availability(self, on: datetime.date | None = None) -> int:
        """Recompute these programmes' stored availability from their intakes, as on a date."""
        on = on or today()
        return models.QuerySet.update(self, availability_on=on, **programme_availability(on))

    def with_duration_days(self):
        """Approximate length in days, so durations in different units compare and band."""
        unit = Programme.DurationUnit
        return self.annotate(
            duration_days=Case(
                When(duration_unit=unit.HOURS, then=Value(1)),
                When(duration_unit=unit.DAYS, then=F("duration_value")),
                When(duration_unit=unit.WEEKS, then=F("duration_value") * 7),
                When(duration_unit=unit.MONTHS, then=F("duration_value") * 30),
                When(duration_unit=unit.YEARS, then=F("duration_value") * 365),
                default=Value(None),
                output_field=models.IntegerField(),
            )
        )

    def for_cards(self):
        """Everything a programme card shows, in a fixed number of queries."""
        return self.with_availability().prefetch_related(
            models.Prefetch(
                "partnerships",
                queryset=ProgrammePartner.objects.select_related("organisation"),
            ),
        )

    def with_details(self):
        """Everything a programme's page and its API record show, in a fixed number of queries."""
        return self.for_cards().prefetch_related(
            models.Prefetch("intakes", queryset=Intake.objects.with_availability()),
            models.Prefetch(
                "lead_roles",
                queryset=ProgrammeLead.objects.with_published_person().select_related("person", "person__affiliation"),
            ),
            "audiences",
            "topics",
            models.Prefetch("work_streams", queryset=WorkStream.objects.published()),
        )

    # What the catalogue's filters and the API's mean by each filter: programmes linked to any of the
    # records named by `slugs`.

    def for_audiences(self, slugs):
        links = Programme.audiences.through.objects.filter(audience__slug__in=slugs)
        return self.filter(pk__in=links.values("programme_id"))

    def with_partners(self, slugs, *, role: str):
        """Programmes that any of these organisations works on in `role` (a `ProgrammePartner.Role`)."""
        links = ProgrammePartner.objects.filter(role=role, organisation__slug__in=slugs)
        return self.filter(pk__in=links.values("programme_id"))

    def in_work_streams(self, slugs):
        links = Programme.work_streams.through.objects.filter(workstream__slug__in=slugs)
        return self.filter(pk__in=links.values("programme_id"))

    def with_topics(self, slugs):
        links = Programme.topics.through.objects.filter(topic__slug__in=slugs)
        return self.filter(pk__in=links.values("programme_id"))


class Programme(Publishable):
    class Kind(models.TextChoices):
        TAUGHT_MASTERS = "taught_masters", "Taught Masters programme"
        NATIONAL_PARTNERSHIP = "national_partnership", "National partnership programme"
        COMMISSIONED = "commissioned", "Commissioned programme"
        OPEN = "open", "Open programme"
        INTERCALATED = "intercalated", "Intercalated degree"
        SHORT_COURSE = "short_course", "Short course"
        EVALUATION = "evaluation", "Commissioned evaluation"

    class Level(models.TextChoices):
        UNDERGRADUATE = "undergraduate", "Undergraduate"
        POSTGRADUATE = "postgraduate", "Postgraduate"
        EXECUTIVE = "executive", "Senior and executive"
        PROFESSIONAL = "professional", "Professional development"

    class StudyMode(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        FLEXIBLE = "flexible", "Flexible"

    class AttendanceMode(models.TextChoices):
        CAMPUS = "campus", "On campus"
        BLENDED = "blended", "Blended"
        ONLINE = "online", "Online"
        WORK_BASED = "work_based", "Work-based"

    class DurationUnit(models.TextChoices):
        HOURS = "hours", "hours"
        DAYS = "days", "days"
        WEEKS = "weeks", "weeks"
        MONTHS = "months", "months"
        YEARS = "years", "years"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in the page's web address.")
    summary = models.CharField(
        max_length=160,
        help_text="At most 160 characters. Shown on cards, in search results and as the page description.",
    )
    overview = models.TextField(blank=True, help_text="What the programme is and why it matters.")
    who_for = models.TextField("who it is for", blank=True, help_text="The people this programme is designed for.")
    outcomes = models.TextField(
        "outcomes and impact",
        blank=True,
        help_text="What participants gain and the difference it makes.",
    )
    structure = models.TextField(blank=True, help_text="How the programme is organised: modules, sessions, projects.")
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    qualification = models.CharField(
        max_length=120,
        blank=True,
        help_text="Optional, e.g. MSc Health Services Management. Leave empty if none.",
    )
    level = models.CharField(max_length=20, choices=Level.choices, blank=True, db_index=True)
    study_mode = models.CharField(max_length=20, choices=StudyMode.choices, blank=True, db_index=True)
    attendance_mode = models.CharField(max_length=20, choices=AttendanceMode.choices, blank=True)
    duration_value = models.PositiveSmallIntegerField(
        "duration",
        null=True,
        blank=True,
        help_text="Optional. A number, e.g. 12, read with the unit.",
    )
    duration_unit = models.CharField(max_length=10, choices=DurationUnit.choices, blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="Optional, e.g. Birmingham or Online.")
    cohort_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="Optional. Typical number of participants in a cohort."
    )
    fees_and_funding = models.TextField(
        blank=True, help_text="Optional. Costs, and who pays (e.g. funded by the commissioner)."
    )
    running_since = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Optional. The year the programme first ran, e.g. 2014."
    )
    apply_url = models.URLField("apply link", blank=True, help_text="Optional. Where learners apply.")
    # Derived from the intakes for the date in `availability_on` (`ProgrammeQuerySet.refresh_availability`):
    # stored, not annotated, so that every page lists, filters and sorts on plain indexed columns.
    availability = models.CharField(
        max_length=20, choices=Availability.choices, default=Availability.DATES_TBC, editable=False, db_index=True
    )
    availability_rank = models.PositiveSmallIntegerField(default=RANKS[Availability.DATES_TBC], editable=False)
    next_start_date = models.DateField(null=True, editable=False)
    next_deadline = models.DateField(null=True, editable=False)
    # A new programme has no intakes, so the defaults above are its availability today.
    availability_on = models.DateField(null=True, default=today, editable=False)
    audiences = models.ManyToManyField(Audience, blank=True, related_name="programmes")
    partners = models.ManyToManyField(
        "organisations.Organisation",
        through="ProgrammePartner",
        blank=True,
        related_name="programmes",
    )
    leads = models.ManyToManyField("faculty.Person", through="ProgrammeLead", blank=True, related_name="programmes_led")
    work_streams = models.ManyToManyField("workstreams.WorkStream", blank=True, related_name="programmes")
    topics = models.ManyToManyField("topics.Topic", blank=True, related_name="programmes")
    related_programmes = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        help_text="Similar programmes a learner may also consider.",
    )
    progression_to = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="progression_from",
        verbose_name="follow-on programmes",
        help_text="Programmes a learner can move on to after this one.",
    )

    objects = ProgrammeQuerySet.as_manager()
    # Availability is derived data: reverting a version must not bring back an old day's state.
    history = HistoricalRecords(m2m_fields=[audiences, work_streams, topics], excluded_fields=DERIVED_AVAILABILITY)

    class Meta:
        ordering = ["title"]
        verbose_name = "programme"
        constraints = [
            models.CheckConstraint(
                condition=Q(running_since__isnull=True) | Q(running_since__gte=1900, running_since__lte=2100),
                name="programme_running_since_plausible",
                violation_error_message="Running since must be a year such as 2014.",
            ),
            models.CheckConstraint(
                condition=Q(duration_value__isnull=True) | ~Q(duration_unit=""),
                name="programme_duration_has_unit",
                violation_error_message="Choose a unit for the duration.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A save writes every column, the derived ones too, from this instance, which may be older than
        # its intakes' last change: recompute them.
        refresh_availability_of(programme_ids={self.pk})
        self.availability, self.availability_rank, self.next_start_date, self.next_deadline, self.availability_on = (
            Programme.objects.filter(pk=self.pk).values_list(*DERIVED_AVAILABILITY)[0]
        )

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    @property
    def duration_display(self) -> str:
        if not self.duration_value or not self.duration_unit:
            return ""
        unit = self.duration_unit[:-1] if self.duration_value == 1 else self.duration_unit
        return f"{self.duration_value} {unit}"

    def organisations_with_role(self, role: str):
        # Read from the prefetched partnerships when present, so cards cost no extra queries.
        return [p.organisation for p in self.partnerships.all() if p.role == role]

    @property
    def delivery_partners(self):
        return self.organisations_with_role(ProgrammePartner.Role.DELIVERY_PARTNER)

    @property
    def commissioners(self):
        return self.organisations_with_role(ProgrammePartner.Role.COMMISSIONER)

    @property
    def availability_label(self) -> str:
        return Availability(self.availability).label


class ProgrammeLinkQuerySet(models.QuerySet):
    """Partnerships and leads, read from either end."""

    def of_published_programme(self):
        return self.filter(programme__in=Programme.objects.published())


class ProgrammeLeadQuerySet(ProgrammeLinkQuerySet, PersonLinkQuerySet):
    pass


class ProgrammePartner(models.Model):
    class Role(models.TextChoices):
        DELIVERY_PARTNER = "partner", "Delivery partner"
        COMMISSIONER = "commissioner", "Commissioner"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="programme_partnerships",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.DELIVERY_PARTNER)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    objects = ProgrammeLinkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "partner or commissioner"
        verbose_name_plural = "partners and commissioners"
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation", "role"], name="unique_programme_partner_role")
        ]

    def __str__(self) -> str:
        # Names the programme too: this is what the admin lists when a deletion is refused.
        return f"{self.organisation}, {self.get_role_display().lower()} of {self.programme}"


class ProgrammeLead(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="lead_roles")
    person = models.ForeignKey("faculty.Person", on_delete=models.PROTECT, related_name="programme_lead_roles")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first.")

    objects = ProgrammeLeadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "programme lead"
        constraints = [models.UniqueConstraint(fields=["programme", "person"], name="unique_programme_lead")]

    def __str__(self) -> str:
        return f"{self.person} leads {self.programme}"


class IntakeQuerySet(models.QuerySet):
    def with_availability(self):
        """These intakes, with their stored availability made current for today first."""
        ensure_availability_current()
        return self

    def refresh_availability(self, on: datetime.date | None = None) -> int:
        """Recompute these intakes' stored availability, as on a date (see `intake_rules`)."""
        on = on or today()
        return models.QuerySet.update(
            self, availability=intake_state(on), availability_rank=intake_rank(on), availability_on=on
        )

    def published(self):
        return self.filter(programme__in=Programme.objects.published())

    # Writes that bypass `Intake.save()` still keep the stored availability true.
    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        refresh_availability_of(programme_ids={intake.programme_id for intake in created})
        return created

    def update(self, **kwargs):
        programme_ids = set(self.values_list("programme_id", flat=True))
        updated = super().update(**kwargs)
        moved_to = kwargs.get("programme", kwargs.get("programme_id"))
        refresh_availability_of(programme_ids=programme_ids | ({moved_to} if moved_to else set()))
        return updated


def refresh_availability_of(*, programme_ids) -> None:
    """Recompute the stored availability of some programmes and of all their intakes, for today."""
    programme_ids = {getattr(pk, "pk", pk) for pk in programme_ids}
    if programme_ids:
        Intake.objects.filter(programme__in=programme_ids).refresh_availability()
        Programme.objects.filter(pk__in=programme_ids).refresh_availability()


class Intake(models.Model):
    """One run of a programme: its dates, application window and places."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        FULL = "full", "Full"
        CANCELLED = "cancelled", "Cancelled"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="intakes")
    label = models.CharField(max_length=100, blank=True, help_text="Optional, e.g. 'Cohort 12' or 'Spring 2027'.")
    start_date = models.DateField(null=True, blank=True, help_text="Leave empty if the dates are not yet known.")
    end_date = models.DateField(null=True, blank=True, help_text="Optional. The last day of this run.")
    applications_open = models.DateField(
        null=True, blank=True, help_text="Optional. The first day applications are accepted."
    )
    application_deadline = models.DateField(
        null=True, blank=True, help_text="Optional. The last day applications are accepted."
    )
    places = models.PositiveIntegerField(null=True, blank=True, help_text="Optional. Places available.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    dates_to_be_confirmed = models.BooleanField(default=False, help_text="Tick if the dates shown are provisional.")
    location = models.CharField(
        max_length=200, blank=True, help_text="Optional. Where it differs from the programme's."
    )
    cost = models.CharField(max_length=200, blank=True, help_text="Optional, e.g. £2,500 or Funded by HEEWM.")
    # Derived from the fields above for the date in `availability_on`, like `Programme.availability`.
    availability = models.CharField(
        max_length=20, choices=Availability.choices, default=Availability.DATES_TBC, editable=False
    )
    availability_rank = models.PositiveSmallIntegerField(default=RANKS[Availability.DATES_TBC], editable=False)
    availability_on = models.DateField(null=True, editable=False)

    objects = IntakeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["availability", "availability_rank", "availability_on"])

    class Meta:
        ordering = [F("start_date").asc(nulls_last=True), "pk"]
        verbose_name = "intake"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="intake_ends_after_start",
                violation_error_message="An intake cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(application_deadline__isnull=True)
                | Q(start_date__isnull=True)
                | Q(application_deadline__lte=F("start_date")),
                name="intake_deadline_before_start",
                violation_error_message="The application deadline cannot fall after the start date.",
            ),
            models.CheckConstraint(
                condition=Q(applications_open__isnull=True)
                | Q(application_deadline__isnull=True)
                | Q(applications_open__lte=F("application_deadline")),
                name="intake_applications_open_before_deadline",
                violation_error_message="Applications must open on or before the deadline.",
            ),
            models.CheckConstraint(
                condition=Q(applications_open__isnull=True)
                | Q(start_date__isnull=True)
                | Q(applications_open__lte=F("start_date")),
                name="intake_applications_open_before_start",
                violation_error_message="Applications must open on or before the start date.",
            ),
        ]

    def __str__(self) -> str:
        when = self.start_date.strftime("%-d %B %Y") if self.start_date else "dates to be confirmed"
        return f"{self.programme}: {self.label or when}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The programme's availability is derived from its intakes: the one it left too, if moved.
        refresh_availability_of(programme_ids={self.programme_id, getattr(self, "_loaded_programme_id", None)} - {None})
        self._loaded_programme_id = self.programme_id
        self.availability, self.availability_rank, self.availability_on = Intake.objects.filter(pk=self.pk).values_list(
            "availability", "availability_rank", "availability_on"
        )[0]

    def get_absolute_url(self) -> str:
        return self.programme.get_absolute_url()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_programme_id = instance.__dict__.get("programme_id")
        return instance

    @property
    def availability_label(self) -> str:
        return Availability(self.availability).label

    def is_past(self, today: datetime.date) -> bool:
        """An intake that has finished, or started with no end date, is history rather than news."""
        if self.availability != Availability.CLOSED or self.start_date is None:
            return False
        return self.start_date < today


@receiver(post_delete, sender=Intake, dispatch_uid="programmes.intake_deleted")
def intake_deleted(sender, instance, **kwargs) -> None:
    # Also runs for deletions by queryset and by cascade, which never call `Intake.delete()`.
    refresh_availability_of(programme_ids={instance.programme_id})
