"""The programme catalogue's filters, and the number of programmes behind each option.

`ProgrammeFilter` is the single definition of what a catalogue URL means: the page, the option
counts and search all run through it, on `publishing.filters.FacetedFilterSet`.
"""

from functools import partial

from django.db.models import F, Q

from publishing.filters import Band, Bands, FacetedFilterSet, FacetFilter, Records, SortFilter, WordsFilter

from .availability import Availability
from .models import Programme, ProgrammePartner, ProgrammeQuerySet

# Bands read from `with_duration_days()`: 12 months (360 days) and 1 year (365) fall together.
DURATION_BANDS = (
    Band("up-to-a-week", "Up to a week", None, 7),
    Band("weeks", "1 week to 3 months", 8, 92),
    Band("months", "3 months to a year", 93, 366),
    Band("over-a-year", "More than a year", 367, None),
)


class SORT:
    TITLE = "title"
    START = "start"
    DEADLINE = "deadline"
    CHOICES = [(TITLE, "Title (A to Z)"), (START, "Next start date"), (DEADLINE, "Application deadline")]


class ProgrammeFilter(FacetedFilterSet):
    """Filters for `/programmes/` over published programmes.

    `queryset` is the listing, `Programme.objects.published()` narrowed as a page needs; the duration facet
    adds `with_duration_days()` where it reads the duration (its options, and filtering by a band).
    """

    # Words, through the search index: a search narrowed by the facets.
    q = WordsFilter(label="Words")
    kind = FacetFilter(label="Type", choices=Programme.Kind.choices)
    audience = FacetFilter(
        label="Who it is for",
        options_from=Records("audiences", position="order"),
        predicate=ProgrammeQuerySet.for_audiences,
    )
    level = FacetFilter(label="Level", choices=Programme.Level.choices)
    study_mode = FacetFilter(label="Study mode", choices=Programme.StudyMode.choices)
    duration = FacetFilter(
        label="Duration",
        options_from=Bands("duration_days", DURATION_BANDS, annotated_by=ProgrammeQuerySet.with_duration_days),
    )
    availability = FacetFilter(label="Availability", choices=Availability.choices)
    partner = FacetFilter(
        label="Delivery partner",
        options_from=Records(
            "partnerships__organisation", where=Q(partnerships__role=ProgrammePartner.Role.DELIVERY_PARTNER)
        ),
        predicate=partial(ProgrammeQuerySet.with_partners, role=ProgrammePartner.Role.DELIVERY_PARTNER),
    )
    commissioner = FacetFilter(
        label="Commissioned by",
        options_from=Records(
            "partnerships__organisation", where=Q(partnerships__role=ProgrammePartner.Role.COMMISSIONER)
        ),
        predicate=partial(ProgrammeQuerySet.with_partners, role=ProgrammePartner.Role.COMMISSIONER),
    )
    work_stream = FacetFilter(
        label="Work stream",
        options_from=Records("work_streams", label="title", position="order", published=True),
        predicate=ProgrammeQuerySet.in_work_streams,
    )
    topic = FacetFilter(label="Topic", options_from=Records("topics"), predicate=ProgrammeQuerySet.with_topics)
    sort = SortFilter(label="Sort by", choices=SORT.CHOICES)

    class Meta:
        model = Programme
        fields: list[str] = []

    # Facets in the order the form shows them; each option shows how many programmes it would give.
    FACETS = (
        "availability",
        "kind",
        "audience",
        "level",
        "study_mode",
        "duration",
        "partner",
        "commissioner",
        "work_stream",
        "topic",
    )

    ORDERINGS = {
        SORT.TITLE: ("title", "pk"),
        SORT.START: (F("next_start_date").asc(nulls_last=True), "title", "pk"),
        SORT.DEADLINE: (F("next_deadline").asc(nulls_last=True), "title", "pk"),
    }
    DEFAULT_ORDERING = SORT.TITLE
    # What a page of the catalogue reads of a programme besides its kept card: its structured data's name and address.
    KEPT_FIELDS = ("slug", "title")
