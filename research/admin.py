from django.contrib import admin

from publishing.admin import PUBLISHING_FIELDSET, PublicationFilter, PublishableAdmin, RelatedFilter, ReviewFilter

from .models import Investigator, ProjectOrganisation, ProjectStatus, ResearchOutput, ResearchProject


class ProjectStatusFilter(admin.SimpleListFilter):
    """Current or completed, derived from the end date exactly as the public pages derive it."""

    title = "project status"
    parameter_name = "project_status"

    def lookups(self, request, model_admin):
        return ProjectStatus.choices

    def queryset(self, request, queryset):
        if self.value() in ProjectStatus.values:
            return queryset.with_status().filter(project_status=self.value())
        return queryset


class InvestigatorInline(admin.TabularInline):
    model = Investigator
    extra = 1
    autocomplete_fields = ("person",)
    fields = ("person", "role", "order")


class ProjectOrganisationInline(admin.TabularInline):
    model = ProjectOrganisation
    extra = 1
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "role", "order")


class ResearchOutputInline(admin.StackedInline):
    model = ResearchOutput
    extra = 1
    fieldsets = (
        (
            None,
            {
                "fields": ("title", ("kind", "year"), ("url", "doi"), "order"),
                "description": "A report, article or other output. Give a link or a DOI so readers can find it.",
            },
        ),
    )


@admin.register(ResearchProject)
class ResearchProjectAdmin(PublishableAdmin):
    list_display = (
        "title",
        "start_date",
        "end_date",
        "status_label",
        "publication",
        "review_date",
        "updated_at",
        "public_link",
    )
    list_filter = (
        PublicationFilter,
        ProjectStatusFilter,
        ("work_streams", RelatedFilter),
        ("topics", RelatedFilter),
        ReviewFilter,
    )
    search_fields = ("title", "summary", "description", "slug")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("work_streams", "topics", "informs_programmes")
    inlines = (InvestigatorInline, ProjectOrganisationInline, ResearchOutputInline)
    date_hierarchy = "start_date"
    fieldsets = (
        (
            None,
            {
                "fields": ("title", "slug", "summary", "description"),
                "description": "The summary is shown on project cards, in search results and to search engines.",
            },
        ),
        ("Image", {"fields": ("image", "image_alt", "image_decorative")}),
        (
            "Dates",
            {
                "fields": (("start_date", "end_date"),),
                "description": "The project is shown as current until its end date has passed, then as completed.",
            },
        ),
        ("Links", {"fields": ("work_streams", "topics", "informs_programmes")}),
        PUBLISHING_FIELDSET,
    )

    @admin.display(description="current or completed")
    def status_label(self, obj) -> str:
        return obj.status_label
