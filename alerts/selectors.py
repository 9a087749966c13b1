"""Demand for programmes: counts of people waiting, never who they are."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Alert


def _count(alerts) -> Coalesce:
    counted = alerts.order_by().values("kind").annotate(n=Count("subscriber", distinct=True)).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), Value(0))


def with_demand(programmes: QuerySet) -> QuerySet:
    """`programmes` annotated with `waiting` (confirmed alerts for the programme itself) and
    `following_work_streams` (confirmed alerts for one of its work streams): two subqueries, any number of rows."""
    confirmed = Alert.objects.confirmed()
    return programmes.annotate(
        waiting=_count(confirmed.filter(kind=Alert.Kind.PROGRAMME, programme=OuterRef("pk"))),
        following_work_streams=_count(
            confirmed.filter(kind=Alert.Kind.WORK_STREAM, work_stream__programmes=OuterRef("pk"))
        ),
    )


def demand_totals() -> dict[str, int]:
    """How many confirmed and unconfirmed alerts there are of each kind, and how many addresses."""
    counts = Alert.objects.aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
        catalogue=Count("pk", filter=Q(confirmed_at__isnull=False, kind=Alert.Kind.CATALOGUE)),
        people=Count("subscriber", filter=Q(confirmed_at__isnull=False), distinct=True),
    )
    return counts
