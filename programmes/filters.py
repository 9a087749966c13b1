"""The programme catalogue's filters, and the number of programmes behind each option.

`ProgrammeFilter` is the single definition of what a catalogue URL means: the page, the option
counts and (later) search all run through it. Filters are forgiving: a value that no longer exists
(an old bookmark, a retired partner) is dropped and reported in `ignored`, never an error page.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import F, IntegerField, Q, QuerySet, Value
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
    # Counting runs in Python over two compact queries, whatever the number of facets: the
    # published programmes that pass the non-facet filters (a search, say) with their own facet
    # values, and every link from a published programme to an option record. Ten GROUP BY
    # queries with the availability expressions cost far more to build than to run.

    def _load_record_options(self) -> dict[str, list[tuple[str, str]]]:
        """Options for the record facets, and which programmes each applies to, in one query."""
        published = Programme.objects.published().values("pk")
        zero = Value(0, output_field=IntegerField())

        def branch(queryset, facet, record, label, position):
            return (
                queryset.filter(programme__in=published)
                .order_by()
                .annotate(
                    facet=Value(facet),
                    programme_pk=F("programme_id"),
                    value=F(f"{record}__slug"),
                    label=F(f"{record}__{label}"),
                    position=position,
                )
                .values_list("facet", "programme_pk", "value", "label", "position")
            )

        role = ProgrammePartner.Role
        branches = [
            branch(Programme.audiences.through.objects, "audience", "audience", "name", F("audience__order")),
            branch(
                ProgrammePartner.objects.filter(role=role.DELIVERY_PARTNER), "partner", "organisation", "name", zero
            ),
            branch(
                ProgrammePartner.objects.filter(role=role.COMMISSIONER), "commissioner", "organisation", "name", zero
            ),
            branch(
                Programme.work_streams.through.objects.filter(workstream__in=WorkStream.objects.published()),
                "work_stream",
                "workstream",
                "title",
                F("workstream__order"),
            ),
            branch(Programme.topics.through.objects, "topic", "topic", "name", zero),
        ]
        self.links: dict[str, dict[int, set[str]]] = {name: defaultdict(set) for name in self.RECORD_FACETS}
        labels: dict[str, dict[str, tuple]] = {name: {} for name in self.RECORD_FACETS}
        for facet, programme, slug, label, position in branches[0].union(*branches[1:], all=True).order_by():
            self.links[facet][programme].add(slug)
            labels[facet][slug] = (position, label.casefold(), label)
        return {
            facet: [(slug, key[2]) for slug, key in sorted(by_slug.items(), key=lambda item: item[1][:2])]
            for facet, by_slug in labels.items()
        }

    def _programmes_for_counting(self) -> QuerySet:
        """The listed programmes that pass every filter that is not a facet, with their facet values."""
        self.errors  # noqa: B018 - runs validation so cleaned_data exists
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in self.FACETS and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by().values_list(
            "pk", "availability", "kind", "level", "study_mode", "duration_days", named=True
        )

    def facet_counts(self) -> dict[str, Counter]:
        """For each facet and option: how many programmes match the other facets plus that option.

        A programme counts towards a facet's options when it passes every other facet's filter,
        exactly what following the option's link would show.
        """
        chosen = {facet: set(self.selected(facet)) for facet in self.FACETS}
        counts: dict[str, Counter] = {facet: Counter() for facet in self.FACETS}
        for row in self._programmes_for_counting():
            values = {
                "availability": {row.availability},
                "kind": {row.kind},
                "level": {row.level} - {""},
                "study_mode": {row.study_mode} - {""},
                "duration": {band.slug for band in DURATION_BANDS if band.contains(row.duration_days)},
                **{facet: self.links[facet].get(row.pk, set()) for facet in self.RECORD_FACETS},
            }
            failing = [facet for facet in self.FACETS if chosen[facet] and not values[facet] & chosen[facet]]
            if len(failing) > 1:
                continue
            for facet in failing or self.FACETS:
                counts[facet].update(values[facet])
        return counts

    def facets(self) -> list[dict]:
        """Everything the filter form shows: each facet with its options, counts and ticks."""
        counts = self.facet_counts()
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
