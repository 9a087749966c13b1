import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from . import log
from .models import LoggedSearch, Synonym

PERIODS = {7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days", 365: "Last 12 months"}
DEFAULT_PERIOD = 30
TOP_TERMS = 50


class ResultsFilter(admin.SimpleListFilter):
    title = "results"
    parameter_name = "found"

    def lookups(self, request, model_admin):
        return [("no", "Found nothing"), ("yes", "Found something")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.without_results()
        if self.value() == "yes":
            return queryset.exclude(result_count=0)
        return queryset


@admin.register(LoggedSearch)
class LoggedSearchAdmin(admin.ModelAdmin):
    """What visitors searched for. Read-only: the log is written by the search page, never by hand."""

    list_display = ("term", "result_count", "corrected_term", "kind", "searched_at")
    list_filter = (ResultsFilter, "kind", "searched_at")
    search_fields = ("term", "corrected_term")
    date_hierarchy = "searched_at"
    list_per_page = 100
    fields = ("term", "corrected_term", "kind", "result_count", "searched_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "no-results/",
                self.admin_site.admin_view(self.no_results_view),
                name=f"{opts.app_label}_{opts.model_name}_no_results",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        log.flush()  # the searches still waiting in the buffer, so the list is up to date
        extra_context = {
            **(extra_context or {}),
            "no_results_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_no_results"),
        }
        return super().changelist_view(request, extra_context)

    def no_results_view(self, request):
        """The terms searched for most often that found nothing, so editors can fill the gaps."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        log.flush()
        try:
            days = int(request.GET.get("days", DEFAULT_PERIOD))
        except ValueError:
            days = DEFAULT_PERIOD
        if days not in PERIODS:
            days = DEFAULT_PERIOD
        since = timezone.now() - datetime.timedelta(days=days)
        searches = LoggedSearch.objects.since(since)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Searches that found nothing",
            "subtitle": PERIODS[days],
            "periods": PERIODS.items(),
            "days": days,
            "no_results": searches.without_results().top_terms(TOP_TERMS),
            "most_searched": searches.top_terms(TOP_TERMS),
            "changelist_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/search/loggedsearch/no_results.html", context)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Abbreviations and common names people search by. A change applies to the next search; no reindex."""

    list_display = ("term", "meaning")
    search_fields = ("term", "meaning")
    fields = ("term", "meaning")
