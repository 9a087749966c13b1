"""The people directory's filters (role and work stream), and the number of people behind each option.

Forgiving like the other lists: a value that matches no option is dropped and reported in
`ignored`, never an error page.
"""

from collections import defaultdict

from django.db.models import Count, Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from publishing.filters import FacetedFilterSet, FacetFilter
from workstreams.models import KeyContact, WorkStream, WorkStreamMember

from .models import Person


def people_of(work_stream) -> Q:
    """People who are members or key contacts of a work stream (an instance, pk or OuterRef)."""
    return Q(Exists(WorkStreamMember.objects.filter(person=OuterRef("pk"), work_stream=work_stream))) | Q(
        Exists(KeyContact.objects.filter(person=OuterRef("pk"), work_stream=work_stream))
    )


class PersonFilter(FacetedFilterSet):
    """Filters for `/people/`; expects `Person.objects.published()`."""

    role = FacetFilter(label="Role", choices=Person.RoleKind.choices, field_name="role_kind")
    work_stream = FacetFilter(label="Work stream", method="filter_work_stream")

    class Meta:
        model = Person
        fields: list[str] = []

    FACETS = ("role", "work_stream")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # Options: the published work streams that have at least one published person.
        published_people = Person.objects.published()
        self.filters["work_stream"].extra["choices"] = list(
            WorkStream.objects.published()
            .filter(
                Q(Exists(WorkStreamMember.objects.filter(work_stream=OuterRef("pk"), person__in=published_people)))
                | Q(Exists(KeyContact.objects.filter(work_stream=OuterRef("pk"), person__in=published_people)))
            )
            .values_list("slug", "title")
        )

    # --- filtering -------------------------------------------------------------------------

    def filter_work_stream(self, queryset, name, value):
        return queryset.in_work_streams(value)

    # --- options and counts ----------------------------------------------------------------

    def count_facets(self) -> dict[str, dict[str, int]]:
        """For each facet and option: how many people match the other facets plus that option, in one query."""
        in_stream = self.filtered_without("work_stream").filter(people_of(OuterRef(OuterRef("pk"))))
        people_count = Subquery(in_stream.annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])
        by_role = (
            self.filtered_without("role")
            .values(value=F("role_kind"))
            .annotate(facet=Value("role"), n=Count("pk"))
            .values_list("facet", "value", "n")
        )
        by_work_stream = (
            WorkStream.objects.published()
            .order_by()
            .annotate(facet=Value("work_stream"), value=F("slug"), n=Coalesce(people_count, 0))
            .values_list("facet", "value", "n")
        )
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        for facet, value, n in by_role.union(by_work_stream, all=True).order_by():
            counts[facet][value] = n
        return counts
