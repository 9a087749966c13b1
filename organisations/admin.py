from django.contrib import admin
from django.db.models import Count

from publishing.admin import WorkflowAdmin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(WorkflowAdmin):
    list_display = ("name", "short_name", "kind", "programme_count", "people_count", "website")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("updated_at",)
    fieldsets = (
        (
            None,
            {
                "fields": ("name", "short_name", "slug", "kind", "website"),
                "description": (
                    "Partners, commissioners, funders and people's home organisations. "
                    "An organisation that a programme, project or person points to cannot be "
                    "deleted until those links are removed."
                ),
            },
        ),
        ("Record", {"fields": ("updated_at",), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                programme_total=Count("programme_partnerships__programme", distinct=True),
                people_total=Count("people", distinct=True),
            )
        )

    @admin.display(description="programmes", ordering="programme_total")
    def programme_count(self, obj) -> int:
        return obj.programme_total

    @admin.display(description="people", ordering="people_total")
    def people_count(self, obj) -> int:
        return obj.people_total
