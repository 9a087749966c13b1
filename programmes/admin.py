import os
import re
import tempfile

from django.contrib import admin, messages
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin
from import_export.tmp_storages import CacheStorage, TempFolderStorage

from publishing import workflow
from publishing.admin import (
    PUBLISHING_FIELDSET,
    HistoryAdmin,
    PublicationFilter,
    PublishableAdmin,
    ReadOnlyAdmin,
    RelatedFilter,
    ReviewFilter,
    WorkflowAdmin,
)
from security.exports import SpreadsheetSafeCSV

from .availability import Availability
from .models import Audience, Intake, Programme, ProgrammeLead, ProgrammePartner
from .resources import ProgrammeResource


class AvailabilityFilter(admin.SimpleListFilter):
    """What learners are told today: open for applications, opening soon and so on."""

    title = "availability"
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        return Availability.choices

    def queryset(self, request, queryset):
        if self.value() in Availability.values:
            return queryset.filter(availability=self.value())
        return queryset


class IntakeInline(admin.StackedInline):
    model = Intake
    extra = 1
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("label", "status"),
                    ("start_date", "end_date"),
                    ("applications_open", "application_deadline"),
                    "dates_to_be_confirmed",
                    ("places", "cost"),
                    "location",
                ),
                "description": (
                    "One run of the programme. Learners see whether it is open for applications, "
                    "opening soon, starting soon, running or closed, worked out from these dates."
                ),
            },
        ),
    )


class ProgrammePartnerInline(admin.TabularInline):
    model = ProgrammePartner
    extra = 1
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "role", "order")


class ProgrammeLeadInline(admin.TabularInline):
    model = ProgrammeLead
    extra = 1
    autocomplete_fields = ("person",)
    fields = ("person", "order")
    verbose_name_plural = "programme leads (shown as who teaches it)"


@admin.register(Programme)
class ProgrammeAdmin(ImportExportModelAdmin, PublishableAdmin):
    resource_classes = [ProgrammeResource]
    import_template_name = "admin/programmes/programme/import.html"
    list_display = (
        "title",
        "kind",
        "availability_display",
        "next_start_date_display",
        "publication",
        "review_date",
        "updated_at",
        "public_link",
    )
    list_filter = (
        PublicationFilter,
        "kind",
        ("work_streams", RelatedFilter),
        ("audiences", RelatedFilter),
        AvailabilityFilter,
        "level",
        "study_mode",
        ReviewFilter,
    )
    search_fields = (
        "title",
        "summary",
        "slug",
        "qualification",
        "partnerships__organisation__name",
        "partnerships__organisation__short_name",
    )
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("audiences", "work_streams", "topics", "related_programmes", "progression_to")
    inlines = (IntakeInline, ProgrammePartnerInline, ProgrammeLeadInline)
    fieldsets = (
        (
            None,
            {
                "fields": ("title", "slug", "kind", "summary"),
                "description": "The summary is shown on programme cards, in search results and to search engines.",
            },
        ),
        ("Image", {"fields": ("image", "image_alt", "image_decorative")}),
        (
            "About the programme",
            {
                "fields": ("overview", "who_for", "outcomes", "structure"),
                "description": (
                    "Formatted text: headings, bold, italic, lists and links (Ctrl+K; choose one of our pages or "
                    "give an address). Pasted text keeps its words, lists and emphasis, nothing else. "
                    "Empty sections are not shown."
                ),
            },
        ),
        (
            "Key facts",
            {
                "fields": (
                    ("qualification", "awarded_by"),
                    "level",
                    ("study_mode", "attendance_mode", "attendance_pattern"),
                    ("duration_value", "duration_unit"),
                    ("study_hours", "study_hours_per"),
                    "location",
                    "cohort_size",
                    ("fees_and_funding", "fee_category"),
                    "running_since",
                    "apply_url",
                ),
                "description": (
                    "Shown in the key-facts box. Fill in only what is known; an empty fact is left out. "
                    "Dates, places and application windows belong to the intakes below. Study time, price "
                    "category and attendance pattern are what search engines and course aggregators ask for."
                ),
            },
        ),
        (
            "Who it is for and where it belongs",
            {
                "fields": ("audiences", "work_streams", "topics"),
                "description": "These drive the catalogue filters, e.g. 'programmes for doctors'.",
            },
        ),
        (
            "Related programmes",
            {"fields": ("related_programmes", "progression_to"), "classes": ("collapse",)},
        ),
        PUBLISHING_FIELDSET,
    )

    @admin.display(description="availability", ordering="availability_rank")
    def availability_display(self, obj) -> str:
        return Availability(obj.availability).label

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Once for the whole intake inline, after every row is saved or deleted; a draft of a live
        # programme saved nothing, and publishing it refreshes them (Programme.rows_changed).
        saved_in_place = not getattr(request, "workflow_saved_draft", False)
        if saved_in_place and any(formset.model is Intake and formset.has_changed() for formset in formsets):
            form.instance.rows_changed()

    @admin.display(description="next start", ordering="next_start_date")
    def next_start_date_display(self, obj):
        return obj.next_start_date or "–"

    # CSV only, so the format is chosen for the editor; the spreadsheet-safe kind neutralises formula cells.
    import_formats = export_formats = [SpreadsheetSafeCSV]

    # Importing creates and changes live programmes at once, so it needs both permissions and the right to
    # publish (publishing.workflow); exporting needs view.
    def has_import_permission(self, request):
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and workflow.can_publish(request.user, Programme)
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def process_import(self, request, **kwargs):
        if not self.upload_is_waiting(request.POST.get("import_file_name", "")):
            messages.error(request, "That upload has expired or could not be found. Please upload the file again.")
            return HttpResponseRedirect(reverse("admin:programmes_programme_import"))
        return super().process_import(request, **kwargs)

    def upload_is_waiting(self, name: str) -> bool:
        """The confirm step names the file uploaded for the preview: accept only one we stored.

        The temporary-folder storage joins the name to a path and deletes that file afterwards, so a
        forged name such as "../db.sqlite3" must never reach it.
        """
        storage_class = self.get_tmp_storage_class()
        if issubclass(storage_class, TempFolderStorage):
            folder = os.path.realpath(tempfile.gettempdir())
            path = os.path.realpath(os.path.join(folder, name))
            return (
                bool(name)
                and os.path.dirname(path) == folder
                and os.path.basename(path).startswith("tmp")
                and os.path.isfile(path)
            )
        if re.fullmatch(r"[0-9a-f]{32}", name) is None:
            return False
        if issubclass(storage_class, CacheStorage):
            return cache.has_key(storage_class.CACHE_PREFIX + name)
        return True

    def get_import_data_kwargs(self, **kwargs):
        # The confirm step re-reads the file: if any row has become invalid since the dry run,
        # roll everything back rather than save the valid rows only.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            problems = [f"row {row.number}: {self.describe_invalid_row(row)}" for row in result.invalid_rows]
            problems += [f"row {row.number}: {row.errors[0].error}" for row in result.error_rows]
            problems += [str(error.error) for error in result.base_errors]
            messages.error(
                request,
                "Nothing was imported, because some rows are not valid: " + "; ".join(problems),
            )
            return HttpResponseRedirect(reverse("admin:programmes_programme_import"))
        return super().process_result(result, request)

    @staticmethod
    def describe_invalid_row(row) -> str:
        parts = [f"{field}: {' '.join(errors)}" for field, errors in row.field_specific_errors.items()]
        parts += list(row.non_field_specific_errors)
        return "; ".join(parts)


@admin.register(Intake)
class IntakeAdmin(ReadOnlyAdmin, HistoryAdmin):
    """Every intake across programmes, to check dates and deadlines at a glance.

    Read-only: an intake is edited with its programme, so that a change to a live programme's dates goes
    through the same draft, review and publication as the rest of the programme.
    """

    @admin.display(description="programme")
    def programme_link(self, obj):
        url = reverse("admin:programmes_programme_change", args=[obj.programme_id])
        return format_html('<a href="{}">Edit with {}</a>', url, obj.programme)

    list_display = (
        "__str__",
        "start_date",
        "application_deadline",
        "places",
        "status",
        "availability_display",
        "programme_link",
    )
    list_filter = ("status", AvailabilityFilter, "dates_to_be_confirmed")
    list_select_related = ("programme",)
    search_fields = ("label", "programme__title")
    autocomplete_fields = ("programme",)
    date_hierarchy = "start_date"

    @admin.display(description="availability", ordering="availability_rank")
    def availability_display(self, obj) -> str:
        return Availability(obj.availability).label


@admin.register(Audience)
class AudienceAdmin(WorkflowAdmin):
    list_display = ("name", "slug", "order")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (
            None,
            {
                "fields": ("name", "slug", "order"),
                "description": "Who programmes are for. Learners filter the catalogue by audience.",
            },
        ),
    )
