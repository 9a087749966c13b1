"""The editorial workflow: draft a change, submit it, approve or reject it, schedule it, publish it.

Every way a change reaches the public goes through `publish()`: the change form's Publish button, the change
list's Publish action, an approval, the scheduler (`manage.py publish_scheduled`) and a revert once approved.
Each function checks who may do it and records a `WorkflowEvent`; e-mails to the people concerned are sent by
a task after the transaction commits (publishing.notifications). A problem the editor can fix is raised as
`WorkflowError`, whose message is meant to be shown as it is.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from . import notifications, snapshots
from .models import ChangeState, PendingChange, Status, WorkflowEvent

PUBLISH_PERMISSION = "publishing.publish"
Action = WorkflowEvent.Action


class WorkflowError(Exception):
    """A step that cannot be taken now, with a message for the editor."""

    def __init__(self, message: str, *, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or []


# Who may do what ---------------------------------------------------------------------------------------


def review_required() -> bool:
    """Whether changes need a publisher's approval; a small team may switch it off (PUBLISHING_REVIEW)."""
    return settings.PUBLISHING_REVIEW_REQUIRED


def can_edit(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def can_publish(user, model) -> bool:
    """Publishers may publish; with review switched off, so may anyone who can edit."""
    if user is None or not user.is_active or not can_edit(user, model):
        return False
    return not review_required() or user.has_perm(PUBLISH_PERMISSION)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise WorkflowError(message)


# What a record is now ----------------------------------------------------------------------------------


def is_publishable(obj) -> bool:
    """Records with a draft/published status; topics and organisations are always live."""
    return hasattr(obj, "status")


def is_live(obj) -> bool:
    """Whether the public may already see (or is scheduled to see) this record as it stands in the database."""
    return not is_publishable(obj) or obj.status == Status.PUBLISHED


def pending_change(obj) -> PendingChange | None:
    if obj.pk is None:
        return None
    return PendingChange.objects.of(obj).select_related("created_by", "updated_by", "submitted_by").first()


def current_snapshot(obj, change: PendingChange | None = None) -> dict:
    """What an editor works on: the pending change's content if there is one, else the record's."""
    if change is not None and change.snapshot is not None:
        return change.snapshot
    return snapshots.read(obj)


def edits_go_to_pending_change(obj, change: PendingChange | None) -> bool:
    """A live record's edits wait in a pending change; a draft record is edited in place."""
    return is_live(obj) or (change is not None and change.snapshot is not None)


def nothing_to_publish(obj, change: PendingChange | None) -> bool:
    """True when the public already sees exactly this record."""
    return change is None and is_live(obj) and (not is_publishable(obj) or obj.is_public)


def _event(obj, action: str, user, comment: str = "") -> WorkflowEvent:
    return WorkflowEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, action=action, user=user, comment=comment
    )


def _for_update(obj) -> PendingChange | None:
    return PendingChange.objects.of(obj).select_for_update().first()


# The steps ---------------------------------------------------------------------------------------------


@transaction.atomic
def save_draft(obj, snapshot: dict, *, user) -> PendingChange:
    """Store an edit of a live record as its pending change; saving again updates the same change.

    A change that was in review, rejected or scheduled goes back to draft: what was approved is no longer
    what would be published.
    """
    _require(can_edit(user, type(obj)), "You do not have permission to change this record.")
    change = _for_update(obj) or PendingChange(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, created_by=user, version=0
    )
    change.snapshot = snapshot
    change.version += 1
    change.updated_by = user
    change.state = ChangeState.DRAFT
    change.go_live_at = None
    change.save()
    _event(obj, Action.DRAFTED, user)
    return change


@transaction.atomic
def edited_in_place(obj, *, user) -> None:
    """A draft record was saved: a submission or schedule for it no longer matches what would go live."""
    change = _for_update(obj)
    if change is not None and change.snapshot is None and change.state != ChangeState.DRAFT:
        change.state = ChangeState.DRAFT
        change.go_live_at = None
        change.version += 1
        change.updated_by = user
        change.save()


@transaction.atomic
def submit(obj, *, user) -> PendingChange:
    _require(can_edit(user, type(obj)), "You do not have permission to change this record.")
    change = _for_update(obj)
    if change is None:
        _require(not is_live(obj), "There are no changes to submit: the live version is the latest.")
        change = PendingChange(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, created_by=user)
    if change.state == ChangeState.IN_REVIEW:
        raise WorkflowError("These changes are already waiting for review.")
    if change.state == ChangeState.SCHEDULED:
        raise WorkflowError("These changes are already approved and scheduled.")
    change.state = ChangeState.IN_REVIEW
    change.submitted_by, change.submitted_at = user, timezone.now()
    change.updated_by = user
    change.review_comment = ""
    change.save()
    _event(obj, Action.SUBMITTED, user)
    notifications.submitted(obj, change, actor=user)
    return change


@transaction.atomic
def publish(obj, *, user, scheduled: bool = False) -> models.Model:
    """Make the record's pending change (or the draft record itself) public now: the one publishing path.

    The change is written with the same validation as the admin form; if it no longer holds (a partner
    deleted meanwhile, a slug now taken) nothing is published, the change is kept and `WorkflowError`
    says why.
    """
    _require(can_publish(user, type(obj)), "You do not have permission to publish. Submit it for review instead.")
    change = _for_update(obj)
    _require(not nothing_to_publish(obj, change), "There are no changes to publish: the live version is the latest.")
    obj._history_user = user
    obj._change_reason = "Published on schedule" if scheduled else "Published"
    try:
        with transaction.atomic():
            if change is not None and change.snapshot is not None:
                snapshots.write(obj, change.snapshot, user=user)
            if is_publishable(obj):
                obj.status = Status.PUBLISHED
                if obj.publish_from and obj.publish_from > timezone.now():
                    obj.publish_from = None
                obj.save()
    except snapshots.Conflict as conflict:
        raise WorkflowError(
            "These changes cannot be published as they stand. Edit them and try again:", reasons=conflict.messages
        ) from conflict
    if change is not None:
        notifications.published(obj, change, actor=user)
        change.delete()
    _event(obj, Action.PUBLISHED, user, "On schedule" if scheduled else "")
    return obj


def check_publishable(obj) -> None:
    """Raise WorkflowError if the pending change would not publish now (it is tried and rolled back)."""
    change = pending_change(obj)
    if change is None or change.snapshot is None:
        return
    try:
        with transaction.atomic():
            snapshots.write(obj, change.snapshot)
            transaction.set_rollback(True)
    except snapshots.Conflict as conflict:
        raise WorkflowError(
            "These changes cannot be published as they stand. Edit them and try again:", reasons=conflict.messages
        ) from conflict
    finally:
        obj.refresh_from_db()


@transaction.atomic
def approve(obj, *, user, go_live_at: datetime.datetime | None = None) -> PendingChange | None:
    """A publisher's yes: publish now, or schedule the change for `go_live_at`."""
    _require(can_publish(user, type(obj)), "Only publishers can approve changes.")
    if go_live_at is None or go_live_at <= timezone.now():
        if go_live_at is not None and go_live_at < timezone.now() - datetime.timedelta(minutes=1):
            raise WorkflowError("That time has passed. Choose a time in the future, or publish now.")
        publish(obj, user=user)
        return None
    check_publishable(obj)
    change = _for_update(obj)
    _require(not nothing_to_publish(obj, change), "There are no changes to schedule: the live version is the latest.")
    if change is None:
        change = PendingChange(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, created_by=user)
    change.state = ChangeState.SCHEDULED
    change.go_live_at = go_live_at
    change.reviewed_by, change.reviewed_at = user, timezone.now()
    change.review_comment = ""
    change.save()
    _event(obj, Action.SCHEDULED, user, f"To go live at {timezone.localtime(go_live_at):%-d %B %Y, %H:%M}")
    notifications.scheduled(obj, change, actor=user)
    transaction.on_commit(lambda: _publish_at(go_live_at), robust=True)
    return change


def _publish_at(go_live_at: datetime.datetime) -> None:
    """Queue the scheduler to run at `go_live_at`, so the change goes out on time without waiting for cron.

    Only where the task backend can run a task later (the database queue in production); cron's
    `publish_scheduled` stays as the clock everywhere else and as the safety net. A change cancelled or
    rescheduled meanwhile is simply not due when the task runs.
    """
    from .tasks import publish_due_changes

    if publish_due_changes.get_backend().supports_defer:
        publish_due_changes.using(run_after=go_live_at).enqueue()


@transaction.atomic
def reject(obj, *, user, comment: str) -> PendingChange:
    _require(can_publish(user, type(obj)), "Only publishers can ask for changes.")
    comment = comment.strip()
    _require(bool(comment), "Say what needs to change: the comment is what the editor will read.")
    change = _for_update(obj)
    _require(
        change is not None and change.state in (ChangeState.IN_REVIEW, ChangeState.SCHEDULED),
        "There is nothing waiting for review here.",
    )
    change.state = ChangeState.REJECTED
    change.go_live_at = None
    change.reviewed_by, change.reviewed_at = user, timezone.now()
    change.review_comment = comment
    change.save()
    _event(obj, Action.REJECTED, user, comment)
    notifications.rejected(obj, change, actor=user)
    return change


@transaction.atomic
def unschedule(obj, *, user) -> PendingChange:
    """Take a scheduled change back to 'awaiting review'; it is not lost."""
    _require(can_publish(user, type(obj)), "Only publishers can cancel a schedule.")
    change = _for_update(obj)
    _require(change is not None and change.state == ChangeState.SCHEDULED, "Nothing is scheduled for this record.")
    change.state = ChangeState.IN_REVIEW
    change.go_live_at = None
    change.save()
    _event(obj, Action.UNSCHEDULED, user)
    return change


@transaction.atomic
def discard(obj, *, user) -> None:
    _require(can_edit(user, type(obj)), "You do not have permission to change this record.")
    change = _for_update(obj)
    _require(change is not None, "There are no unpublished changes to discard.")
    _require(
        change.state != ChangeState.SCHEDULED or can_publish(user, type(obj)),
        "These changes are approved and scheduled; a publisher can cancel the schedule first.",
    )
    change.delete()
    _event(obj, Action.DISCARDED, user)


@transaction.atomic
def unpublish(obj, *, user) -> None:
    _require(can_publish(user, type(obj)), "Only publishers can take a page off the site.")
    _require(is_publishable(obj), "This kind of record is always shown where it is used; it cannot be unpublished.")
    obj.status = Status.DRAFT
    obj._history_user = user
    obj._change_reason = "Unpublished"
    obj.save()
    _event(obj, Action.UNPUBLISHED, user)


@transaction.atomic
def revert(obj, historical_record, *, user) -> PendingChange | None:
    """Start a draft from an earlier version: for a live record it waits for review like any other change."""
    snapshot = snapshots.read_historical(obj, historical_record)
    when = timezone.localtime(historical_record.history_date)
    if edits_go_to_pending_change(obj, pending_change(obj)):
        change = save_draft(obj, snapshot, user=user)
    else:
        _require(can_edit(user, type(obj)), "You do not have permission to change this record.")
        obj._history_user = user
        obj._change_reason = f"Reverted to the version of {when:%-d %B %Y, %H:%M}"
        try:
            snapshots.write(obj, snapshot, user=user)
        except snapshots.Conflict as conflict:
            raise WorkflowError(
                "That version cannot be restored as it stands:", reasons=conflict.messages
            ) from conflict
        edited_in_place(obj, user=user)
        change = None
    _event(obj, Action.REVERTED, user, f"From the version of {when:%-d %B %Y, %H:%M}")
    return change


SCHEDULER_RUN_KEY = "publishing:publish_due:last_run"


def last_scheduler_run() -> datetime.datetime | None:
    """When `publish_due` last ran, as the shared cache remembers it (for `manage.py site_status`)."""
    return cache.get(SCHEDULER_RUN_KEY)


def publish_due(*, now: datetime.datetime | None = None) -> tuple[list, list[tuple[object, str]]]:
    """Publish every scheduled change whose time has come, as the publisher who approved it.

    Returns (published records, [(record, why not)]): a change that no longer validates, or whose approver
    may no longer publish, stays scheduled and is reported, and the others still go out. Two runs at once
    are safe: each change is locked, and one that another run has just published is skipped.
    """
    now = now or timezone.now()
    published, failed = [], []
    due = PendingChange.objects.filter(state=ChangeState.SCHEDULED, go_live_at__lte=now)
    for change_id in due.order_by("go_live_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            # Lock only the change: PostgreSQL cannot lock the nullable side of the join to its reviewer.
            change = (
                due.select_for_update(of=("self",))
                .filter(pk=change_id)
                .select_related("content_type", "reviewed_by")
                .first()
            )
            if change is None:
                continue  # published or changed by someone else meanwhile
            obj = change.record
            if obj is None:
                change.delete()
                continue
            try:
                publish(obj, user=change.reviewed_by, scheduled=True)
            except WorkflowError as problem:
                failed.append((obj, " ".join([problem.message, *problem.reasons])))
            else:
                published.append(obj)
    cache.set(SCHEDULER_RUN_KEY, timezone.now(), timeout=None)
    return published, failed
