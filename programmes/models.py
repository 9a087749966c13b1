import datetime

from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from faculty.models import PersonLinkQuerySet
from pagecache.fragments import render_each
from pagecache.kept import KeptData
from publishing.history import HistoricalRecords
from publishing.images import BANNER, WithImage, add_renditions
from publishing.models import Publishable, PublishableQuerySet, published_q
from publishing.paths import path_to
from publishing.richtext import RichTextField
from publishing.text import CleanTextModel
from workstreams.models import WorkStream

from .availability import RANKS, Availability, intake_rank, intake_state, today

# Stored columns recomputed from the intakes and the date, never edited or versioned.
DERIVED_AVAILABILITY = ["availability", "availability_rank", "next_start_date", "next_deadline", "availability_on"]
DERIVED_INTAKE_AVAILABILITY = ["availability", "availability_rank", "availability_on"]


class Audience(CleanTextModel):
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
        return f"{path_to('programmes:list')}?audience={self.slug}"


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


def stale_availability(on: datetime.date) -> tuple["ProgrammeQuerySet", "IntakeQuerySet"]:
    """Programmes and intakes whose availability was computed for an earlier day or never, and the
    programmes of such intakes (written without a refresh: a bulk insert, a fixture)."""
    intakes = Intake.objects.exclude(availability_on=on)
    programmes = Programme.objects.filter(~Q(availability_on=on) | Q(pk__in=intakes.values("programme_id")))
    return programmes, intakes


def refresh_stale_availability(on: datetime.date | None = None) -> tuple[int, int]:
    """Recompute what `stale_availability` finds: the daily job (`manage.py refresh_availability`).

    Availability depends on the date as well as on the intakes, so this runs shortly after midnight
    in Europe/London. It writes nothing when nothing is stale: every write invalidates the cached pages
    that read the table. Returns how many programmes and intakes it recomputed.
    """
    on = on or today()
    programmes, intakes = stale_availability(on)
    # Programmes first: they are computed from the intakes' dates, and picked out by the intakes' staleness.
    refreshed_programmes = programmes.refresh_availability(on) if programmes.exists() else 0
    refreshed_intakes = intakes.refresh_availability(on) if intakes.exists() else 0
    return refreshed_programmes, refreshed_intakes


def save_arguments_keeping_derived(instance: models.Model, derived: list[str], kwargs: dict) -> dict:
    """`save()` arguments that leave the derived availability columns out of an UPDATE.

    Only `refresh_availability` writes them: an instance read before its intakes or the date changed
    must not write back what it read. A new row is inserted whole, with the defaults, for the caller's
    refresh (or the daily job) to correct.
    """
    if instance._state.adding or kwargs.get("force_insert") or kwargs.get("update_fields") is not None:
        return kwargs
    skipped = {*derived, *instance.get_deferred_fields()}
    written = [f.attname for f in instance._meta.concrete_fields if not f.primary_key and f.attname not in skipped]
    return {**kwargs, "update_fields": written}


class ProgrammeQuerySet(PublishableQuerySet):
    def refresh_availability(self, on: datetime.date | None = None) -> int:
        """Recompute these programmes' stored availability from their intakes, as on a date."""
        on = on or today()
        return self.update(availability_on=on, **programme_availability(on))

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
        return self.prefetch_related(
            models.Prefetch("partnerships", queryset=ProgrammePartner.objects.shown()),
        )

    def cards(self, ids, *, heading_level: int = 3):
        """The card of each published programme of `ids` among these, by id in that order, each rendered once
        and kept.

        A kept card serves every page that shows it until a table it shows is written
        (pagecache.fragments); the pages themselves read only which ids to show. The publication rule is
        applied only when a card is missing: building it costs a tenth of a millisecond (issue 19).
        """
        return render_each(
            "programmes/partials.html#programme-card",
            ids,
            lambda: self.published().for_cards(),
            as_name="programme",
            heading_level=heading_level,
        )

    def with_details(self):
        """Everything a programme's API record shows, in a fixed number of queries. Its page reads the same
        lists once per change of them (programmes.linked)."""
        return self.for_cards().prefetch_related(
            "intakes",
            models.Prefetch("lead_roles", queryset=ProgrammeLead.objects.shown()),
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


class Programme(WithImage, Publishable):
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

    class AttendancePattern(models.TextChoices):
        # XCRI-CAP 1.2's recommended values; the codes are what aggregators read.
        DAYTIME = "DT", "Daytime"
        EVENING = "EV", "Evening"
        TWILIGHT = "TW", "Twilight"
        BLOCK_RELEASE = "DR", "Day or block release"
        WEEKEND = "WE", "Weekend"
        CUSTOMISED = "CS", "Customised"

    class FeeCategory(models.TextChoices):
        # The categories search engines show for a course's price (schema.org Offer.category, as Google reads it).
        FREE = "Free", "Free to participants"
        PARTIALLY_FREE = "Partially Free", "Partly funded"
        PAID = "Paid", "Paid"
        SUBSCRIPTION = "Subscription", "Subscription"

    class StudyTimePer(models.TextChoices):
        DAY = "day", "per day"
        WEEK = "week", "per week"
        MONTH = "month", "per month"
        TOTAL = "total", "in all"

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
    overview = RichTextField(blank=True, help_text="What the programme is and why it matters.")
    who_for = RichTextField("who it is for", blank=True, help_text="The people this programme is designed for.")
    outcomes = RichTextField(
        "outcomes and impact",
        blank=True,
        help_text="What participants gain and the difference it makes.",
    )
    structure = RichTextField(blank=True, help_text="How the programme is organised: modules, sessions, projects.")
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    qualification = models.CharField(
        max_length=120,
        blank=True,
        help_text="Optional, e.g. MSc Health Services Management. Leave empty if none.",
    )
    awarded_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional. Who awards the qualification, if not the body in the centre's details (the university).",
    )
    level = models.CharField(max_length=20, choices=Level.choices, blank=True, db_index=True)
    study_mode = models.CharField(max_length=20, choices=StudyMode.choices, blank=True, db_index=True)
    attendance_mode = models.CharField(max_length=20, choices=AttendanceMode.choices, blank=True)
    attendance_pattern = models.CharField(
        max_length=2,
        choices=AttendancePattern.choices,
        blank=True,
        help_text="Optional. When participants attend, e.g. daytime or weekends.",
    )
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
    fee_category = models.CharField(
        "price category",
        max_length=20,
        choices=FeeCategory.choices,
        blank=True,
        help_text="Optional. What a participant pays, in the terms search engines show beside a course.",
    )
    study_hours = models.PositiveSmallIntegerField(
        "study time (hours)",
        null=True,
        blank=True,
        help_text="Optional. Hours of study a participant should expect, read with the period.",
    )
    study_hours_per = models.CharField("study time period", max_length=10, choices=StudyTimePer.choices, blank=True)
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
        # The catalogue's first pages in its default order, read from the index instead of sorting every
        # published programme (11 ms at 10,000 programmes on PostgreSQL without it).
        indexes = [models.Index(fields=["title", "id"], name="programme_title_order")]
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
            models.CheckConstraint(
                condition=Q(study_hours__isnull=True) | ~Q(study_hours_per=""),
                name="programme_study_time_has_period",
                violation_error_message="Choose the period of the study time (per week, say).",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, **kwargs):
        updating = not self._state.adding
        super().save(**save_arguments_keeping_derived(self, DERIVED_AVAILABILITY, kwargs))
        if updating:
            # The update left the derived columns alone, and this instance may predate its intakes' last
            # change: read back what is stored.
            self.refresh_from_db(fields=DERIVED_AVAILABILITY)

    def rows_changed(self) -> None:
        """Its intakes were written (by the admin, or by publishing a change): its availability follows, once."""
        refresh_availability_of(programme_ids={self.pk})

    def get_absolute_url(self) -> str:
        return self.address_of(self.slug)

    @staticmethod
    def address_of(slug: str) -> str:
        """A programme's page, from its slug alone (a list that reads rows, not records)."""
        return path_to("programmes:detail", slug=slug)

    @property
    def duration_display(self) -> str:
        if not self.duration_value or not self.duration_unit:
            return ""
        unit = self.duration_unit[:-1] if self.duration_value == 1 else self.duration_unit
        return f"{self.duration_value} {unit}"

    def organisations_with_role(self, role: str):
        # Read from the prefetched partnerships when present, so cards cost no extra queries.
        return organisations_in(self.partnerships.all(), role)

    @property
    def delivery_partners(self):
        return self.organisations_with_role(ProgrammePartner.Role.DELIVERY_PARTNER)

    @property
    def commissioners(self):
        return self.organisations_with_role(ProgrammePartner.Role.COMMISSIONER)

    @property
    def availability_label(self) -> str:
        return Availability(self.availability).label


add_renditions(Programme, "image", BANNER)


def organisations_in(partnerships, role: str) -> list:
    """The organisations of those `partnerships` that have `role` (a `ProgrammePartner.Role`), in their order."""
    return [partnership.organisation for partnership in partnerships if partnership.role == role]


class ProgrammeLinkQuerySet(models.QuerySet):
    """Partnerships and leads, read from either end."""

    def of_published_programme(self):
        return self.filter(published_q("programme__"))


class ProgrammePartnerQuerySet(ProgrammeLinkQuerySet):
    def shown(self):
        """As a programme's pages name them: with the organisation."""
        return self.select_related("organisation")


class ProgrammeLeadQuerySet(ProgrammeLinkQuerySet, PersonLinkQuerySet):
    def shown(self):
        """As a programme's pages name them: people the public may see, with their affiliation."""
        return self.with_published_person().select_related("person", "person__affiliation")


class ProgrammePartner(CleanTextModel):
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

    objects = ProgrammePartnerQuerySet.as_manager()
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


class ProgrammeLead(CleanTextModel):
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
    def refresh_availability(self, on: datetime.date | None = None) -> int:
        """Recompute these intakes' stored availability, as on a date (see `intake_rules`)."""
        on = on or today()
        from .linked import kept_links

        # Their programmes' pages show it: a write that sends no signal empties their kept links itself.
        kept_links.forget(self.order_by().values_list("programme_id", flat=True).distinct())
        return self.update(availability=intake_state(on), availability_rank=intake_rank(on), availability_on=on)

    def published(self):
        return self.filter(published_q("programme__"))


def refresh_availability_of(*, programme_ids) -> None:
    """Recompute the stored availability of some programmes and of all their intakes, for today.

    Saving an intake does not touch its programme: whatever writes intakes (the admin, an import, a
    revert) calls this once for every programme it changed, the one an intake moved away from too.
    """
    programme_ids = {getattr(pk, "pk", pk) for pk in programme_ids}
    if programme_ids:
        Intake.objects.filter(programme__in=programme_ids).refresh_availability()
        Programme.objects.filter(pk__in=programme_ids).refresh_availability()


class Intake(CleanTextModel):
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
    history = HistoricalRecords(excluded_fields=DERIVED_INTAKE_AVAILABILITY)

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

    def save(self, **kwargs):
        super().save(**save_arguments_keeping_derived(self, DERIVED_INTAKE_AVAILABILITY, kwargs))

    def get_absolute_url(self) -> str:
        return self.programme.get_absolute_url()

    @property
    def availability_label(self) -> str:
        return Availability(self.availability).label

    def is_past(self, today: datetime.date) -> bool:
        """An intake that has finished, or started with no end date, is history rather than news."""
        if self.availability != Availability.CLOSED or self.start_date is None:
            return False
        return self.start_date < today


class KeptLinks(KeptData):
    """What a programme's page shows of the records linked to it, kept to be read with it (programmes.linked)."""

    programme = models.OneToOneField(Programme, primary_key=True, on_delete=models.CASCADE, related_name="kept_links")

    class Meta(KeptData.Meta):
        ordering = ["programme"]
        verbose_name = "programme's kept links"
        verbose_name_plural = "programmes' kept links"

    def __str__(self) -> str:
        return f"Links kept for programme {self.programme_id}"
