"""Constraints live in the database: invalid programmes and intakes cannot be saved by any route."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from programmes.models import Programme
from publishing.models import Status
from tests.factories import IntakeFactory, ProgrammeFactory, ProgrammeLeadFactory, ProgrammePartnerFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2031, 9, 1)


def assert_refused(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        kwargs.pop("factory", IntakeFactory)(**kwargs)


def test_intake_cannot_end_before_it_starts():
    assert_refused(start_date=START, end_date=START - datetime.timedelta(days=1))


def test_intake_may_start_and_end_on_the_same_day():
    assert IntakeFactory(start_date=START, end_date=START).pk


def test_application_deadline_cannot_fall_after_the_start():
    assert_refused(start_date=START, application_deadline=START + datetime.timedelta(days=1))


def test_applications_cannot_open_after_the_deadline():
    assert_refused(
        start_date=START,
        applications_open=START - datetime.timedelta(days=10),
        application_deadline=START - datetime.timedelta(days=20),
    )


def test_intake_places_cannot_be_negative():
    assert_refused(places=-1)


def test_cohort_size_cannot_be_negative():
    assert_refused(factory=ProgrammeFactory, cohort_size=-5)


def test_duplicate_programme_slug_is_refused():
    ProgrammeFactory(slug="systems-leadership")

    assert_refused(factory=ProgrammeFactory, slug="systems-leadership")


def test_running_since_must_be_a_plausible_year():
    assert_refused(factory=ProgrammeFactory, running_since=14)


def test_duration_needs_a_unit():
    assert_refused(factory=ProgrammeFactory, duration_value=12, duration_unit="")


def test_intake_with_unknown_dates_is_allowed():
    intake = IntakeFactory(start_date=None, end_date=None, application_deadline=None, dates_to_be_confirmed=True)

    assert intake.pk


def test_duration_reads_naturally():
    assert ProgrammeFactory(duration_value=12, duration_unit=Programme.DurationUnit.MONTHS).duration_display == (
        "12 months"
    )
    assert ProgrammeFactory(duration_value=1, duration_unit=Programme.DurationUnit.YEARS).duration_display == "1 year"
    assert ProgrammeFactory(duration_value=None, duration_unit="").duration_display == ""


@pytest.mark.parametrize("link_factory", [ProgrammeLeadFactory, ProgrammePartnerFactory])
def test_leads_and_partnerships_of_draft_or_scheduled_programmes_are_left_out(link_factory):
    shown = link_factory()
    link_factory(programme=ProgrammeFactory(status=Status.DRAFT))
    link_factory(programme=ProgrammeFactory(publish_from=timezone.now() + datetime.timedelta(days=1)))

    assert list(link_factory._meta.model.objects.of_published_programme()) == [shown]
