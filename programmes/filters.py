"""The programme catalogue's filters, and the number of programmes behind each option.

`ProgrammeFilter` is the single definition of what a catalogue URL means: the page, the option
counts and search all run through it, on `publishing.filters.FacetedFilterSet`.
"""

import functools
import operator
from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, Q, QuerySet, StringAgg, Value
from django.db.models.functions import Cast

from organisations.models import Organisation
from publishing.filters import FacetedFilterSet, FacetFilter, SortFilter, WordsFilter
from topics.models import Topic
from workstreams.models import WorkStream

from .availability import Availability
from .models import Audience, Programme, ProgrammePartner


@dataclass(frozen=True)
class DurationBand:
    slug: str
    label: str
    min_days: int | None
    max_days: int | None

    def contains(self, days: int | None) -> bool:
        return (
            days is not None
            and (self.min_days is None or days >= self.min_days)
            and (self.max_days is None or days <= self.max_days)
        )

    def condition(self) -> Q:
        q = Q(duration_days__isnull=False)
        if self.min_days is not None:
            q &= Q(duration_days__gte=self.min_days)
        if self.max_days is not None:
            q &= Q(duration_days__lte=self.max_days)
        return q


# Bands read from `with_duration_days()`: 12 months (360 days) and 1 year (365) fall together.
DURATION_BANDS = (
    DurationBand("up-to-a-week", "Up to a week", None, 7),
    DurationBand("weeks", "1 week to 3 months", 8, 92),
    DurationBand("months", "3 months to a year", 93, 366),
    DurationBand("over-a-year", "More than a year", 367, None),
)


class SORT:
    TITLE = "title"
    START = "start"
    DEADLINE = "deadline"
    CHOICES = [(TITLE, "Title (A to Z)"), (START, "Next start date"), (DEADLINE, "Application deadline")]


class ProgrammeFilter(FacetedFilterSet):
    """Filters for `/programmes/` over published programmes.

    `queryset` is the listing, `Programme.objects.published().for_cards().with_duration_days()`:
    the availability and duration filters and the option counts read its annotations.
    """

    # Words, through the search index: a search narrowed by the facets.
    q = WordsFilter(label="Words")
    kind = FacetFilter(label="Type", choices=Programme.Kind.choices)
    audience = FacetFilter(label="Who it is for", method="filter_audience")
    level = FacetFilter(label="Level", choices=Programme.Level.choices)
    study_mode = FacetFilter(label="Study mode", choices=Programme.StudyMode.choices)
    duration = FacetFilter(
        label="Duration", choices=[(band.slug, band.label) for band in DURATION_BANDS], method="filter_duration"
    )
    availability = FacetFilter(label="Availability", choices=Availability.choices)
    partner = FacetFilter(label="Delivery partner", method="filter_partner")
    commissioner = FacetFilter(label="Commissioned by", method="filter_commissioner")
    work_stream = FacetFilter(label="Work stream", method="filter_work_stream")
    topic = FacetFilter(label="Topic", method="filter_topic")
    sort = SortFilter(label="Sort by", choices=SORT.CHOICES, empty_label=None, method="sort_by")

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
    # Facets whose options are records (slug, name) rather than fixed choices.
    RECORD_FACETS = ("audience", "partner", "commissioner", "work_stream", "topic")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None and "sort" not in data:
            data = data.copy()
            data["sort"] = SORT.TITLE
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.options_by_facet = self._load_record_options()
        for name in self.RECORD_FACETS:
            self.filters[name].extra["choices"] = [(slug, label) for slug, label in self.options_by_facet[name]]

    # --- filtering -------------------------------------------------------------------------

    def filter_audience(self, queryset, name, value):
        return queryset.for_audiences(value)

    def filter_partner(self, queryset, name, value):
        return queryset.with_partners(value, role=ProgrammePartner.Role.DELIVERY_PARTNER)

    def filter_commissioner(self, queryset, name, value):
        return queryset.with_partners(value, role=ProgrammePartner.Role.COMMISSIONER)

    def filter_work_stream(self, queryset, name, value):
        return queryset.in_work_streams(value)

    def filter_topic(self, queryset, name, value):
        return queryset.with_topics(value)

    def filter_duration(self, queryset, name, value):
        condition = Q()
        for band in DURATION_BANDS:
            if band.slug in value:
                condition |= band.condition()
        return queryset.filter(condition)

    def sort_by(self, queryset, name, value):
        if value == SORT.START:
            return queryset.order_by(F("next_start_date").asc(nulls_last=True), "title", "pk")
        if value == SORT.DEADLINE:
            return queryset.order_by(F("next_deadline").asc(nulls_last=True), "title", "pk")
        return queryset.order_by("title", "pk")

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            qs = super().qs
            # An empty or invalid sort still needs a stable order for pagination.
            if not self.form.cleaned_data.get("sort"):
                qs = self.sort_by(qs, "sort", SORT.TITLE)
            self._qs = qs
        return self._qs

    # --- options and counts ----------------------------------------------------------------
    #
    # One query, whatever the URL: for every option, the ids of the listed programmes it applies
    # to (one GROUP BY per facet, each id list aggregated into a string, in one UNION ALL of a
    # row per option), and the names of the record options. Each option becomes a bitmask of
    # programme ids, so the count of an option is the size of its mask AND every other facet's
    # selection: disjunctive counts without a query per facet, and without Python visiting each
    # programme. A filter that is not a facet (a search) adds one query for the ids it keeps.

    # For each record facet: the path from a programme to its records, and which label rows
    # name them.
    RECORD_PATHS = {
        "audience": ("audiences", "audience"),
        "partner": ("partnerships__organisation", "organisation"),
        "commissioner": ("partnerships__organisation", "organisation"),
        "work_stream": ("work_streams", "work_stream"),
        "topic": ("topics", "topic"),
    }
    _COLUMNS = ("facet", "number", "value", "label", "position", "ids")

    @staticmethod
    def _linked(programmes: QuerySet, facet: str) -> QuerySet:
        """`programmes` joined to the records of a record facet that may be offered, a row per link."""
        role = ProgrammePartner.Role
        if facet == "partner":
            return programmes.filter(partnerships__role=role.DELIVERY_PARTNER)
        if facet == "commissioner":
            return programmes.filter(partnerships__role=role.COMMISSIONER)
        if facet == "work_stream":
            return programmes.filter(work_streams__in=WorkStream.objects.published())
        return programmes.filter(**{f"{ProgrammeFilter.RECORD_PATHS[facet][0]}__isnull": False})

    def _option_branches(self) -> list[QuerySet]:
        """Per facet, the listed programmes' ids for each value: (facet, record id or days, value, "", 0, ids)."""
        zero = Value(0, output_field=IntegerField())
        blank = Value("")
        listed = self.queryset.order_by()

        def grouped(queryset, facet, *, value=blank, number=zero):
            return (
                queryset.values(number=number, value=value)
                .annotate(
                    facet=Value(facet), label=blank, position=zero, ids=StringAgg(Cast("pk", CharField()), Value(","))
                )
                .values_list(*self._COLUMNS)
            )

        branches = [grouped(listed, facet, value=F(facet)) for facet in ("availability", "kind", "level", "study_mode")]
        # Durations are grouped by days and banded in Python: a CASE over the bands would repeat
        # the duration expression eight times in the SQL.
        branches.append(grouped(listed, "duration", number=F("duration_days")))
        branches += [
            grouped(self._linked(listed, facet), facet, number=F(f"{path}__id"))
            for facet, (path, _labels) in self.RECORD_PATHS.items()
        ]
        return branches

    @staticmethod
    def _label_branches() -> list[QuerySet]:
        """Slug, label and position of each record a programme links to.

        Rows are ("<model>:labels", id, slug, label, position, ""): read from the small record
        tables, as grouping thousands of links by text columns doubled the database's work.
        """
        zero = Value(0, output_field=IntegerField())
        through = {name: getattr(Programme, name).through.objects for name in ("audiences", "work_streams", "topics")}
        records = [
            ("audience", Audience.objects.filter(pk__in=through["audiences"].values("audience_id")), "name", "order"),
            (
                "organisation",
                Organisation.objects.filter(pk__in=ProgrammePartner.objects.values("organisation_id")),
                "name",
                None,
            ),
            (
                "work_stream",
                WorkStream.objects.filter(pk__in=through["work_streams"].values("workstream_id")),
                "title",
                "order",
            ),
            ("topic", Topic.objects.filter(pk__in=through["topics"].values("topic_id")), "name", None),
        ]
        return [
            queryset.order_by()
            .annotate(
                facet=Value(f"{model}:labels"),
                number=F("pk"),
                value=F("slug"),
                label=F(label),
                position=F(position) if position else zero,
                ids=Value(""),
            )
            .values_list(*ProgrammeFilter._COLUMNS)
            for model, queryset, label, position in records
        ]

    def _load_record_options(self) -> dict[str, list[tuple[str, str]]]:
        """The options of the record facets (every record that a listed programme uses), and the
        programmes behind every option of every facet."""
        branches = self._option_branches() + self._label_branches()
        rows = list(branches[0].union(*branches[1:], all=True).order_by())
        labels: dict[str, dict[int, tuple]] = {model: {} for _path, model in self.RECORD_PATHS.values()}
        for facet, pk, slug, label, position, _ids in rows:
            if facet.endswith(":labels"):
                labels[facet.removesuffix(":labels")][pk] = (position, label.casefold(), slug, label)
        # The programme ids of each option, as the comma-separated lists the query returned.
        self._ids: dict[str, dict[str, list[str]]] = {facet: {} for facet in self.FACETS}
        options: dict[str, list[tuple]] = {facet: [] for facet in self.RECORD_FACETS}
        for facet, number, value, _label, _position, ids in rows:
            if facet not in self._ids:
                continue
            if facet == "duration":
                value = next((band.slug for band in DURATION_BANDS if band.contains(number)), "")
            elif facet in options:
                key = labels[self.RECORD_PATHS[facet][1]][number]
                value = key[2]
                options[facet].append(key)
            self._ids[facet].setdefault(value, []).append(ids)
        return {facet: [(slug, label) for *_key, slug, label in sorted(keys)] for facet, keys in options.items()}

    def _narrowing(self) -> dict:
        """The filters in the URL that are not facets (a search, say) and select something."""
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in self.FACETS and name != "sort" and value not in (None, "", [], ())
        }

    def count_facets(self) -> dict[str, dict[str, int]]:
        """For each facet and option: how many programmes match the other facets plus that option.

        Exactly what following the option's link would show.
        """
        narrowing = self._narrowing()
        chosen = {facet: self.selected(facet) for facet in self.FACETS if self.selected(facet)}
        if not narrowing and not chosen:
            # Nothing to intersect: an option's count is the length of its list of ids.
            counts = {
                facet: {value: sum(ids.count(",") + 1 for ids in lists) for value, lists in by_value.items()}
                for facet, by_value in self._ids.items()
            }
            self._total = sum(counts["availability"].values())
            return counts
        # Bit i of a mask stands for the i-th listed programme (every programme has exactly one
        # availability, so those lists hold each listed programme once).
        listed = [pk for lists in self._ids["availability"].values() for ids in lists for pk in ids.split(",")]
        position = {pk: index for index, pk in enumerate(listed)}

        def mask(pks) -> int:
            digits = bytearray(b"0") * len(listed)
            for pk in pks:
                if pk in position:  # a programme published since the options were read
                    digits[position[pk]] = ord("1")
            return int(digits, 2) if digits else 0

        masks = {
            facet: {value: mask(pk for ids in lists for pk in ids.split(",")) for value, lists in by_value.items()}
            for facet, by_value in self._ids.items()
        }
        universe = (1 << len(listed)) - 1
        if narrowing:
            queryset = self.queryset.order_by()
            for name, value in narrowing.items():
                queryset = self.filters[name].filter(queryset, value)
            universe &= mask(str(pk) for pk in queryset.values_list("pk", flat=True))
        passes = {
            facet: functools.reduce(operator.or_, (masks[facet].get(value, 0) for value in values))
            for facet, values in chosen.items()
        }
        counts = {}
        for facet in self.FACETS:
            others = functools.reduce(operator.and_, (m for f, m in passes.items() if f != facet), universe)
            counts[facet] = {value: (m & others).bit_count() for value, m in masks[facet].items()}
        self._total = functools.reduce(operator.and_, passes.values(), universe).bit_count()
        return counts

    def total(self) -> int:
        """How many programmes the filters select, from the same lists of ids (no COUNT query)."""
        self.facet_counts()  # sets _total
        return self._total
