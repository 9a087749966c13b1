"""Work streams: the centre's areas of work, each with its programmes, research, people and key contacts."""

from urllib.parse import urlencode

from django.db.models import Count, F, Func, OuterRef, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.views.generic import ListView

from faculty.models import Person
from pagecache.fragments import remember
from publishing.seo import PageMixin
from publishing.views import PublishedDetailView

from . import schema
from .models import WorkStream

# A work stream page is a digest: past these, a link leads to the full, filtered list.
PROGRAMMES_PER_KIND = 6
PROJECTS_SHOWN = 10


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
        return [("Work streams", reverse("workstreams:list"))]

    def get_structured_data(self):
        return schema.work_stream_list_data(self.object_list)


class WorkStreamDetailView(PageMixin, PublishedDetailView):
    """A work stream: why it matters, its goals, programmes by kind, research, people and key contacts."""

    model = WorkStream

    def get_queryset(self):
        # Related records are built here, per request, so "published" means published now.
        return super().get_queryset().for_page()

    def shown_programmes(self):
        """The first few programmes of each kind, each knowing how many of its kind there are.

        A work stream may hold hundreds of programmes: only those shown are read and prefetched. Which ones,
        and how many of each kind, takes a window over all of them (14 ms for 1,250 on PostgreSQL), so it is
        worked out once per change of the data (pagecache.fragments), and the cards are kept alike.
        """
        stream = self.object

        def shown():
            return list(
                stream.programmes.published()
                .annotate(
                    kind_position=Window(RowNumber(), partition_by=F("kind"), order_by=["title", "pk"]),
                    kind_count=Window(Count("pk"), partition_by=F("kind")),
                )
                .filter(kind_position__lte=PROGRAMMES_PER_KIND)
                .order_by("title", "pk")
                .values_list("pk", "kind_count")
            )

        counts = dict(remember(f"workstreams:{stream.pk}:shown-programmes", shown))
        # Titles and addresses for the structured data; the cards themselves are kept (`cards()`).
        programmes = list(
            stream.programmes.published()
            .filter(pk__in=counts)
            .only("pk", "slug", "title", "kind")
            .order_by("title", "pk")
        )
        cards = stream.programmes.published().cards([programme.pk for programme in programmes], heading_level=4)
        for programme in programmes:
            programme.kind_count = counts[programme.pk]
            programme.card = cards.get(programme.pk, "")
        return programmes

    def shown_projects(self) -> tuple[list, int]:
        """The newest projects, and how many the work stream has in all, in one query; each with its kept item."""
        published = self.object.research_projects.published()
        projects = list(
            published.only("pk", "slug", "title")
            .annotate(total=Window(Count("pk")))
            .order_by(F("start_date").desc(nulls_last=True), "title", "pk")[:PROJECTS_SHOWN]
        )
        items = published.list_items([project.pk for project in projects])
        for project in projects:
            project.item = items.get(project.pk, "")
        return projects, projects[0].total if projects else 0

    def member_items(self) -> list:
        """Each published member's kept list item, in the editors' order."""
        members = self.object.memberships.with_published_person().values_list("person_id", flat=True)
        return list(Person.objects.published().list_items(list(members)).values())

    def programmes_by_kind(self, programmes) -> list[dict]:
        """Programmes grouped by kind, in the order editors see the kinds, each with a link to all of them."""
        groups: dict[str, list] = {}
        for programme in programmes:
            groups.setdefault(programme.kind, []).append(programme)
        kinds = self.object.programmes.model.Kind
        order = {kind: index for index, kind in enumerate(kinds.values)}
        catalogue = reverse("programmes:list")
        return [
            {
                "kind": kind,
                "label": kinds(kind).label if kind in order else kind,
                "programmes": items,
                "count": items[0].kind_count,
                "all_url": f"{catalogue}?{urlencode({'work_stream': self.object.slug, 'kind': kind})}",
            }
            for kind, items in sorted(groups.items(), key=lambda group: order.get(group[0], len(order)))
        ]

    def get_context_data(self, **kwargs):
        work_stream = self.object
        self.programme_groups = self.programmes_by_kind(self.shown_programmes())
        self.projects, project_count = self.shown_projects()
        context = super().get_context_data(**kwargs)
        context.update(
            work_stream=work_stream,
            goals=work_stream.goals.all(),
            focus_areas=work_stream.focus_areas.all(),
            programme_groups=self.programme_groups,
            projects=self.projects,
            project_count=project_count,
            member_items=self.member_items(),
            key_contacts=work_stream.key_contact_roles.all(),
        )
        return context

    def get_crumbs(self):
        return [("Work streams", reverse("workstreams:list")), (self.object.title, self.object.get_absolute_url())]

    def get_structured_data(self):
        shown = [programme for group in self.programme_groups for programme in group["programmes"]]
        return schema.work_stream_data(self.object, shown, self.projects, self.object.key_contact_roles.all())
