"""Availability of intakes and programmes: the one place that decides what learners are told.

These database expressions are the only definition of availability. They are evaluated into stored
columns on `Intake` and `Programme`, which every page, feed and API reads, so a card, a programme page
and the catalogue filter always agree: by whatever writes intakes (`refresh_availability_of` in
`programmes.models`), and for every row once a day by `manage.py refresh_availability`. Reads never
write. "Today" is the date in Europe/London.
"""

import datetime

from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone


class Availability(models.TextChoices):
    OPEN = "open", "Open for applications"
    OPENING_SOON = "opening_soon", "Opening soon"
    STARTING_SOON = "starting_soon", "Starting soon"
    DATES_TBC = "dates_tbc", "Dates to be confirmed"
    RUNNING = "running", "Running"
    CLOSED = "closed", "Closed"


# Lower rank wins when a programme has several intakes: the most useful news for a learner.
RANKS = {
    Availability.OPEN: 1,
    Availability.OPENING_SOON: 2,
    Availability.STARTING_SOON: 3,
    Availability.DATES_TBC: 4,
    Availability.RUNNING: 5,
    Availability.CLOSED: 6,
}


def today() -> datetime.date:
    return timezone.localdate()


def intake_rules(on: datetime.date) -> list[tuple[Q, Availability]]:
    """The availability of an intake on a date: the first rule that matches wins.

    - cancelled or full: closed;
    - no start date, or dates marked to be confirmed: dates to be confirmed;
    - applications open on a later date: opening soon;
    - on or before the deadline (the deadline day itself included), or with no deadline
      before the start date: open;
    - deadline passed but not yet started: starting soon;
    - between start and end date (both included), or on the start date of an intake with no
      end date: running;
    - anything else (finished, or started on an earlier day with no end date given): closed.
    """
    return [
        (Q(status__in=["full", "cancelled"]), Availability.CLOSED),
        (Q(dates_to_be_confirmed=True) | Q(start_date__isnull=True), Availability.DATES_TBC),
        (Q(applications_open__gt=on), Availability.OPENING_SOON),
        (Q(application_deadline__gte=on) | Q(application_deadline__isnull=True, start_date__gt=on), Availability.OPEN),
        (Q(start_date__gt=on), Availability.STARTING_SOON),
        (Q(start_date__lte=on, end_date__gte=on) | Q(start_date=on, end_date__isnull=True), Availability.RUNNING),
    ]


def intake_rank(on: datetime.date) -> Case:
    """Rank of an intake's availability on a date (see `intake_rules`), as a database expression."""
    return Case(
        *[When(condition, then=Value(RANKS[state])) for condition, state in intake_rules(on)],
        default=Value(RANKS[Availability.CLOSED]),
        output_field=IntegerField(),
    )


def intake_state(on: datetime.date) -> Case:
    """Availability of an intake on a date (see `intake_rules`), as a database expression.

    The same rules as `intake_rank`, returning the value directly: mapping a rank back to a state
    would repeat the whole rank expression once per state in the SQL.
    """
    return Case(
        *[When(condition, then=Value(state.value)) for condition, state in intake_rules(on)],
        default=Value(Availability.CLOSED.value),
        output_field=models.CharField(),
    )
