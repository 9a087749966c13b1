"""Admin building blocks shared by the catalogue admins: history, the editorial workflow and publishing.

- `HistoryAdmin`: django-simple-history's admin, hardened; its history page also lists the rows edited inline
  and every workflow step, and each version can be compared with the live record and restored as a draft.
- `WorkflowAdmin` (every public record, topics and organisations included): editing a live record saves a
  pending change instead of the record; the change form loads it, warns about other editors and refuses to
  overwrite a version saved since the form was opened; preview, compare, submit, approve, reject, schedule
  and discard are pages of the record's admin. The rules themselves live in `publishing.workflow`.
- `PublishableAdmin`: adds the draft/published status, its list filters and the publish/unpublish actions.
"""

import datetime
import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import diffs, previews, snapshots, workflow
from .checks import content_warnings
from .models import ChangeState, PendingChange, Status, WorkflowEvent

PUBLISHING_FIELDSET = (
    "Publishing",
    {
        "fields": ("publication_state", "review_by", "public_page"),
        "description": (
            "Changes to a published page are saved as a draft: the live page stays as it is until the "
            "changes are published. Preview and compare them with the buttons below the form."
        ),
    },
)

REVIEW_SOON_DAYS = 30
RELATED_HISTORY_LIMIT = 50
WORKFLOW_EVENT_LIMIT = 100
EDITING_BASE_SALT = "publishing.editing-base"


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that lists and shows records but never adds, changes or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PendingChangeFilter(admin.SimpleListFilter):
    """Records with changes on their way: drafted, awaiting review, sent back or scheduled."""

    title = "unpublished changes"
    parameter_name = "changes"

    def lookups(self, request, model_admin):
        return [("any", "Any unpublished changes"), *ChangeState.choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        pending = PendingChange.objects.of_model(queryset.model)
        if value != "any":
            pending = pending.filter(state=value)
        return queryset.filter(pk__in=pending.values("object_id"))


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


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i")


# History ------------------------------------------------------------------------------------------------


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin, hardened: a malformed id is a 404, and the history page lists the changes to
    the rows edited inline and the workflow's steps. Opening a version compares it with the live record and
    offers to restore it as a draft (`workflow.revert`), inline rows and links included."""

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
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "related_history": self.related_history(request, object_id),
            "workflow_events": self.workflow_events(obj) if obj is not None else [],
        }
        return super().history_view(request, object_id, extra_context)

    def workflow_events(self, obj) -> list[WorkflowEvent]:
        return list(
            WorkflowEvent.objects.filter(
                content_type__app_label=self.opts.app_label, content_type__model=self.opts.model_name, object_id=obj.pk
            ).select_related("user")[:WORKFLOW_EVENT_LIMIT]
        )

    def related_history(self, request, object_id) -> list[dict]:
        """Recent changes to the rows edited inline (intakes, partners, goals...), with who and what."""
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

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version: compared with the live record, with a button that restores it as a draft."""
        if not self.valid_pk(unquote(object_id)) or not version_id.isdigit():
            raise Http404("No such version.")
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such record.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        record = get_object_or_404(self.model.history.model, **{self.opts.pk.attname: obj.pk, "history_id": version_id})
        if request.method == "POST":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            try:
                change = workflow.revert(obj, record, user=request.user)
            except workflow.WorkflowError as problem:
                self.message_workflow_error(request, problem)
                return HttpResponseRedirect(request.path)
            when = _when(record.history_date)
            if change is None:
                messages.success(request, f"Restored the version of {when}.")
            else:
                messages.success(
                    request,
                    f"The version of {when} is now a draft. The live page is unchanged until it is published.",
                )
            return HttpResponseRedirect(self.url("change", obj))
        comparison = diffs.compare(type(obj), snapshots.read(obj), snapshots.read_historical(obj, record))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Version of {_when(record.history_date)}",
            "subtitle": str(obj),
            "record": record,
            "comparison": comparison,
            "before_label": "Live now" if workflow.is_live(obj) else "Now",
            "after_label": f"Version of {_when(record.history_date)}",
            "can_restore": self.has_change_permission(request, obj),
            "history_url": self.url("history", obj),
        }
        return TemplateResponse(request, "admin/publishing/version.html", context)

    def url(self, name: str, obj, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[obj.pk, *args])

    @staticmethod
    def message_workflow_error(request, problem) -> None:
        text = problem.message
        if problem.reasons:
            text += " " + " ".join(f"({index}) {reason}" for index, reason in enumerate(problem.reasons, start=1))
        messages.error(request, text)


# The editorial workflow ---------------------------------------------------------------------------------


class PendingRowsFormSetMixin:
    """An inline formset that, unbound, shows a pending change's rows instead of the live ones."""

    def __init__(self, *args, pending_rows=None, **kwargs):
        self.pending_rows = pending_rows
        if pending_rows is not None and kwargs.get("data") is None:
            new_rows = [row for row in pending_rows if row.pk is None]
            kwargs["initial"] = [model_to_dict(row, exclude=[self.fk.name, "id"]) for row in new_rows]
        super().__init__(*args, **kwargs)
        if pending_rows is not None and not self.is_bound:
            self.extra = max(self.extra, len(kwargs["initial"]))

    def get_queryset(self):
        if self.pending_rows is None or self.is_bound:
            return super().get_queryset()
        return [row for row in self.pending_rows if row.pk is not None]


@functools.cache
def pending_rows_formset(formset_class):
    return type(formset_class.__name__, (PendingRowsFormSetMixin, formset_class), {})


class WorkflowAdmin(HistoryAdmin):
    """Drafts, review and scheduling for a public record (see the module docstring)."""

    change_form_template = "admin/publishing/change_form.html"
    readonly_fields = ("public_page",)

    class Media:
        js = ("js/admin-accessibility.js",)  # names Django's inline and autocomplete widgets leave out

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), PendingChangeFilter)

    # What the editor's form started from -----------------------------------------------------------

    def workflow_state(self, request, obj) -> tuple[PendingChange | None, bool]:
        """The record's pending change, and whether this form edits it (True) or the record in place."""
        cache = request.__dict__.setdefault("_workflow_state", {})
        key = (self.opts.label, obj.pk if obj is not None else None)
        if key not in cache:
            change = workflow.pending_change(obj) if obj is not None else None
            cache[key] = (change, obj is not None and workflow.edits_go_to_pending_change(obj, change))
        return cache[key]

    def editing_base(self, request, obj) -> dict:
        """What the form is opened on: the pending change's content, or the record's as stored."""
        cache = request.__dict__.setdefault("_workflow_base", {})
        key = (self.opts.label, obj.pk)
        if key not in cache:
            cache[key] = workflow.current_snapshot(obj, self.workflow_state(request, obj)[0])
        return cache[key]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "GET":
            change, pending = self.workflow_state(request, obj)
            if pending and change is not None and change.snapshot is not None:
                snapshots.assign(obj, change.snapshot)  # the form shows the draft, not the live record
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None or obj.pk is None:
            return form_class
        pending_change, _pending = self.workflow_state(request, obj)
        base = self.editing_base(request, obj)
        initial = {}
        if request.method == "GET" and pending_change is not None and pending_change.snapshot is not None:
            initial = dict(pending_change.snapshot["links"])
        model_admin = self

        class WorkflowForm(form_class):
            """The record's form, carrying what it was opened on so that a later save cannot be lost."""

            editing_base = forms.CharField(widget=forms.HiddenInput, required=False)

            def __init__(self, *args, **form_kwargs):
                form_kwargs["initial"] = {
                    **initial,
                    "editing_base": signing.dumps(base, salt=EDITING_BASE_SALT, compress=True),
                    **(form_kwargs.get("initial") or {}),
                }
                super().__init__(*args, **form_kwargs)

            def clean(self):
                cleaned_data = super().clean()
                model_admin.check_not_overwriting(request, obj, self, base)
                return cleaned_data

        return WorkflowForm

    def check_not_overwriting(self, request, obj, form, current: dict) -> None:
        """Refuse a save made on a version that someone else has changed since the form was opened."""
        try:
            opened = signing.loads(form.data.get("editing_base", ""), salt=EDITING_BASE_SALT)
        except signing.BadSignature:
            opened = None
        if opened == current:
            return
        # The form now carries the current version: saving again deliberately replaces it.
        form.data = form.data.copy()
        form.data["editing_base"] = signing.dumps(current, salt=EDITING_BASE_SALT, compress=True)
        change, _pending = self.workflow_state(request, obj)
        who = change.updated_by if change is not None and change.snapshot is not None else None
        comparison = diffs.compare(type(obj), opened, current) if opened is not None else None
        request.workflow_conflict = comparison
        raise ValidationError(
            "%(who)s saved this %(kind)s after you opened it, so your changes were not saved. They are still in "
            "the form below. What changed meanwhile is listed at the top; to keep your version, check it and "
            "save again.",
            code="edit_conflict",
            params={
                "who": who.get_full_name() or who.get_username() if who else "Someone",
                "kind": self.opts.verbose_name,
            },
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if request.method == "GET" and obj is not None and obj.pk is not None:
            change, pending = self.workflow_state(request, obj)
            if pending and change is not None and change.snapshot is not None:
                relation = next(r for r in snapshots.shape_of(self.model).relations if r.model is inline.model)
                rows = change.snapshot["rows"].get(relation.name)
                if rows is not None:
                    kwargs["pending_rows"] = snapshots.row_instances(obj, relation, rows)
        return kwargs

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            inline.formset = pending_rows_formset(inline.formset)
        return inlines

    # Saving --------------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change and self.workflow_state(request, obj)[1]:
            return  # a live record: what was typed becomes its pending change in save_related
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        pending = self.workflow_state(request, obj)[1] if change else False
        if pending:
            snapshot = snapshots.read_forms(self.editing_base(request, obj), form, formsets)
            workflow.save_draft(obj, snapshot, user=request.user)
        else:
            super().save_related(request, form, formsets, change)
            if change:
                workflow.edited_in_place(obj, user=request.user)
        request.workflow_saved_draft = pending
        request.workflow_step = self.after_save_step(request, obj)
        request.content_warnings = content_warnings(self.model, form.cleaned_data)

    def after_save_step(self, request, obj) -> str:
        """Submit or publish after saving, as the button pressed asks; the saved draft is kept either way."""
        step = request.POST.get("_save", "")
        try:
            if step == "submit":
                workflow.submit(obj, user=request.user)
            elif step == "publish":
                workflow.publish(obj, user=request.user)
            else:
                return "saved"
        except workflow.WorkflowError as problem:
            request.workflow_problem = problem
            return "failed"
        return step

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "workflow_saved_draft", False):
            return []  # nothing was saved to the record; log_change says what happened
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if getattr(request, "workflow_saved_draft", False):
            message = "Saved a draft; the live record is unchanged."
        return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if "_popup" in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_after_save(request, obj)
        return HttpResponseRedirect(self.url("change", obj))

    def response_change(self, request, obj):
        if "_popup" in request.POST or "_saveasnew" in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        self.message_after_save(request, obj)
        return HttpResponseRedirect(self.url("change", obj))

    def message_after_save(self, request, obj) -> None:
        step = getattr(request, "workflow_step", "saved")
        kind = self.opts.verbose_name
        draft = getattr(request, "workflow_saved_draft", False)
        saved = (
            f"Draft saved. The live {kind} is unchanged until these changes are published."
            if draft
            else f"The {kind} “{obj}” was saved."
        )
        if step == "submitted" or step == "submit":
            messages.success(request, saved.removesuffix(".") + ", and submitted for review.")
        elif step == "publish":
            messages.success(request, f"Published: the {kind} “{obj}” is live.")
        elif step == "failed":
            messages.success(request, saved)
            self.message_workflow_error(request, request.workflow_problem)
        else:
            messages.success(request, saved)
        for warning in getattr(request, "content_warnings", []):
            messages.warning(request, warning)

    # The change form ------------------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            pending_change, pending = self.workflow_state(request, obj)
            context.update(self.workflow_context(request, obj, pending_change, pending))
        else:
            context.update(
                can_publish=workflow.can_publish(request.user, self.model),
                review_required=workflow.review_required(),
            )
        context["workflow_conflict"] = getattr(request, "workflow_conflict", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, obj, pending_change, pending) -> dict:
        state = pending_change.state if pending_change is not None else None
        return {
            "pending_change": pending_change,
            "edits_pending_change": pending,
            "is_live": workflow.is_live(obj),
            "can_publish": workflow.can_publish(request.user, self.model),
            "review_required": workflow.review_required(),
            "can_submit": state in (None, ChangeState.DRAFT, ChangeState.REJECTED)
            and not workflow.nothing_to_publish(obj, pending_change),
            "has_changes": not workflow.nothing_to_publish(obj, pending_change),
            "other_editor": (
                pending_change.updated_by
                if pending_change is not None and pending_change.updated_by not in (None, request.user)
                else None
            ),
            "preview_url": self.url("preview", obj),
            "compare_url": self.url("compare", obj),
            "discard_url": self.url("discard", obj),
        }

    @admin.display(description="public page")
    def public_page(self, obj) -> str:
        """Shown on the change form, so an editor can always see the page as the public does or will."""
        if obj is None or obj.pk is None:
            return "Save this page first; you can then preview it as the public will see it."
        url = obj.get_absolute_url()
        if not workflow.is_publishable(obj) or obj.is_public:
            return format_html('<a href="{}">View on site</a> (published: everyone can see it)', url)
        return format_html(
            '<a href="{}">Preview this {}</a> ({}: only signed-in staff can see it, with a Preview banner)',
            url,
            obj._meta.verbose_name,
            describe_publication(obj).lower(),
        )

    # Workflow pages --------------------------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/preview/", wrap(self.preview_view), name=f"{prefix}_preview"),
            path("<path:object_id>/preview/page/", wrap(self.preview_page_view), name=f"{prefix}_preview_page"),
            path("<path:object_id>/compare/", wrap(self.compare_view), name=f"{prefix}_compare"),
            path("<path:object_id>/review/", wrap(self.review_view), name=f"{prefix}_review"),
            path("<path:object_id>/discard/", wrap(self.discard_view), name=f"{prefix}_discard"),
            *super().get_urls(),
        ]

    def workflow_object(self, request, object_id):
        """The live record behind a workflow page, or a 404; the visitor must be allowed to view it."""
        if not self.valid_pk(unquote(object_id)):
            raise Http404("No such record.")
        obj = self.model._default_manager.filter(pk=unquote(object_id)).first()
        if obj is None:
            raise Http404("No such record.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def preview_view(self, request, object_id):
        """The preview at phone or desktop width, framed, with links back to editing."""
        obj = self.workflow_object(request, object_id)
        width = request.GET.get("width", "desktop")
        if width not in previews.WIDTHS:
            width = "desktop"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Preview of {obj}",
            "subtitle": None,
            "widths": previews.WIDTHS,
            "width": width,
            "page_url": self.url("preview_page", obj),
            "compare_url": self.url("compare", obj),
            "change_url": self.url("change", obj),
            "pending_change": workflow.pending_change(obj),
        }
        return TemplateResponse(request, "admin/publishing/preview.html", context)

    def preview_page_view(self, request, object_id):
        obj = self.workflow_object(request, object_id)
        return previews.render(request, obj, workflow.pending_change(obj))

    def compare_view(self, request, object_id):
        obj = self.workflow_object(request, object_id)
        pending_change = workflow.pending_change(obj)
        live = snapshots.read(obj)
        if pending_change is not None and pending_change.snapshot is not None:
            comparison = diffs.compare(type(obj), live, pending_change.snapshot)
        elif workflow.is_live(obj):
            comparison = None
        else:
            comparison = diffs.compare(type(obj), None, live)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Changes to {obj}",
            "subtitle": None,
            "comparison": comparison,
            "before_label": "Live now" if workflow.is_live(obj) else "Not yet published",
            "after_label": "With the changes",
            "pending_change": pending_change,
            "is_live": workflow.is_live(obj),
            "can_publish": workflow.can_publish(request.user, self.model),
            "can_edit": self.has_change_permission(request, obj),
            "review_required": workflow.review_required(),
            "review_form": ReviewForm(),
            "review_url": self.url("review", obj),
            "preview_url": self.url("preview", obj),
            "change_url": self.url("change", obj),
            "history_url": self.url("history", obj),
        }
        return TemplateResponse(request, "admin/publishing/compare.html", context)

    def review_view(self, request, object_id):
        """A publisher's decision, or an editor's submission, posted from the compare page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.workflow_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = ReviewForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(self.url("compare", obj))
        decision = form.cleaned_data["decision"]
        try:
            match decision:
                case "submit":
                    workflow.submit(obj, user=request.user)
                    messages.success(request, "Submitted for review. Publishers have been told.")
                case "publish":
                    workflow.publish(obj, user=request.user)
                    messages.success(request, f"Published: the {self.opts.verbose_name} “{obj}” is live.")
                case "schedule":
                    change = workflow.approve(obj, user=request.user, go_live_at=form.cleaned_data["go_live_at"])
                    messages.success(request, f"Approved: the changes go live on {_when(change.go_live_at)}.")
                case "reject":
                    workflow.reject(obj, user=request.user, comment=form.cleaned_data["comment"])
                    messages.success(request, "Sent back to the editor with your comment.")
                case "unschedule":
                    workflow.unschedule(obj, user=request.user)
                    messages.success(request, "The schedule is cancelled; the changes are waiting for review again.")
        except workflow.WorkflowError as problem:
            self.message_workflow_error(request, problem)
            return HttpResponseRedirect(self.url("compare", obj))
        return HttpResponseRedirect(self.url("change", obj))

    def discard_view(self, request, object_id):
        obj = self.workflow_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            try:
                workflow.discard(obj, user=request.user)
            except workflow.WorkflowError as problem:
                self.message_workflow_error(request, problem)
            else:
                messages.success(request, "The unpublished changes were discarded.")
            return HttpResponseRedirect(self.url("change", obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": "Discard the unpublished changes?",
            "subtitle": str(obj),
            "pending_change": workflow.pending_change(obj),
            "change_url": self.url("change", obj),
        }
        return TemplateResponse(request, "admin/publishing/discard.html", context)

    # Deleting a record deletes its pending change (its workflow events stay, as history).

    def delete_model(self, request, obj):
        PendingChange.objects.of(obj).delete()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        PendingChange.objects.of_model(self.model).filter(object_id__in=queryset.values("pk")).delete()
        super().delete_queryset(request, queryset)


class ReviewForm(forms.Form):
    DECISIONS = [
        ("submit", "Submit for review"),
        ("publish", "Publish now"),
        ("schedule", "Approve and schedule"),
        ("reject", "Ask for changes"),
        ("unschedule", "Cancel the schedule"),
    ]
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    go_live_at = forms.DateTimeField(
        label="Go live at",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="UK time.",
    )
    comment = forms.CharField(
        label="What needs to change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The editor reads this in an e-mail and on the page.",
    )

    def clean(self):
        cleaned_data = super().clean()
        decision = cleaned_data.get("decision")
        if decision == "schedule":
            go_live_at = cleaned_data.get("go_live_at")
            if go_live_at is None:
                self.add_error("go_live_at", "Choose the date and time the changes should go live.")
            elif go_live_at <= timezone.now():
                self.add_error("go_live_at", "That time has passed. Choose a time in the future, or publish now.")
        if decision == "reject" and not (cleaned_data.get("comment") or "").strip():
            self.add_error("comment", "Say what needs to change: the comment is what the editor will read.")
        return cleaned_data


class PublishableAdmin(WorkflowAdmin):
    """Base admin for models built on `publishing.models.Publishable`."""

    actions = ["publish", "unpublish"]
    list_per_page = 50
    view_on_site = True
    save_on_top = True
    readonly_fields = ("publication_state", "public_page", "created_at", "updated_at")
    history_list_display = ["status"]

    @admin.display(description="status", ordering="status")
    def publication(self, obj) -> str:
        return describe_publication(obj)

    @admin.display(description="status")
    def publication_state(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "Draft (new)"
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

    @admin.action(description="Publish the selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        published, problems = [], []
        for obj in queryset:
            try:
                workflow.publish(obj, user=request.user)
            except workflow.WorkflowError as problem:
                problems.append(f"{obj}: {' '.join([problem.message, *problem.reasons])}")
            else:
                self.log_change(request, obj, [{"changed": {"fields": ["Status"]}}])
                published.append(obj)
        if published:
            self.message_user(
                request,
                ngettext("Published %(count)d %(name)s.", "Published %(count)d %(names)s.", len(published))
                % {"count": len(published), "name": self.opts.verbose_name, "names": self.opts.verbose_name_plural},
                messages.SUCCESS,
            )
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)

    @admin.action(description="Unpublish the selected %(verbose_name_plural)s (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        changed, problems = [], []
        for obj in queryset.exclude(status=Status.DRAFT):
            try:
                workflow.unpublish(obj, user=request.user)
            except workflow.WorkflowError as problem:
                problems.append(problem.message)
                break
            self.log_change(request, obj, [{"changed": {"fields": ["Status"]}}])
            changed.append(obj)
        if changed:
            self.message_user(
                request,
                ngettext(
                    "Unpublished %(count)d %(name)s; it is a draft again.",
                    "Unpublished %(count)d %(names)s; they are drafts again.",
                    len(changed),
                )
                % {"count": len(changed), "name": self.opts.verbose_name, "names": self.opts.verbose_name_plural},
                messages.SUCCESS,
            )
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)


@admin.register(PendingChange)
class PendingChangeAdmin(ReadOnlyAdmin):
    """Every change on its way to the public: what waits for review, what is scheduled, what is drafted."""

    list_display = ("record_link", "kind", "state", "updated_by", "updated_at", "go_live_at")
    list_filter = ("state", "content_type")
    list_select_related = ("content_type", "updated_by")
    list_per_page = 50

    @admin.display(description="record")
    def record_link(self, change):
        record = change.record
        if record is None:
            return "(deleted)"
        opts = record._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record)

    @admin.display(description="kind")
    def kind(self, change) -> str:
        return change.content_type.name
