"""Demand for programmes in the admin: how many people wait to hear, per programme, read only.

No subscriber, alert or address is registered here on purpose: staff see counts for planning
intakes, never a mailing list to export.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from programmes.availability import Availability
from publishing.admin import ReadOnlyAdmin

from .models import ProgrammeDemand
from .selectors import demand_totals, with_demand


@admin.register(ProgrammeDemand)
class ProgrammeDemandAdmin(ReadOnlyAdmin):
    list_display = ["programme", "waiting", "following_work_streams", "availability", "next_start_date"]
    list_filter = ["availability", "kind"]
    search_fields = ["title"]
    actions = None
    list_display_links = None
    show_full_result_count = False

    def get_queryset(self, request):
        # Annotated before ordering: the default get_queryset() orders by get_ordering() first.
        published = self.model._default_manager.published()
        return with_demand(published).order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ["-waiting", "title"]  # the most wanted first (an annotation, so not `ordering`)

    @admin.display(description="programme", ordering="title")
    def programme(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:programmes_programme_change", args=[obj.pk]), obj.title
        )

    @admin.display(description="people waiting", ordering="waiting")
    def waiting(self, obj):
        return obj.waiting

    @admin.display(description="following its work stream", ordering="following_work_streams")
    def following_work_streams(self, obj):
        return obj.following_work_streams

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "totals": demand_totals(), "open_state": Availability.OPEN}
        return super().changelist_view(request, extra_context)
