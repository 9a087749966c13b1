"""Work streams: the centre's areas of work, each with its programmes, research, people and key contacts."""

from typing import NamedTuple
from urllib.parse import urlencode

from django.db.models import Count, F, Func, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.views.generic import ListView

from faculty.models import Person
from pagecache.fragments import remember
from publishing.paths import path_to
from publishing.seo import PageMixin
from publishing.views import PublishedDetailView

from . import schema
from .linked import kept_links
from .models import WorkStream

# A work stream page is a digest: past these, a link leads to the full, filtered list.
PROGRAMMES_PER_KIND = 6
PROJECTS_SHOWN = 10
# Read through the relations: programmes and research sit above work streams.
PROGRAMME = WorkStream._meta.get_field("programmes").related_model
PROJECT = WorkStream._meta.get_field("research_projects").related_model


def count_of(queryset) -> Subquery:
    """The number of rows of a correlated queryset, as a subquery (no GROUP BY on the outer query)."""
    return Coalesce(Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]), 0)


def published_count(relation: str) -> Subquery:
    """How many published records a work stream's reverse relation (its programmes, say) holds, as a subquery.

    The records come from the relation's model and its own `published()`: higher apps are read, never imported.
    """
    related = WorkStream._meta.get_field(relation)
    return count_of(related.related_model.objects.published().filter(**{related.field.name: OuterRef("pk")}))


class WorkStreamListView(PageMixin, ListView):
    """Every published work stream with its focus areas and how many programmes and projects it has."""

    template_name = "workstreams/workstream_list.html"
    context_object_name = "work_streams"

    def get_queryset(self):
        return (
            WorkStream.objects.published()
            .annotate(programme_count=published_count("programmes"), project_count=published_count("research_projects"))
            .prefetch_related("focus_areas")
        )

    def get_crumbs(self):
        return [("Work streams", path_to("workstreams:list"))]

    def get_structured_data(self):
        return schema.work_stream_list_data(self.object_list)


class Shown(NamedTuple):
    """A programme or project that a work stream page shows: what its structured data names, and how many of
    its kind (programmes) or in all (projects) there are."""

    pk: int
    title: str
    url: str
    kind: str = ""
    count: int = 0

    def get_absolute_url(self) -> str:
        return self.url


class WorkStreamDetailView(PageMixin, PublishedDetailView):
    """A work stream: why it matters, its goals, programmes by kind, research, people and key contacts."""

    model = WorkStream

    def get_queryset(self):
        # Its goals, focus areas and key contacts are kept with it, and read in the same query (workstreams.linked).
        return super().get_queryset().select_related("kept_links")

    def get_object(self, queryset=None):
        work_stream = super().get_object(queryset)
        self.linked = kept_links.of(work_stream)
        return work_stream

    def shown(self) -> tuple[list[Shown], list[Shown], list[int]]:
        """The programmes (the first few of each kind), projects (the newest) and members' ids the page shows.

        The same for every visitor, and for programmes a window over all of the work stream's (14 ms for
        1,250 on PostgreSQL): worked out once per change of the data (pagecache.fragments). Each programme
        knows how many of its kind there are and each project how many there are in all. Kept as plain
        rows, which a page unpickles in a tenth of the time of model instances; the cards and items they
        stand for are kept too.
        """
        stream = self.object

        def read():
            programmes = (
                stream.programmes.published()
                .annotate(
                    kind_position=Window(RowNumber(), partition_by=F("kind"), order_by=["title", "pk"]),
                    kind_count=Window(Count("pk"), partition_by=F("kind")),
                )
                .filter(kind_position__lte=PROGRAMMES_PER_KIND)
                .only("pk", "slug", "title", "kind")
                .order_by("title", "pk")
            )
            projects = (
                stream.research_projects.published()
                .only("pk", "slug", "title")
                .annotate(total=Window(Count("pk")))
                .order_by(F("start_date").desc(nulls_last=True), "title", "pk")[:PROJECTS_SHOWN]
            )
            members = stream.memberships.with_published_person().values_list("person_id", flat=True)
            return (
                [Shown(p.pk, p.title, p.get_absolute_url(), p.kind, p.kind_count) for p in programmes],
                [Shown(p.pk, p.title, p.get_absolute_url(), count=p.total) for p in projects],
                list(members),
            )

        return remember(f"workstreams:{stream.pk}:shown:v2", read)

    def programmes_by_kind(self, programmes: list[Shown]) -> list[dict]:
        """Programmes grouped by kind, in the order editors see the kinds, each with its cards and a link to all."""
        groups: dict[str, list[Shown]] = {}
        for programme in programmes:
            groups.setdefault(programme.kind, []).append(programme)
        kinds = PROGRAMME.Kind
        order = {kind: index for index, kind in enumerate(kinds.values)}
        catalogue = path_to("programmes:list")
        cards = PROGRAMME.objects.cards([programme.pk for programme in programmes], heading_level=4)
        return [
            {
                "kind": kind,
                "label": kinds(kind).label if kind in order else kind,
                "programmes": items,
                "cards": [cards[programme.pk] for programme in items if programme.pk in cards],
                "count": items[0].count,
                "all_url": f"{catalogue}?{urlencode({'work_stream': self.object.slug, 'kind': kind})}",
            }
            for kind, items in sorted(groups.items(), key=lambda group: order.get(group[0], len(order)))
        ]

    def get_context_data(self, **kwargs):
        programmes, self.projects, member_ids = self.shown()
        self.programme_groups = self.programmes_by_kind(programmes)
        items = PROJECT.objects.list_items([project.pk for project in self.projects])
        context = super().get_context_data(**kwargs)
        context.update(
            work_stream=self.object,
            goals=self.linked.goals,
            focus_areas=self.linked.focus_areas,
            programme_groups=self.programme_groups,
            project_items=[items[project.pk] for project in self.projects if project.pk in items],
            project_count=self.projects[0].count if self.projects else 0,
            member_items=list(Person.objects.list_items(member_ids).values()),
            key_contacts=self.linked.key_contact_roles,
        )
        return context

    def get_crumbs(self):
        return [("Work streams", path_to("workstreams:list")), (self.object.title, self.object.get_absolute_url())]

    def get_structured_data(self):
        shown = [programme for group in self.programme_groups for programme in group["programmes"]]
        linked = self.linked
        return schema.work_stream_data(self.object, shown, self.projects, linked.key_contact_roles, linked.focus_areas)
