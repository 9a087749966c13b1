from django.contrib import admin

from publishing.admin import WorkflowAdmin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(WorkflowAdmin):
    list_display = ("name", "slug", "description")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (
            None,
            {
                "fields": ("name", "slug", "description"),
                "description": (
                    "Topics are the focus areas that connect programmes, research projects, "
                    "work streams and people's expertise. Learners can filter the catalogue by them."
                ),
            },
        ),
    )
