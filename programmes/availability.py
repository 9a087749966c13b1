"""Availability of intakes and programmes: the one place that decides what learners are told.

Every page, feed and API reads availability from these database expressions, so a card, a
programme page and the catalogue filter always agree. "Today" is the date in Europe/London.
"""

import datetime

from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.lookups import Exact
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
BY_RANK = {rank: state for state, rank in RANKS.items()}


def today() -> datetime.date:
    return timezone.localdate()


def intake_rank(on: datetime.date, prefix: str = "") -> Case:
    """Rank of an intake's availability on a date, as a database expression.

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

    def q(**lookups) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    return Case(
        When(q(status__in=["full", "cancelled"]), then=Value(RANKS[Availability.CLOSED])),
        When(
            q(dates_to_be_confirmed=True) | q(start_date__isnull=True),
            then=Value(RANKS[Availability.DATES_TBC]),
        ),
        When(q(applications_open__gt=on), then=Value(RANKS[Availability.OPENING_SOON])),
        When(
            q(application_deadline__gte=on) | q(application_deadline__isnull=True, start_date__gt=on),
            then=Value(RANKS[Availability.OPEN]),
        ),
        When(q(start_date__gt=on), then=Value(RANKS[Availability.STARTING_SOON])),
        When(
            q(start_date__lte=on, end_date__gte=on) | q(start_date=on, end_date__isnull=True),
            then=Value(RANKS[Availability.RUNNING]),
        ),
        default=Value(RANKS[Availability.CLOSED]),
        output_field=IntegerField(),
    )


def state_from_rank(rank_expression) -> Case:
    """Turn a rank expression into the availability value stored in `Availability`."""
    return Case(
        *[When(Exact(rank_expression, Value(rank)), then=Value(state.value)) for rank, state in BY_RANK.items()],
        default=Value(Availability.DATES_TBC.value),
        output_field=models.CharField(),
    )
