"""Research: a filterable list of projects, and a page for each project."""

from django.db.models import Case, F, IntegerField, Prefetch, Value, When

from programmes.models import Programme
from publishing.pagination import page_links
from publishing.paths import path_to
from publishing.seo import PageMixin, item_list
from publishing.views import FacetedListView, PublishedDetailView

from . import schema
from .filters import ResearchProjectFilter
from .models import ProjectOrganisation, ProjectStatus, ResearchProject


class ResearchProjectListView(PageMixin, FacetedListView):
    """Research projects, filtered by status, work stream, topic and funder, with a count on every option."""

    model = ResearchProject
    filterset_class = ResearchProjectFilter
    template_name = "research/researchproject_list.html"
    paginate_by = 20

    def get_queryset(self):
        current_first = Case(
            When(project_status=ProjectStatus.CURRENT, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        # Which projects a page lists, and their titles for the structured data; the cards are kept (`cards()`).
        return (
            ResearchProject.objects.published()
            .with_status()
            .only("pk", "slug", "title")
            .order_by(current_first, F("start_date").desc(nulls_last=True), "title", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            project_cards=list(ResearchProject.objects.cards([p.pk for p in context["object_list"]]).values()),
            page_links=page_links(self.request.GET, self.page),
            facets=self.filterset.facets(),
            ignored=self.filterset.ignored,
            is_filtered=self.filterset.is_filtered,
            total=self.total,
        )
        return context

    def get_crumbs(self):
        return [("Research", path_to("research:list"))]

    def get_structured_data(self):
        return item_list("Research projects", self.page, total=self.total, label=lambda project: project.title)


class ResearchProjectDetailView(PageMixin, PublishedDetailView):
    """One project: what it is, who runs and funds it, what it produced and which programmes it informs."""

    model = ResearchProject

    def get_queryset(self):
        # Related records are built here, per request, so "published" means published now.
        return (
            super()
            .get_queryset()
            .with_details()
            .prefetch_related(Prefetch("informs_programmes", queryset=Programme.objects.published().for_cards()))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context.update(
            project=project,
            funders=project.funders,
            partners=project.partners,
            commissioners=project.organisations_with_role(ProjectOrganisation.Role.COMMISSIONER),
            investigators=project.investigator_roles.all(),
            outputs=project.outputs.all(),
            work_streams=project.work_streams.all(),
            topics=project.topics.all(),
            programmes=project.informs_programmes.all(),
        )
        return context

    def get_crumbs(self):
        return [("Research", path_to("research:list")), (self.object.title, self.object.get_absolute_url())]

    def get_structured_data(self):
        return schema.project_data(self.object)
