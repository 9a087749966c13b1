"""The programme catalogue's filters, and the number of programmes behind each option.

`ProgrammeFilter` is the single definition of what a catalogue URL means: the page, the option
counts and (later) search all run through it. Filters are forgiving: a value that no longer exists
(an old bookmark, a retired partner) is dropped and reported in `ignored`, never an error page.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django_filters import fields as filter_fields

from search.filters import WordsFilter
from workstreams.models import WorkStream

from .availability import Availability
from .models import Programme, ProgrammePartner

# More values than any real filter has options: a longer list is a hostile or broken URL.
MAX_VALUES_PER_FILTER = 50


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


class LenientMultipleChoiceField(filter_fields.MultipleChoiceField):
    """Keeps the values that are valid choices and drops the rest, remembering them in `ignored`."""

    def clean(self, value):
        values = self.to_python(value)
        self.ignored = []
        kept = []
        for item in values:
            if len(kept) < MAX_VALUES_PER_FILTER and self.valid_value(item):
                if item not in kept:
                    kept.append(item)
            else:
                self.ignored.append(item)
        return kept


class LenientChoiceField(filter_fields.ChoiceField):
    """A single choice that falls back to the default instead of failing."""

    def clean(self, value):
        value = self.to_python(value)
        self.ignored = []
        if value and not self.valid_value(value):
            self.ignored = [value]
            return ""
        return value


class SortFilter(django_filters.ChoiceFilter):
    field_class = LenientChoiceField


class FacetFilter(django_filters.MultipleChoiceFilter):
    """Several values of one facet, OR-ed, from a GET form of checkboxes."""

    field_class = LenientMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


def _through_ids(through_model, **lookups) -> QuerySet:
    return through_model.objects.filter(**lookups).values("programme_id")


class ProgrammeFilter(django_filters.FilterSet):
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
        return queryset.filter(pk__in=_through_ids(Programme.audiences.through, audience__slug__in=value))

    def filter_partner(self, queryset, name, value):
        return queryset.filter(
            pk__in=_through_ids(
                ProgrammePartner, role=ProgrammePartner.Role.DELIVERY_PARTNER, organisation__slug__in=value
            )
        )

    def filter_commissioner(self, queryset, name, value):
        return queryset.filter(
            pk__in=_through_ids(ProgrammePartner, role=ProgrammePartner.Role.COMMISSIONER, organisation__slug__in=value)
        )

    def filter_work_stream(self, queryset, name, value):
        return queryset.filter(pk__in=_through_ids(Programme.work_streams.through, workstream__slug__in=value))

    def filter_topic(self, queryset, name, value):
        return queryset.filter(pk__in=_through_ids(Programme.topics.through, topic__slug__in=value))

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

    # --- what the visitor asked for --------------------------------------------------------

    @property
    def ignored(self) -> list[str]:
        """Values in the URL that match no option, so the page can say they were ignored."""
        self.errors  # noqa: B018
        return [value for field in self.form.fields.values() for value in getattr(field, "ignored", [])]

    def selected(self, facet: str) -> list[str]:
        self.errors  # noqa: B018
        return list(self.form.cleaned_data.get(facet) or [])

    @property
    def is_filtered(self) -> bool:
        return any(self.selected(facet) for facet in self.FACETS)

    # --- options and counts ----------------------------------------------------------------
    #
    # The database counts: one GROUP BY per facet over the programmes that pass every other
    # facet's selection, all facets in one UNION ALL that returns a row per option, whatever the
    # size of the catalogue. When the URL narrows nothing, the query that loads the record
    # options holds every count as well, so the plain catalogue costs one query for all of it.

    # For each record facet: the path from a programme to its records, and the record's label and
    # position fields.
    RECORD_FIELDS = {
        "audience": ("audiences", "name", "order"),
        "partner": ("partnerships__organisation", "name", None),
        "commissioner": ("partnerships__organisation", "name", None),
        "work_stream": ("work_streams", "title", "order"),
        "topic": ("topics", "name", None),
    }

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
        return programmes.filter(**{f"{ProgrammeFilter.RECORD_FIELDS[facet][0]}__isnull": False})

    def _narrows_anything(self) -> bool:
        """Whether the URL holds a value for any filter that selects programmes (valid or not)."""
        data = self.data or {}
        for name in self.filters:
            key = f"{self.form_prefix}-{name}" if self.form_prefix else name
            if name != "sort" and any(data.getlist(key) if hasattr(data, "getlist") else [data.get(key)]):
                return True
        return False

    def _record_branches(self, programmes_for, *, labels: bool) -> list[QuerySet]:
        """Per record facet, the records that `programmes_for(facet)` use and how many use each.

        Rows are (facet, record id, slug, label, position, count); without `labels` only the id
        and the count are read. Joining from the programmes, rather than filtering the links by a
        programme subquery, keeps Django from copying the listing's annotations into every branch.
        """
        zero = Value(0, output_field=IntegerField())
        branches = []
        for facet, (record, label, position) in self.RECORD_FIELDS.items():
            links = self._linked(programmes_for(facet).order_by(), facet)
            if labels:
                grouped = links.values(
                    number=F(f"{record}__id"),
                    value=F(f"{record}__slug"),
                    label=F(f"{record}__{label}"),
                    position=F(f"{record}__{position}") if position else zero,
                )
            else:
                grouped = links.values(number=F(f"{record}__id")).annotate(
                    value=Value(""), label=Value(""), position=zero
                )
            branches.append(grouped.annotate(facet=Value(facet), n=Count("*")).values_list(*self._COLUMNS))
        return branches

    def _field_branches(self, programmes_for) -> list[QuerySet]:
        """Per facet read from the programme row, how many of `programmes_for(facet)` have each value.

        Rows are (facet, 0, value, "", 0, count); durations are counted per number of days,
        (facet, days, "", "", 0, count), and banded in Python: grouping by a CASE over the bands
        would make Django compile the duration expression eight times per query.
        """
        zero = Value(0, output_field=IntegerField())
        blank = Value("")
        branches = [
            programmes_for(facet)
            .order_by()
            .values(value=F(facet))
            .annotate(facet=Value(facet), number=zero, label=blank, position=zero, n=Count("*"))
            .values_list(*self._COLUMNS)
            for facet in ("availability", "kind", "level", "study_mode")
        ]
        branches.append(
            programmes_for("duration")
            .order_by()
            .values(number=F("duration_days"))
            .annotate(facet=Value("duration"), value=blank, label=blank, position=zero, n=Count("*"))
            .values_list(*self._COLUMNS)
        )
        return branches

    _COLUMNS = ("facet", "number", "value", "label", "position", "n")

    def _load_record_options(self) -> dict[str, list[tuple[str, str]]]:
        """The options of the record facets: every record that a listed programme uses.

        When the URL narrows nothing, the same query counts every facet (see `facet_counts`).
        """
        listed = lambda facet: self.queryset  # noqa: E731
        branches = self._record_branches(listed, labels=True)
        plain = not self._narrows_anything()
        if plain:
            branches += self._field_branches(listed)
        rows = list(branches[0].union(*branches[1:], all=True).order_by())
        self._slug_of: dict[str, dict[int, str]] = {facet: {} for facet in self.RECORD_FACETS}
        options: dict[str, list[tuple]] = {facet: [] for facet in self.RECORD_FACETS}
        for facet, pk, slug, label, position, _n in rows:
            if facet in self._slug_of:
                self._slug_of[facet][pk] = slug
                options[facet].append((position, label.casefold(), slug, label))
        self._counts = self._tally(rows) if plain else None
        return {facet: [(slug, label) for *_key, slug, label in sorted(rows)] for facet, rows in options.items()}

    def filtered_without(self, facet: str | None) -> QuerySet:
        """The listed programmes that pass every filter but `facet`'s (and the sort, which selects nothing)."""
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in {facet, "sort"}:
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """For each facet and option: how many programmes match the other facets plus that option.

        Exactly what following the option's link would show. One query, or none when the URL
        narrows nothing (the option query counted already).
        """
        if self._counts is None:
            # Facets with nothing chosen see the same programmes: one base serves them all.
            bases = {facet: self.filtered_without(facet) for facet in self.FACETS if self.selected(facet)}
            everything = self.filtered_without(None)
            programmes_for = lambda facet: bases.get(facet, everything)  # noqa: E731
            branches = self._field_branches(programmes_for) + self._record_branches(programmes_for, labels=False)
            self._counts = self._tally(branches[0].union(*branches[1:], all=True).order_by())
        return self._counts

    def _tally(self, rows) -> dict[str, dict[str, int]]:
        """Counts per facet and option value from the rows of the counting query.

        Record facets' rows carry the record's id and durations' the number of days: both become
        option values here.
        """
        counts: dict[str, dict[str, int]] = {facet: {} for facet in self.FACETS}
        for facet, number, value, _label, _position, n in rows:
            if facet == "duration":
                value = next((band.slug for band in DURATION_BANDS if band.contains(number)), "")
            elif facet in self._slug_of:
                value = self._slug_of[facet].get(number, "")
            counts[facet][value] = counts[facet].get(value, 0) + n
        return counts

    def total(self, counts: dict[str, dict[str, int]]) -> int:
        """How many programmes the filters select, read from the availability counts (no COUNT query).

        Every programme has exactly one availability, and the availability counts apply every
        other facet: the chosen availabilities' counts add up to the listing.
        """
        by_availability = counts["availability"]
        chosen = self.selected("availability")
        return sum(by_availability.get(value, 0) for value in chosen) if chosen else sum(by_availability.values())

    def facets(self, counts: dict[str, dict[str, int]] | None = None) -> list[dict]:
        """Everything the filter form shows: each facet with its options, counts and ticks."""
        counts = self.facet_counts() if counts is None else counts
        result = []
        for name in self.FACETS:
            chosen = set(self.selected(name))
            options = []
            for value, label in self.form.fields[name].choices:
                count = counts.get(name, {}).get(value, 0)
                # An option that would match nothing is left out, unless the visitor ticked it.
                if count or value in chosen:
                    options.append({"value": value, "label": label, "count": count, "selected": value in chosen})
            if options:
                result.append(
                    {
                        "name": name,
                        "label": self.filters[name].label,
                        "options": options,
                        "selected_count": len(chosen),
                    }
                )
        return result
