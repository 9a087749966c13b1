"""iCalendar (RFC 5545) feeds of intake start dates and application deadlines.

Each date is an all-day event whose UID never changes (`intake-<pk>-start@<host>`), so a calendar
that subscribes updates its events instead of adding copies. A cancelled intake stays in the feed
as STATUS:CANCELLED, so subscribers see the cancellation rather than a silently vanished event.
The output depends only on the data and the date: DTSTAMP is the programme's last change.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event, Journal, vDuration, vText

from publishing import centre
from publishing.feeds import feed_view, last_change, site_host, with_last_modified
from publishing.seo import absolute_url
from publishing.text import without_control_characters

from .feeds import cached_body
from .models import Intake, Programme

CONTENT_TYPE = "text/calendar; charset=utf-8"
REFRESH = datetime.timedelta(hours=12)
# Dates further back than this are history, not plans: they leave the feed.
HISTORY = datetime.timedelta(days=365)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _day(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _event(intake: Intake, *, kind: str, date: datetime.date, summary: str) -> Event:
    programme = intake.programme
    event = Event()
    event.add("uid", f"intake-{intake.pk}-{kind}@{site_host()}")
    event.add("dtstamp", _utc(programme.updated_at))
    event.add("last-modified", _utc(programme.updated_at))
    event.add("dtstart", date)
    event.add("dtend", date + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("url", absolute_url(programme.get_absolute_url()))
    location = intake.location or programme.location
    if location:
        event.add("location", location)
    lines = [programme.summary]
    if intake.label:
        lines.append(f"Intake: {intake.label}")
    if intake.start_date:
        lines.append(f"Starts: {_day(intake.start_date)}")
    if intake.application_deadline:
        lines.append(f"Application deadline: {_day(intake.application_deadline)}")
    if intake.dates_to_be_confirmed:
        lines.append("These dates are provisional and may change.")
    lines.append(f"Availability: {intake.availability_label}")
    lines.append(f"Details: {absolute_url(programme.get_absolute_url())}")
    event.add("description", "\n".join(lines))
    event.add("categories", [programme.get_kind_display()])
    if intake.status == Intake.Status.CANCELLED:
        event.add("status", "CANCELLED")
    elif intake.dates_to_be_confirmed:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # a date to remember, not time that is busy
    return event


def build_calendar(intakes, *, name: str, description: str, placeholder_url: str) -> bytes:
    """An iCalendar document with a start event and a deadline event for each intake that has them."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_SHORT_NAME}//Programme catalogue//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # Calendar-level names are single lines: a title with a line break must not break the whole calendar.
    # Typed as TEXT so that commas and semicolons are escaped: icalendar leaves NAME and X- properties raw.
    name, description = (vText(without_control_characters(" ".join(text.split()))) for text in (name, description))
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for intake in intakes:
        title = intake.programme.title
        if intake.start_date:
            calendar.add_component(_event(intake, kind="start", date=intake.start_date, summary=f"Starts: {title}"))
        if intake.application_deadline:
            calendar.add_component(
                _event(
                    intake,
                    kind="deadline",
                    date=intake.application_deadline,
                    summary=f"Application deadline: {title}",
                )
            )
    if not calendar.subcomponents:
        calendar.add_component(_dates_to_be_confirmed(placeholder_url, description))
    return calendar.to_ical()


def _dates_to_be_confirmed(url: str, description: str) -> Journal:
    """What a calendar with no dates carries: RFC 5545 wants at least one component, and a subscriber's
    calendar should stay valid (not a 404) until dates are published. A journal entry shows in no calendar
    grid, so nobody sees a made-up event; it says why the calendar is empty."""
    journal = Journal()
    journal.add("uid", f"dates-to-be-confirmed-{slugify(url) or 'catalogue'}@{site_host()}")
    journal.add("dtstamp", _utc(last_change(Programme) or timezone.now()))
    journal.add("summary", "Dates to be confirmed")
    journal.add("description", f"{description} No dates are published yet. Details: {url}")
    journal.add("url", url)
    return journal


def calendar_intakes(intakes):
    """The intakes with a start date or deadline that is not long past, ready for `build_calendar`."""
    since = timezone.localdate() - HISTORY
    return (
        intakes.filter(Q(start_date__gte=since) | Q(application_deadline__gte=since))
        .select_related("programme")
        .order_by("start_date", "application_deadline", "pk")
    )


def _calendar_response(body: bytes, *, filename: str, also=()) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return with_last_modified(response, last_change(Programme, depends_on_date=True, also=also))


@require_safe
@feed_view
def catalogue_calendar(request):
    details = centre.current()
    body = cached_body(
        f"calendar:{details.version}",
        lambda: build_calendar(
            calendar_intakes(Intake.objects.published()),
            name=f"{details.short_name} programme dates",
            description=f"Start dates and application deadlines of every programme of the {details.name}.",
            placeholder_url=absolute_url(reverse("programmes:list")),
        ),
    )
    filename = f"{slugify(details.short_name) or 'programme'}-dates.ics"
    return _calendar_response(body, filename=filename, also=[details.updated_at])


@require_safe
@feed_view
def programme_calendar(request, slug):
    programme = get_object_or_404(Programme.objects.published(), slug=slug)
    body = build_calendar(
        calendar_intakes(Intake.objects.filter(programme=programme)),
        name=f"{programme.title}: dates",
        description=f"Start dates and application deadlines of {programme.title}.",
        placeholder_url=absolute_url(programme.get_absolute_url()),
    )
    return _calendar_response(body, filename=f"{programme.slug}.ics")
