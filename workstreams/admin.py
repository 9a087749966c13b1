from django.contrib import admin
from django.db.models import Count

from publishing.admin import PUBLISHING_FIELDSET, PublicationFilter, PublishableAdmin, ReviewFilter

from .models import Goal, KeyContact, WorkStream, WorkStreamMember


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 1
    fields = ("title", "description", "order")
    verbose_name_plural = "goals (listed in order)"


class WorkStreamMemberInline(admin.TabularInline):
    model = WorkStreamMember
    extra = 1
    autocomplete_fields = ("person",)
    fields = ("person", "order")
    verbose_name_plural = "members (people involved in this work stream)"


class KeyContactInline(admin.TabularInline):
    model = KeyContact
    extra = 1
    autocomplete_fields = ("person",)
    fields = ("person", "role_label", "order")
    verbose_name_plural = "key contacts (shown with their e-mail, phone and vCard)"


@admin.register(WorkStream)
class WorkStreamAdmin(PublishableAdmin):
    list_display = (
        "title",
        "publication",
        "member_count",
        "programme_count",
        "review_date",
        "updated_at",
        "public_link",
    )
    list_filter = (PublicationFilter, ReviewFilter)
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("focus_areas",)
    inlines = (GoalInline, KeyContactInline, WorkStreamMemberInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body", "focus_areas", "order")}),
        ("Image", {"fields": ("image", "image_alt", "image_decorative")}),
        PUBLISHING_FIELDSET,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_total=Count("memberships", distinct=True),
                programme_total=Count("programmes", distinct=True),
            )
        )

    @admin.display(description="members", ordering="member_total")
    def member_count(self, obj) -> int:
        return obj.member_total

    @admin.display(description="programmes", ordering="programme_total")
    def programme_count(self, obj) -> int:
        return obj.programme_total
