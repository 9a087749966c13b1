"""The enquiry inbox, for the "Enquiry handlers" group. Content editors have no enquiry permissions at all."""

import csv
import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from security.exports import spreadsheet_safe

from .emails import EMAILS, deliver
from .models import Enquiry

REFERENCE = re.compile(r"^\s*(?:ENQ-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


class StatusFilter(admin.SimpleListFilter):
    """The handler's view of status: workflow states plus "notification failed", which needs action first."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", "Open (new or in progress)"),
            *Enquiry.Status.choices,
            ("notification_failed", "Notification failed"),
            ("acknowledgement_failed", "Acknowledgement to the visitor failed"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "open":
                return queryset.exclude(status=Enquiry.Status.CLOSED)
            case "notification_failed":
                return queryset.filter(notification_status=Enquiry.Notification.FAILED)
            case "acknowledgement_failed":
                return queryset.filter(acknowledgement_status=Enquiry.Notification.FAILED)
            case value if value in Enquiry.Status.values:
                return queryset.filter(status=value)
        return queryset


def staff_name(user) -> str:
    return user.get_full_name() or user.get_username()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return staff_name(obj)


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = (
        "reference_display",
        "name",
        "organisation",
        "kind",
        "status_display",
        "work_stream",
        "programme",
        "routed_via",
        "handler",
        "age",
    )
    list_display_links = ("reference_display", "name")
    list_filter = (
        StatusFilter,
        "notification_status",
        "kind",
        "routed_via",
        ("work_stream", admin.RelatedOnlyFieldListFilter),
        ("programme", admin.RelatedOnlyFieldListFilter),
        ("handled_by", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "email", "organisation", "role", "message", "internal_notes")
    search_help_text = "Search by name, e-mail, organisation, message or notes, or by reference such as ENQ-00012."
    date_hierarchy = "created_at"
    list_select_related = ("work_stream", "programme", "handled_by")
    list_per_page = 50
    ordering = ("-created_at",)
    view_on_site = False  # an enquiry has no public page
    actions = (
        "mark_in_progress",
        "mark_closed",
        "mark_new",
        "assign_to_me",
        "retry_notification",
        "export_csv",
    )
    fieldsets = (
        (
            "Handling",
            {
                "fields": ("status", "handled_by", "internal_notes"),
                "description": "Assign the enquiry, keep notes for colleagues and close it when it is answered. "
                "Closed enquiries are deleted automatically after the retention period.",
            },
        ),
        (
            "The enquiry",
            {
                "fields": (
                    "reference",
                    "created_at",
                    "kind",
                    "name",
                    "email_link",
                    "organisation",
                    "role",
                    "phone",
                    "work_stream",
                    "programme",
                    "cohort_size",
                    "timing",
                    "message",
                    "consent",
                )
            },
        ),
        (
            "Routing and notification",
            {
                "fields": (
                    "routed_via",
                    "routed_to",
                    "notification_status",
                    "notification_attempts",
                    "notification_error",
                    "notified_at",
                    "acknowledgement_status",
                    "acknowledgement_attempts",
                    "acknowledgement_error",
                    "acknowledged_at",
                ),
                "description": "Who was e-mailed about this enquiry, and whether the visitor was sent the "
                "acknowledgement. Failed e-mails are retried on their own for a while; then use the action "
                '"Retry the failed e-mails" in the list.',
            },
        ),
        ("Record", {"fields": ("closed_at", "updated_at"), "classes": ("collapse",)}),
    )
    # What the visitor sent and what the site recorded is never edited: everything but "Handling".
    readonly_fields = tuple(field for _name, options in fieldsets[1:] for field in options["fields"])

    def has_add_permission(self, request):
        return False  # enquiries come from the public form only

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("contacts.export_enquiry")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "handled_by":
            # A short list of active staff by name; handlers need no permission to browse user accounts.
            kwargs["queryset"] = (
                get_user_model().objects.filter(is_staff=True, is_active=True).order_by("first_name", "last_name")
            )
            kwargs["form_class"] = StaffChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        if match := REFERENCE.match(search_term):
            return queryset.filter(pk=int(match[1])), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="reference", ordering="pk")
    def reference_display(self, obj: Enquiry) -> str:
        return obj.reference

    @admin.display(description="status", ordering="status")
    def status_display(self, obj: Enquiry):
        if obj.notification_failed:
            return format_html("<strong>Notification failed</strong><br>{}", obj.get_status_display())
        if obj.acknowledgement_failed:
            return format_html("<strong>Acknowledgement failed</strong><br>{}", obj.get_status_display())
        return obj.get_status_display()

    @admin.display(description="handled by", ordering="handled_by__first_name")
    def handler(self, obj: Enquiry) -> str:
        return staff_name(obj.handled_by) if obj.handled_by else "–"

    @admin.display(description="age", ordering="created_at")
    def age(self, obj: Enquiry) -> str:
        return timesince(obj.created_at, depth=1)

    @admin.display(description="e-mail")
    def email_link(self, obj: Enquiry):
        return format_html('<a href="mailto:{}">{}</a>', obj.email, obj.email)

    def _set_status(self, request, queryset, status: str) -> None:
        changed = list(queryset.exclude(status=status))
        Enquiry.objects.filter(pk__in=[obj.pk for obj in changed]).set_status(status)
        label = Enquiry.Status(status).label
        LogEntry.objects.log_actions(request.user.pk, changed, CHANGE, change_message=f"Status changed to {label}.")
        self.message_user(
            request,
            ngettext("%(count)d enquiry marked %(label)s.", "%(count)d enquiries marked %(label)s.", len(changed))
            % {"count": len(changed), "label": label.lower()},
            messages.SUCCESS,
        )

    @admin.action(description="Mark selected enquiries as in progress", permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._set_status(request, queryset, Enquiry.Status.IN_PROGRESS)

    @admin.action(description="Mark selected enquiries as closed", permissions=["change"])
    def mark_closed(self, request, queryset):
        self._set_status(request, queryset, Enquiry.Status.CLOSED)

    @admin.action(description="Mark selected enquiries as new", permissions=["change"])
    def mark_new(self, request, queryset):
        self._set_status(request, queryset, Enquiry.Status.NEW)

    @admin.action(description="Assign selected enquiries to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        changed = list(queryset.filter(Q(handled_by__isnull=True) | ~Q(handled_by=request.user)))
        Enquiry.objects.filter(pk__in=[obj.pk for obj in changed]).update(
            handled_by=request.user, updated_at=timezone.now()
        )
        LogEntry.objects.log_actions(
            request.user.pk, changed, CHANGE, change_message=f"Assigned to {staff_name(request.user)}."
        )
        self.message_user(
            request,
            ngettext("%d enquiry assigned to you.", "%d enquiries assigned to you.", len(changed)) % len(changed),
            messages.SUCCESS,
        )

    @admin.action(description="Retry the failed e-mails", permissions=["change"])
    def retry_notification(self, request, queryset):
        """Send each selected enquiry's e-mails that have not gone (never one that has: `deliver` checks)."""
        results = [
            deliver(enquiry, email)
            for enquiry in queryset.select_related("work_stream", "programme")
            for email in EMAILS.values()
            if email.status(enquiry) != Enquiry.Notification.SENT
        ]
        sent, failed = results.count(True), results.count(False)
        if sent:
            self.message_user(request, ngettext("%d e-mail sent.", "%d e-mails sent.", sent) % sent, messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                ngettext("%d e-mail failed again.", "%d e-mails failed again.", failed) % failed
                + " The error is shown on each enquiry.",
                messages.ERROR,
            )
        if not results:
            self.message_user(request, "The selected enquiries' e-mails had all been sent already.", messages.INFO)

    @admin.action(description="Export selected enquiries as CSV", permissions=["export"])
    def export_csv(self, request, queryset):
        filename = f"enquiries-{timezone.localdate():%Y-%m-%d}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
        writer = csv.writer(response)
        writer.writerow(
            [
                "Reference",
                "Received",
                "Status",
                "Notification",
                "Kind",
                "Name",
                "E-mail",
                "Organisation",
                "Role",
                "Telephone",
                "Work stream",
                "Programme",
                "Cohort size",
                "Timing",
                "Message",
                "Routed to",
                "Routed addresses",
                "Handled by",
                "Internal notes",
            ]
        )
        rows = queryset.select_related("work_stream", "programme", "handled_by").order_by("created_at")
        for enquiry in rows.iterator(chunk_size=500):
            writer.writerow(
                [
                    spreadsheet_safe(value)
                    for value in (
                        enquiry.reference,
                        timezone.localtime(enquiry.created_at).strftime("%Y-%m-%d %H:%M"),
                        enquiry.get_status_display(),
                        enquiry.get_notification_status_display(),
                        enquiry.get_kind_display(),
                        enquiry.name,
                        enquiry.email,
                        enquiry.organisation,
                        enquiry.role,
                        enquiry.phone,
                        enquiry.work_stream.title if enquiry.work_stream else "",
                        enquiry.programme.title if enquiry.programme else "",
                        enquiry.cohort_size if enquiry.cohort_size is not None else "",
                        enquiry.timing,
                        enquiry.message,
                        enquiry.get_routed_via_display(),
                        ", ".join(enquiry.routed_addresses),
                        staff_name(enquiry.handled_by) if enquiry.handled_by else "",
                        enquiry.internal_notes,
                    )
                ]
            )
        LogEntry.objects.log_actions(request.user.pk, list(queryset), CHANGE, change_message="Exported as CSV.")
        return response
