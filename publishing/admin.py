"""Admin building blocks shared by the catalogue admins.

`HistoryAdmin` (every catalogue admin) is django-simple-history's admin with revert, hardened and
showing inline rows' changes. `PublishableAdmin` adds, for draft/published models, publish and
unpublish actions recorded in that history, filters for what is live and what is due for review,
and a link that previews a draft on its public page.
"""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from .models import Status

PUBLISHING_FIELDSET = (
    "Publishing",
    {
        "fields": ("status", "publish_from", "review_by", "public_page"),
        "description": (
            "A draft is private: only signed-in staff can open it, with a Preview banner. "
            "Choose Published when the page is ready; add a 'publish from' date to schedule it."
        ),
    },
)

REVIEW_SOON_DAYS = 30
RELATED_HISTORY_LIMIT = 50


class PublicationFilter(admin.SimpleListFilter):
    """Draft, scheduled or live, exactly as `published()` decides."""

    title = "status"
    parameter_name = "publication"

    def lookups(self, request, model_admin):
        return [
            ("live", "Published and live"),
            ("scheduled", "Published, scheduled for later"),
            ("draft", "Draft"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.published()
            case "scheduled":
                return queryset.filter(status=Status.PUBLISHED, publish_from__gt=timezone.now())
            case "draft":
                return queryset.filter(status=Status.DRAFT)
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    """Finds stale pages: those whose review-by date has passed or is near."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("due", "Due for review"),
            ("soon", f"Review due in the next {REVIEW_SOON_DAYS} days"),
            ("none", "No review date"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "due":
                return queryset.due_for_review()
            case "soon":
                return queryset.filter(
                    review_by__gt=today, review_by__lte=today + datetime.timedelta(days=REVIEW_SOON_DAYS)
                )
            case "none":
                return queryset.filter(review_by__isnull=True)
        return queryset


class RelatedFilter(admin.RelatedFieldListFilter):
    """Filter by a related record; its empty choice reads "None", e.g. programmes in no work stream."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = "None"


def describe_publication(obj) -> str:
    if obj.status == Status.DRAFT:
        return "Draft"
    if obj.is_public:
        return "Published"
    return f"Scheduled for {date_format(timezone.localtime(obj.publish_from), 'j M Y, H:i')}"


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin, hardened: a malformed id is a 404, reverting restores tracked
    many-to-many fields too, and the history page lists changes to the rows edited inline."""

    object_history_template = "admin/publishing/object_history.html"

    def valid_pk(self, value) -> bool:
        try:
            self.opts.pk.to_python(value)
        except (ValidationError, ValueError, TypeError):
            return False
        return True

    def history_view(self, request, object_id, extra_context=None):
        if not self.valid_pk(unquote(object_id)):
            raise Http404("No such record.")
        extra_context = {**(extra_context or {}), "related_history": self.related_history(request, object_id)}
        return super().history_view(request, object_id, extra_context)

    def related_history(self, request, object_id) -> list[dict]:
        """Recent changes to the rows edited inline (intakes, partners, goals...), with who and what.

        They have their own history tables; reverting the page does not touch them, so the editor
        needs to see them here to put a row back by hand.
        """
        sections = []
        for inline in self.get_inline_instances(request):
            history = getattr(inline.model, "history", None)
            if history is None:
                continue
            fk_name = next(
                field.attname
                for field in inline.model._meta.concrete_fields
                if field.is_relation and field.related_model is self.model
            )
            records = list(
                history.filter(**{fk_name: object_id}).select_related("history_user")[:RELATED_HISTORY_LIMIT]
            )
            for record in records:
                previous = record.prev_record if record.history_type == "~" else None
                record.field_changes = (
                    HistoricalRecordContextHelper(inline.model, record).context_for_delta_changes(
                        record.diff_against(previous)
                    )
                    if previous is not None
                    else []
                )
            if records:
                sections.append({"title": inline.model._meta.verbose_name_plural, "records": records})
        return sections

    # Reverting restores tracked many-to-many fields (audiences, topics...) as they were in the
    # chosen version; simple_history's own revert form would show their current values.
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.valid_pk(unquote(object_id)) or not version_id.isdigit():
            raise Http404("No such version.")
        request.history_version_id = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        version_id = getattr(request, "history_version_id", None)
        if version_id is None or obj is None:
            return form_class
        initial = self.historical_m2m_initial(obj.pk, version_id, form_class.base_fields)
        if not initial:
            return form_class

        class HistoricalVersionForm(form_class):
            def __init__(self, *args, **form_kwargs):
                form_kwargs["initial"] = {**initial, **(form_kwargs.get("initial") or {})}
                super().__init__(*args, **form_kwargs)

        return HistoricalVersionForm

    def historical_m2m_initial(self, object_id, version_id, form_fields) -> dict:
        history_model = self.model.history.model
        record = history_model.objects.filter(**{self.opts.pk.attname: object_id, "history_id": version_id}).first()
        if record is None:
            return {}
        initial = {}
        for field in getattr(record, "_history_m2m_fields", []):
            if field.name not in form_fields:
                continue
            related = get_m2m_reverse_field_name(field)
            initial[field.name] = [getattr(row, f"{related}_id") for row in getattr(record, field.name).all()]
        return initial


class PublishableAdmin(HistoryAdmin):
    """Base admin for models built on `publishing.models.Publishable`."""

    actions = ["publish", "unpublish"]
    list_per_page = 50
    view_on_site = True
    save_on_top = True
    readonly_fields = ("public_page", "created_at", "updated_at")
    history_list_display = ["status"]

    @admin.display(description="status", ordering="status")
    def publication(self, obj) -> str:
        return describe_publication(obj)

    @admin.display(description="review by", ordering="review_by")
    def review_date(self, obj) -> str:
        if obj.review_by is None:
            return "–"
        text = date_format(obj.review_by, "j M Y")
        return f"{text} (due)" if obj.is_due_for_review else text

    @admin.display(description="public page")
    def public_link(self, obj):
        """A short link for the change list: preview for drafts, view for live pages."""
        label = "View" if obj.is_public else "Preview"
        return format_html('<a href="{}" aria-label="{} {}">{}</a>', obj.get_absolute_url(), label, str(obj), label)

    @admin.display(description="public page")
    def public_page(self, obj) -> str:
        """Shown on the change form, so an editor can always see the page as the public will."""
        if obj is None or obj.pk is None:
            return "Save this page first; you can then preview it as the public will see it."
        url = obj.get_absolute_url()
        if obj.is_public:
            return format_html('<a href="{}">View on site</a> (published: everyone can see it)', url)
        return format_html(
            '<a href="{}">Preview this {}</a> ({}: only signed-in staff can see it, with a Preview banner)',
            url,
            obj._meta.verbose_name,
            describe_publication(obj).lower(),
        )

    @admin.action(description="Publish the selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        changed = self.set_status(request, queryset, Status.PUBLISHED)
        scheduled = [obj for obj in changed if not obj.is_public]
        self.message_user(
            request,
            ngettext("Published %(count)d %(name)s.", "Published %(count)d %(names)s.", len(changed))
            % {
                "count": len(changed),
                "name": self.opts.verbose_name,
                "names": self.opts.verbose_name_plural,
            },
            messages.SUCCESS,
        )
        if scheduled:
            self.message_user(
                request,
                "Not yet visible because of a 'publish from' date: "
                + "; ".join(f"{obj} ({describe_publication(obj).lower()})" for obj in scheduled),
                messages.WARNING,
            )

    @admin.action(description="Unpublish the selected %(verbose_name_plural)s (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = self.set_status(request, queryset, Status.DRAFT)
        self.message_user(
            request,
            ngettext(
                "Unpublished %(count)d %(name)s; it is a draft again.",
                "Unpublished %(count)d %(names)s; they are drafts again.",
                len(changed),
            )
            % {
                "count": len(changed),
                "name": self.opts.verbose_name,
                "names": self.opts.verbose_name_plural,
            },
            messages.SUCCESS,
        )

    def set_status(self, request, queryset, status: str) -> list:
        """Save each record (not a bulk update) so that history records who changed what."""
        changed = []
        for obj in queryset.exclude(status=status):
            obj.status = status
            obj._history_user = request.user
            obj._change_reason = f"{Status(status).label} from the list"
            obj.save()
            self.log_change(request, obj, [{"changed": {"fields": ["Status"]}}])
            changed.append(obj)
        return changed
