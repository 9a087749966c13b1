"""The admin's first page: what the signed-in person has to do today, each line a link to the record.

Every panel asks the owning app's QuerySets, and shows only what the person's permissions let them act on:
a content editor sees their drafts and the pages due for review, a publisher also the review queue and the
schedule, an enquiry handler the enquiries waiting for a reply.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from alerts.models import ProgrammeDemand
from alerts.selectors import with_demand
from contacts.models import Enquiry
from publishing.models import ChangeState, PendingChange, Publishable
from publishing.workflow import PUBLISH_PERMISSION, can_edit
from search import log as search_log
from search.models import LoggedSearch

from .models import BrokenLink

LINES_PER_PANEL = 8
SEARCH_LOG_DAYS = 30


@dataclass(frozen=True)
class Line:
    label: str
    url: str
    detail: str = ""
    sort_key: str = ""


@dataclass
class Panel:
    title: str
    empty: str
    lines: list[Line] = field(default_factory=list)
    total: int | None = None  # when more exist than are listed
    more_url: str = ""
    action: tuple[str, str] | None = None  # (button label, URL to POST to)


def _admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j M Y, H:i")


def _changes(queryset) -> list[PendingChange]:
    """Pending changes with their records (one query per kind of record), skipping records deleted since."""
    changes = queryset.select_related("submitted_by", "reviewed_by").prefetch_related("record")
    return [change for change in changes[: LINES_PER_PANEL * 2] if change.record is not None][:LINES_PER_PANEL]


def _queue_url(state: ChangeState) -> str:
    """The list of every pending change in `state`, where a panel's "See all" leads."""
    return reverse("admin:publishing_pendingchange_changelist") + "?" + urlencode({"state__exact": state})


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "someone"


def your_drafts(user) -> Panel:
    mine = PendingChange.objects.filter(
        Q(created_by=user) | Q(updated_by=user), state__in=[ChangeState.DRAFT, ChangeState.REJECTED]
    ).order_by("-updated_at")
    panel = Panel("Your drafts", "You have no unpublished changes.", total=mine.count())
    for change in _changes(mine):
        record = change.record
        detail = f"{change.get_state_display()}, saved {_when(change.updated_at)}"
        if change.state == ChangeState.REJECTED and change.review_comment:
            detail += f": {_name(change.reviewed_by)} asked “{change.review_comment}”"
        panel.lines.append(Line(f"{record._meta.verbose_name.capitalize()} “{record}”", _admin_url(record), detail))
    return panel


def waiting_for_review() -> Panel:
    waiting = PendingChange.objects.filter(state=ChangeState.IN_REVIEW).order_by("submitted_at")
    panel = Panel(
        "Waiting for your review",
        "No changes are waiting for review.",
        total=waiting.count(),
        more_url=_queue_url(ChangeState.IN_REVIEW),
    )
    for change in _changes(waiting):
        record = change.record
        submitted = f"sent by {_name(change.submitted_by)}"
        if change.submitted_at:
            submitted += f" on {_when(change.submitted_at)}"
        panel.lines.append(
            Line(f"{record._meta.verbose_name.capitalize()} “{record}”", _admin_url(record, "compare"), submitted)
        )
    return panel


def scheduled() -> Panel:
    upcoming = PendingChange.objects.filter(state=ChangeState.SCHEDULED).order_by("go_live_at")
    panel = Panel(
        "Scheduled to go live",
        "Nothing is scheduled.",
        total=upcoming.count(),
        more_url=_queue_url(ChangeState.SCHEDULED),
    )
    for change in _changes(upcoming):
        record = change.record
        panel.lines.append(
            Line(
                f"{record._meta.verbose_name.capitalize()} “{record}”",
                _admin_url(record, "compare"),
                f"goes live {_when(change.go_live_at)}" if change.go_live_at else "",
            )
        )
    return panel


def due_for_review(models: list[type[Publishable]]) -> Panel:
    panel = Panel("Pages due for review", "No page is past its review-by date.", total=0)
    for model in models:
        opts = model._meta
        due = model.objects.due_for_review().order_by("review_by")
        panel.total += due.count()
        for record in due[:LINES_PER_PANEL]:
            detail = f"review by {date_format(record.review_by, 'j M Y')}"
            label = f"{opts.verbose_name.capitalize()} “{record}”"
            panel.lines.append(Line(label, _admin_url(record), detail, sort_key=record.review_by.isoformat()))
    panel.lines = sorted(panel.lines, key=lambda line: line.sort_key)[:LINES_PER_PANEL]
    return panel


def broken_links(models: list[type[Publishable]]) -> Panel:
    content_types = ContentType.objects.get_for_models(*models).values()
    found = BrokenLink.objects.filter(content_type__in=content_types).prefetch_related("record")
    panel = Panel(
        "Broken links to other sites",
        "No broken links were found when links were last checked.",
        action=("Check links now", reverse("admin:check_links")),
    )
    panel.total = found.count()
    for link in found[:LINES_PER_PANEL]:
        if link.record is None:
            continue
        label = f"{link.record._meta.verbose_name.capitalize()} “{link.record}”"
        panel.lines.append(Line(label, _admin_url(link.record), f"{link.url} {link.problem}"))
    return panel


def enquiries_waiting() -> Panel:
    new = Enquiry.objects.filter(status=Enquiry.Status.NEW).order_by("created_at")
    panel = Panel(
        "Enquiries waiting for a reply",
        "No new enquiries.",
        total=new.count(),
        more_url=reverse("admin:contacts_enquiry_changelist") + f"?status__exact={Enquiry.Status.NEW}",
    )
    for enquiry in new[:LINES_PER_PANEL]:
        detail = f"{enquiry.get_kind_display()}, received {_when(enquiry.created_at)}"
        if enquiry.notification_failed:
            detail += "; the notification e-mail failed"
        panel.lines.append(Line(f"{enquiry.reference} from {enquiry.name}", _admin_url(enquiry), detail))
    return panel


def waiting_for_applications() -> Panel:
    """Demand for intakes: how many people asked to be e-mailed about each programme (counts, never names)."""
    wanted = (
        with_demand(ProgrammeDemand.objects.published().only("title", "availability"))
        .filter(waiting__gt=0)
        .order_by("-waiting", "title")
    )
    changelist = reverse("admin:alerts_programmedemand_changelist")
    panel = Panel(
        "People waiting to hear about programmes",
        "Nobody has asked for an e-mail alert about a programme yet.",
        total=wanted.count(),
        more_url=changelist,
    )
    for programme in wanted[:LINES_PER_PANEL]:
        waiting = programme.waiting
        detail = f"{waiting} {'person' if waiting == 1 else 'people'} waiting; {programme.availability_label.lower()}"
        panel.lines.append(Line(programme.title, f"{changelist}?{urlencode({'q': programme.title})}", detail))
    return panel


def searches_without_results() -> Panel:
    search_log.flush()  # the searches still waiting in the buffer, as the search log's own pages do
    since = timezone.now() - datetime.timedelta(days=SEARCH_LOG_DAYS)
    terms = LoggedSearch.objects.without_results().since(since).top_terms(LINES_PER_PANEL)
    changelist = reverse("admin:search_loggedsearch_changelist")
    report = reverse("admin:search_loggedsearch_no_results")
    panel = Panel(
        f"Searches that found nothing (last {SEARCH_LOG_DAYS} days)",
        "Every search found something.",
        more_url=f"{report}?{urlencode({'days': SEARCH_LOG_DAYS})}",
    )
    for row in terms:
        searches = row["searches"]
        panel.lines.append(
            Line(
                f"“{row['term']}”",
                f"{changelist}?{urlencode({'q': row['term'], 'found': 'no'})}",
                f"{searches} search{'es' if searches != 1 else ''}",
            )
        )
    return panel


def _publishable(model) -> bool:
    # A proxy (alerts' read-only demand report over programmes) is not a second kind of record to edit.
    return issubclass(model, Publishable) and not model._meta.proxy


def may_check_links(user, site: AdminSite) -> bool:
    return any(_publishable(model) and can_edit(user, model) for model in site._registry)


def panels_for(user, site: AdminSite) -> list[Panel]:
    """The dashboard of `user`, in the order they are likely to act on it."""
    editable = [model for model in site._registry if _publishable(model) and can_edit(user, model)]
    panels = []
    if editable:
        panels.append(your_drafts(user))
    if user.has_perm(PUBLISH_PERMISSION):
        panels += [waiting_for_review(), scheduled()]
    if user.has_perm("contacts.view_enquiry"):
        panels.append(enquiries_waiting())
    if user.has_perm("alerts.view_programmedemand"):
        panels.append(waiting_for_applications())
    if editable:
        panels += [due_for_review(editable), broken_links(editable)]
    if user.has_perm("search.view_loggedsearch"):
        panels.append(searches_without_results())
    return panels
