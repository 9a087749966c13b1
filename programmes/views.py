from django.db.models import Exists, OuterRef
from django.template.defaultfilters import pluralize
from django.utils import timezone

from pagecache.fragments import remember
from publishing.filters import text_search
from publishing.pagination import page_links
from publishing.paths import path_to
from publishing.seo import PageMixin, item_list
from publishing.views import FacetedListView, PublishedDetailView

from . import schema
from .availability import Availability
from .filters import ProgrammeFilter
from .linked import kept_links
from .models import Programme


class ProgrammeListView(PageMixin, FacetedListView):
    """The catalogue: filters, option counts, sorting and pages, all in the URL so it can be shared."""

    model = Programme
    filterset_class = ProgrammeFilter
    template_name = "programmes/programme_list.html"
    paginate_by = 20

    # The listing the filters narrow and read their options from, built once: published() compares with the
    # moment each request's query runs (`CurrentTime`), and building it cost a catalogue page 0.08 ms (issue 19).
    # The duration facet adds the duration where it needs it (its options are kept).
    queryset = Programme.objects.published().only("pk")

    def paginate_queryset(self, queryset, page_size):
        # A page reads only which programmes it shows (their cards are kept) and, for its structured data,
        # their titles and slugs: rows, not records, which cost a fifth of a millisecond for twenty. They are
        # kept with the filters' options (`KEPT_FIELDS`), so most pages read none (`FacetedFilterSet.page_rows`).
        fields = self.filterset.KEPT_FIELDS
        return super().paginate_queryset(queryset.values_list("pk", *fields, named=True), page_size)

    def get_crumbs(self):
        return [("Programmes", path_to("programmes:list"))]

    def get_structured_data(self):
        return item_list(
            "Programmes",
            self.page,
            total=self.page.paginator.count,
            label=lambda row: row.title,
            url=lambda row: Programme.address_of(row.slug),
        )

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        max_words = text_search().max_length
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        chips = active_filters(self.request, filterset)
        title = "Programmes"
        if chips:
            title += ": " + ", ".join(chip["label"] for chip in chips[:4]) + (" and more" if len(chips) > 4 else "")
        if page.number > 1:
            title += f" (page {page.number} of {page.paginator.num_pages})"
        count = page.paginator.count
        description = (
            f"{count} programme{pluralize(count)} for {', '.join(chip['label'] for chip in chips[:4])}"
            if chips
            else f"Browse {count} programme{pluralize(count)}"
        ) + (
            " from the Health Services Management Centre: filter by type, audience, level, study mode, duration,"
            " partner, work stream and availability."
        )
        context.update(
            programme_cards=list(Programme.objects.cards([row.pk for row in page.object_list]).values()),
            facets=filterset.facets(),
            active_filters=chips,
            ignored_values=filterset.ignored,
            sort_choices=filterset.choices("sort"),
            current_sort=filterset.ordering(),
            carried_params=carried_params(self.request, filterset),
            words=self.request.GET.get("q", "")[:max_words],
            words_max_length=max_words,
            page_links=page_links(self.request.GET, page, on_each_side=1),
            page_title=title,
            page_description=description,
        )
        return context


def carried_params(request, filterset) -> list[tuple[str, str]]:
    """Filter parameters the checkbox form does not show (a search query, say), kept when it is submitted."""
    shown = {*filterset.FACETS, "sort", "q"}
    return [(name, value) for name in filterset.filters if name not in shown for value in request.GET.getlist(name)[:1]]


def active_filters(request, filterset) -> list[dict]:
    """The words and each ticked option, with a link that removes just that one, for the 'You chose' summary."""
    chips = []
    if words := request.GET.get("q", "").strip():
        query = request.GET.copy()
        query.pop("q")
        query.pop("page", None)
        chips.append(
            {
                "facet": "Words",
                "label": words[: text_search().max_length],
                "remove_url": f"?{query.urlencode()}" if query else request.path,
            }
        )
    for name in filterset.FACETS:
        labels = dict(filterset.choices(name))
        for value in filterset.selected(name):
            query = request.GET.copy()
            query.setlist(name, [v for v in query.getlist(name) if v != value])
            query.pop("page", None)
            chips.append(
                {
                    "facet": filterset.filters[name].label,
                    "label": labels.get(value, value),
                    "remove_url": f"?{query.urlencode()}" if query else request.path,
                }
            )
    return chips


class ProgrammeDetailView(PageMixin, PublishedDetailView):
    """A programme page: key facts, intakes, people, partners and where to go next.

    Related records are always filtered to what the public may see, also in staff preview, so
    a preview shows exactly the page that publishing would produce.
    """

    model = Programme
    context_object_name = "programme"

    def get_queryset(self):
        # Its intakes, leads, partners and other links are kept with it, and read in the same query (programmes.linked).
        return super().get_queryset().select_related("kept_links")

    def get_object(self, queryset=None):
        programme = super().get_object(queryset)
        self.linked = kept_links.of(programme)
        # Kept until a programme or a link changes (pagecache.fragments): the same for everyone who may see the page.
        programme.pathway = remember(f"programmes:{programme.pk}:pathway", lambda: related_programmes(programme))
        return programme

    def get_crumbs(self):
        return [("Programmes", path_to("programmes:list")), (self.object.title, self.object.get_absolute_url())]

    def get_structured_data(self):
        return schema.course_data(self.object, self.linked)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.object
        intakes = self.linked.intakes
        today = timezone.localdate()
        context.update(
            linked=self.linked,
            current_intakes=[i for i in intakes if not i.is_past(today)],
            past_intakes=[i for i in intakes if i.is_past(today)][::-1],
            leads=self.linked.leads,
            research=self.linked.research,
            related=[p for p in programme.pathway if p.is_related],
            follow_on=[p for p in programme.pathway if p.is_follow_on],
            builds_on=[p for p in programme.pathway if p.is_builds_on],
            can_apply=bool(programme.apply_url) and programme.availability == Availability.OPEN,
        )
        return context


def related_programmes(programme: Programme) -> list[Programme]:
    """Similar, follow-on and preceding programmes that the public may see, in one query.

    The linked ids are one UNION of the small link tables, so the programmes are found by primary key: an OR
    of three IN subqueries made PostgreSQL scan every programme (24 ms at 10,000 programmes).
    """
    similar = Programme.related_programmes.through.objects.filter(from_programme=programme)
    onward = Programme.progression_to.through.objects.filter(from_programme=programme)
    before = Programme.progression_to.through.objects.filter(to_programme=programme)
    linked = similar.values_list("to_programme").union(
        onward.values_list("to_programme"), before.values_list("from_programme")
    )
    return list(
        Programme.objects.published()
        .filter(pk__in=linked)
        .exclude(pk=programme.pk)
        .annotate(
            is_related=Exists(similar.filter(to_programme=OuterRef("pk"))),
            is_follow_on=Exists(onward.filter(to_programme=OuterRef("pk"))),
            is_builds_on=Exists(before.filter(from_programme=OuterRef("pk"))),
        )
        .order_by("title")
    )
