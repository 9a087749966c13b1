"""The research list's filters, and the number of projects behind each option.

`ResearchProjectFilter` is the single definition of what a `/research/` URL means. It builds on the
forgiving `publishing.filters.FacetedFilterSet`: a value that matches no option (an old bookmark,
a topic that was renamed) is dropped and reported in `ignored`, never an error page.
"""

from collections import defaultdict

from django.db.models import Count, F, IntegerField, Value

from organisations.models import Organisation
from publishing.filters import FacetedFilterSet, FacetFilter
from topics.models import Topic
from workstreams.models import WorkStream

from .models import ProjectOrganisation, ProjectStatus, ResearchProject


class ResearchProjectFilter(FacetedFilterSet):
    """Filters for `/research/`; expects `ResearchProject.objects.published().with_status()`."""

    status = FacetFilter(label="Status", choices=ProjectStatus.choices, field_name="project_status")
    work_stream = FacetFilter(label="Work stream", method="filter_work_stream")
    topic = FacetFilter(label="Topic", method="filter_topic")
    funder = FacetFilter(label="Funder", method="filter_funder")

    class Meta:
        model = ResearchProject
        fields: list[str] = []

    FACETS = ("status", "work_stream", "topic", "funder")
    # Facets whose options are records (slug, name) rather than fixed choices.
    RECORD_FACETS = ("work_stream", "topic", "funder")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        options = self._load_record_options()
        for name in self.RECORD_FACETS:
            self.filters[name].extra["choices"] = options[name]

    # --- filtering -------------------------------------------------------------------------

    def filter_work_stream(self, queryset, name, value):
        return queryset.in_work_streams(value)

    def filter_topic(self, queryset, name, value):
        return queryset.with_topics(value)

    def filter_funder(self, queryset, name, value):
        return queryset.with_organisations(value, role=ProjectOrganisation.Role.FUNDER)

    # --- options and counts ----------------------------------------------------------------

    def _load_record_options(self) -> dict[str, list[tuple[str, str]]]:
        """Every work stream, topic and funder that a published project uses, in one query."""
        published = ResearchProject.objects.published().values("pk")

        def branch(queryset, facet, label, position):
            return (
                queryset.order_by()
                .annotate(facet=Value(facet), value=F("slug"), label=label, position=position)
                .values_list("facet", "value", "label", "position")
                .distinct()
            )

        zero = Value(0, output_field=IntegerField())
        rows = (
            branch(
                WorkStream.objects.published().filter(research_projects__in=published),
                "work_stream",
                F("title"),
                F("order"),
            )
            .union(
                branch(Topic.objects.filter(research_projects__in=published), "topic", F("name"), zero),
                branch(
                    Organisation.objects.filter(
                        project_roles__project__in=published, project_roles__role=ProjectOrganisation.Role.FUNDER
                    ),
                    "funder",
                    F("name"),
                    zero,
                ),
                all=True,
            )
            .order_by()
        )  # a UNION takes the first model's default ordering otherwise; sorted below
        options: dict[str, list[tuple[str, str]]] = {name: [] for name in self.RECORD_FACETS}
        for facet, slug, label, _position in sorted(rows, key=lambda row: (row[3], row[2].casefold())):
            if (slug, label) not in options[facet]:
                options[facet].append((slug, label))
        return options

    def count_facets(self) -> dict[str, dict[str, int]]:
        """For each facet and option: how many projects match the other facets plus that option.

        One query: a UNION of one GROUP BY per facet over `filtered_without(facet)`, so each number
        is exactly what ticking the option would show.
        """

        def grouped(queryset, facet, value, counted):
            return (
                queryset.order_by()
                .values(value=value)
                .annotate(facet=Value(facet), n=Count(counted, distinct=True))
                .values_list("facet", "value", "n")
            )

        work_streams = ResearchProject.work_streams.through
        topics = ResearchProject.topics.through
        branches = [
            grouped(self.filtered_without("status"), "status", F("project_status"), "pk"),
            grouped(
                work_streams.objects.filter(researchproject__in=self.filtered_without("work_stream")),
                "work_stream",
                F("workstream__slug"),
                "researchproject_id",
            ),
            grouped(
                topics.objects.filter(researchproject__in=self.filtered_without("topic")),
                "topic",
                F("topic__slug"),
                "researchproject_id",
            ),
            grouped(
                ProjectOrganisation.objects.filter(
                    project__in=self.filtered_without("funder"), role=ProjectOrganisation.Role.FUNDER
                ),
                "funder",
                F("organisation__slug"),
                "project_id",
            ),
        ]
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for facet, value, n in branches[0].union(*branches[1:], all=True).order_by():
            counts[facet][value] = n
        return counts

    def total(self) -> int:
        """The number of projects the filters select, read from the status counts (no extra query)."""
        by_status = self.facet_counts().get("status", {})
        chosen = self.selected("status") or [value for value, _label in ProjectStatus.choices]
        return sum(by_status.get(value, 0) for value in chosen)
