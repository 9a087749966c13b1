"""Availability: what learners are told about an intake and a programme, at every boundary."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programmes.availability import Availability
from programmes.models import Intake, Programme, refresh_availability_of, refresh_stale_availability
from tests.factories import IntakeFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
DAY = datetime.timedelta(days=1)


def intake_state(on=TODAY, **fields) -> str:
    defaults = {"start_date": None, "end_date": None, "application_deadline": None, "applications_open": None}
    intake = IntakeFactory(**{**defaults, **fields})
    Intake.objects.filter(pk=intake.pk).refresh_availability(on)
    return Intake.objects.get(pk=intake.pk).availability


def programme_with(*intakes: dict, on=TODAY) -> Programme:
    programme = ProgrammeFactory()
    defaults = {"start_date": None, "end_date": None, "application_deadline": None, "applications_open": None}
    for fields in intakes:
        IntakeFactory(programme=programme, **{**defaults, **fields})
    Programme.objects.filter(pk=programme.pk).refresh_availability(on)
    return Programme.objects.get(pk=programme.pk)


def test_intake_is_open_on_its_deadline_day():
    assert intake_state(application_deadline=TODAY, start_date=TODAY + 30 * DAY) == Availability.OPEN


def test_intake_is_starting_soon_the_day_after_its_deadline():
    state = intake_state(application_deadline=TODAY - DAY, start_date=TODAY + 30 * DAY)
    assert state == Availability.STARTING_SOON


def test_intake_without_deadline_is_open_until_it_starts():
    assert intake_state(start_date=TODAY + DAY, end_date=TODAY + 90 * DAY) == Availability.OPEN


def test_intake_with_only_a_start_date_is_open_before_it_starts():
    assert intake_state(start_date=TODAY + 10 * DAY) == Availability.OPEN


def test_intake_with_only_a_start_date_is_running_on_its_start_day():
    assert intake_state(start_date=TODAY) == Availability.RUNNING


def test_intake_with_only_a_start_date_is_closed_once_that_day_has_passed():
    assert intake_state(start_date=TODAY - DAY) == Availability.CLOSED


def test_intake_is_opening_soon_before_applications_open():
    state = intake_state(
        applications_open=TODAY + DAY, application_deadline=TODAY + 20 * DAY, start_date=TODAY + 40 * DAY
    )
    assert state == Availability.OPENING_SOON


def test_intake_is_open_on_the_day_applications_open():
    state = intake_state(applications_open=TODAY, application_deadline=TODAY + 20 * DAY, start_date=TODAY + 40 * DAY)
    assert state == Availability.OPEN


def test_intake_is_running_from_its_first_to_its_last_day():
    assert intake_state(start_date=TODAY, end_date=TODAY + 5 * DAY) == Availability.RUNNING
    assert intake_state(start_date=TODAY - 5 * DAY, end_date=TODAY) == Availability.RUNNING


def test_intake_is_closed_the_day_after_it_ends():
    assert intake_state(start_date=TODAY - 10 * DAY, end_date=TODAY - DAY) == Availability.CLOSED


def test_intake_without_start_date_has_dates_to_be_confirmed():
    assert intake_state() == Availability.DATES_TBC


def test_intake_marked_provisional_has_dates_to_be_confirmed():
    state = intake_state(start_date=TODAY + 60 * DAY, application_deadline=TODAY + 30 * DAY, dates_to_be_confirmed=True)
    assert state == Availability.DATES_TBC


@pytest.mark.parametrize("status", [Intake.Status.FULL, Intake.Status.CANCELLED])
def test_full_or_cancelled_intake_is_closed_even_before_its_deadline(status):
    state = intake_state(status=status, application_deadline=TODAY + 10 * DAY, start_date=TODAY + 30 * DAY)
    assert state == Availability.CLOSED


def test_programme_without_intakes_has_dates_to_be_confirmed():
    programme = programme_with()
    assert programme.availability == Availability.DATES_TBC
    assert programme.next_start_date is None
    assert programme.next_deadline is None


def test_programme_is_open_when_its_nearest_intake_is_closed_and_the_next_is_open():
    programme = programme_with(
        {"start_date": TODAY + 5 * DAY, "status": Intake.Status.FULL},
        {"application_deadline": TODAY + 60 * DAY, "start_date": TODAY + 90 * DAY},
    )
    assert programme.availability == Availability.OPEN
    assert programme.availability_label == "Open for applications"
    # The full intake cannot be joined, so the dates shown are those of the open one.
    assert programme.next_start_date == TODAY + 90 * DAY
    assert programme.next_deadline == TODAY + 60 * DAY


def test_programme_that_finished_and_has_a_new_open_intake_is_open():
    programme = programme_with(
        {"start_date": TODAY - 400 * DAY, "end_date": TODAY - 35 * DAY},
        {"application_deadline": TODAY + 14 * DAY, "start_date": TODAY + 30 * DAY},
    )
    assert programme.availability == Availability.OPEN


def test_programme_running_now_with_next_dates_unknown_says_dates_to_be_confirmed():
    programme = programme_with(
        {"start_date": TODAY - 30 * DAY, "end_date": TODAY + 300 * DAY},
        {"dates_to_be_confirmed": True},
    )
    assert programme.availability == Availability.DATES_TBC


def test_programme_running_now_says_running():
    programme = programme_with({"start_date": TODAY - 30 * DAY, "end_date": TODAY + 300 * DAY})
    assert programme.availability == Availability.RUNNING
    assert programme.next_start_date is None


def test_programme_whose_only_intake_ended_is_closed():
    programme = programme_with({"start_date": TODAY - 300 * DAY, "end_date": TODAY - 30 * DAY})
    assert programme.availability == Availability.CLOSED


def test_cancelled_intake_gives_no_next_start_date():
    programme = programme_with(
        {"start_date": TODAY + 20 * DAY, "application_deadline": TODAY + 5 * DAY, "status": Intake.Status.CANCELLED}
    )
    assert programme.availability == Availability.CLOSED
    assert programme.next_start_date is None
    assert programme.next_deadline is None


def test_passed_deadline_is_not_the_next_deadline():
    programme = programme_with({"application_deadline": TODAY - DAY, "start_date": TODAY + 10 * DAY})
    assert programme.availability == Availability.STARTING_SOON
    assert programme.next_start_date == TODAY + 10 * DAY
    assert programme.next_deadline is None


def _freeze_utc(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_today_is_the_london_date_just_after_midnight_in_summer(monkeypatch):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): a 30 June deadline has passed.
    _freeze_utc(monkeypatch, datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC))
    intake = IntakeFactory(application_deadline=datetime.date(2026, 6, 30), start_date=datetime.date(2026, 9, 1))
    assert Intake.objects.get(pk=intake.pk).availability == Availability.STARTING_SOON
    programme = Programme.objects.get(pk=intake.programme_id)
    assert programme.availability == Availability.STARTING_SOON
    assert programme.next_deadline is None


def test_deadline_day_lasts_until_midnight_london_time_in_summer(monkeypatch):
    # 22:59 UTC on 30 June is 23:59 in London: the deadline day is not over yet.
    _freeze_utc(monkeypatch, datetime.datetime(2026, 6, 30, 22, 59, tzinfo=datetime.UTC))
    intake = IntakeFactory(application_deadline=datetime.date(2026, 6, 30), start_date=datetime.date(2026, 9, 1))
    assert Intake.objects.get(pk=intake.pk).availability == Availability.OPEN


def test_deadline_day_lasts_until_midnight_london_time_in_winter(monkeypatch):
    # In January London is on GMT: 23:30 UTC on 31 January is still 31 January.
    _freeze_utc(monkeypatch, datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC))
    intake = IntakeFactory(application_deadline=datetime.date(2026, 1, 31), start_date=datetime.date(2026, 3, 1))
    assert Intake.objects.get(pk=intake.pk).availability == Availability.OPEN


# --- stored availability: kept true by whatever writes intakes, and by the daily job ---------------


def test_refreshing_after_an_intake_is_saved_updates_it_and_its_programme():
    today = timezone.localdate()
    intake = IntakeFactory(application_deadline=today + 10 * DAY, start_date=today + 30 * DAY)
    programme = Programme.objects.get(pk=intake.programme_id)
    assert (programme.availability, programme.next_deadline) == (Availability.OPEN, today + 10 * DAY)
    assert intake.availability == Availability.OPEN

    intake.status = Intake.Status.FULL
    intake.save()
    refresh_availability_of(programme_ids={intake.programme_id})
    programme.refresh_from_db()
    assert (programme.availability, programme.next_deadline) == (Availability.CLOSED, None)
    assert Intake.objects.get(pk=intake.pk).availability == Availability.CLOSED


def test_saving_an_intake_does_not_write_its_programme():
    intake = IntakeFactory()
    intake.status = Intake.Status.FULL
    with CaptureQueriesContext(connection) as queries:
        intake.save()
    assert not [q["sql"] for q in queries if Programme._meta.db_table in q["sql"] and "UPDATE" in q["sql"]]


def test_saving_a_programme_does_not_write_its_intakes():
    programme = IntakeFactory().programme
    programme.title = "Renamed"
    with CaptureQueriesContext(connection) as queries:
        programme.save()
    assert not [q["sql"] for q in queries if Intake._meta.db_table in q["sql"] and "UPDATE" in q["sql"]]


def test_deleting_the_last_intake_leaves_dates_to_be_confirmed():
    today = timezone.localdate()
    intake = IntakeFactory(application_deadline=today + 10 * DAY, start_date=today + 30 * DAY)
    Intake.objects.filter(pk=intake.pk).delete()
    refresh_availability_of(programme_ids={intake.programme_id})
    programme = Programme.objects.get(pk=intake.programme_id)
    assert (programme.availability, programme.next_start_date) == (Availability.DATES_TBC, None)


def test_moving_an_intake_and_refreshing_both_programmes_updates_both():
    today = timezone.localdate()
    intake = IntakeFactory(application_deadline=today + 10 * DAY, start_date=today + 30 * DAY)
    old, new = intake.programme, ProgrammeFactory()
    intake = Intake.objects.get(pk=intake.pk)
    intake.programme = new
    intake.save()
    refresh_availability_of(programme_ids={old, new})
    assert Programme.objects.get(pk=old.pk).availability == Availability.DATES_TBC
    assert Programme.objects.get(pk=new.pk).availability == Availability.OPEN


def test_the_daily_job_corrects_intakes_written_in_bulk_without_a_refresh():
    today = timezone.localdate()
    programme = ProgrammeFactory()
    Intake.objects.bulk_create(
        [IntakeFactory.build(programme=programme, application_deadline=today + DAY, start_date=today + 9 * DAY)]
    )
    assert Programme.objects.get(pk=programme.pk).availability == Availability.DATES_TBC  # nobody refreshed it
    assert refresh_stale_availability() == (1, 1)
    assert Programme.objects.get(pk=programme.pk).availability == Availability.OPEN
    assert Intake.objects.get(programme=programme).availability == Availability.OPEN


def test_bulk_updates_to_intakes_and_one_refresh_keep_programmes_true():
    today = timezone.localdate()
    programmes = [ProgrammeFactory(), ProgrammeFactory()]
    for programme in programmes:
        IntakeFactory(programme=programme, application_deadline=today + DAY, start_date=today + 9 * DAY)
    Intake.objects.filter(programme__in=programmes).update(status=Intake.Status.CANCELLED)
    refresh_availability_of(programme_ids=programmes)
    stored = Programme.objects.filter(pk__in=[p.pk for p in programmes]).values_list("availability", flat=True)
    assert set(stored) == {Availability.CLOSED}


def test_the_daily_job_recomputes_what_the_date_changed(monkeypatch):
    _freeze_utc(monkeypatch, datetime.datetime(2026, 6, 30, 12, 0, tzinfo=datetime.UTC))
    intake = IntakeFactory(application_deadline=datetime.date(2026, 6, 30), start_date=datetime.date(2026, 9, 1))
    assert Programme.objects.get(pk=intake.programme_id).availability == Availability.OPEN

    # Nothing was written overnight; the deadline passed all the same. Reads alone do not notice.
    _freeze_utc(monkeypatch, datetime.datetime(2026, 7, 1, 0, 5, tzinfo=datetime.UTC))
    assert Programme.objects.get(pk=intake.programme_id).availability == Availability.OPEN
    call_command("refresh_availability")
    programme = Programme.objects.get(pk=intake.programme_id)
    assert (programme.availability, programme.availability_on) == (
        Availability.STARTING_SOON,
        datetime.date(2026, 7, 1),
    )
    assert Intake.objects.get(pk=intake.pk).availability == Availability.STARTING_SOON


def test_the_daily_job_is_quiet_and_a_dry_run_writes_nothing(monkeypatch, capsys):
    today = timezone.localdate()
    intake = IntakeFactory(start_date=today + 30 * DAY)
    tomorrow = timezone.now() + DAY
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)

    call_command("refresh_availability", "--dry-run")
    assert "Would recompute 1 programmes and 1 intakes" in capsys.readouterr().out
    assert Programme.objects.get(pk=intake.programme_id).availability_on == today

    call_command("refresh_availability")
    assert capsys.readouterr().out == ""  # cron mails whatever a job prints
    assert Programme.objects.get(pk=intake.programme_id).availability_on == today + DAY
    call_command("refresh_availability", verbosity=2)
    assert "Recomputed 0 programmes and 0 intakes" in capsys.readouterr().out


def test_history_does_not_version_derived_availability():
    for model in (Programme, Intake):
        versioned = {field.name for field in model.history.model._meta.get_fields()}
        assert "availability" not in versioned
        assert "availability_on" not in versioned


def test_the_daily_job_writes_nothing_when_nothing_is_stale(django_assert_num_queries):
    # Every write invalidates cached pages, so running the job again must not write needlessly.
    IntakeFactory(start_date=timezone.localdate() + 30 * DAY)
    ProgrammeFactory()  # a new programme has no intakes: its defaults are already today's availability
    with django_assert_num_queries(2):  # is anything stale? (programmes, intakes)
        assert refresh_stale_availability() == (0, 0)


def test_saving_an_older_copy_of_a_programme_keeps_its_availability_true():
    today = timezone.localdate()
    programme = ProgrammeFactory()
    IntakeFactory(programme=programme, application_deadline=today + 10 * DAY, start_date=today + 30 * DAY)
    programme.title = "Renamed by an editor who opened the page before the intake was added"
    programme.save()  # this instance still holds "dates to be confirmed"
    assert programme.availability == Availability.OPEN
    assert Programme.objects.get(pk=programme.pk).availability == Availability.OPEN


def test_reverting_a_programme_to_an_earlier_version_keeps_todays_availability():
    today = timezone.localdate()
    programme = ProgrammeFactory(title="First title")
    programme.title = "Second title"
    programme.save()
    IntakeFactory(programme=programme, application_deadline=today + 10 * DAY, start_date=today + 30 * DAY)
    programme.history.earliest("history_date").instance.save()  # what the history admin's revert does
    reverted = Programme.objects.get(pk=programme.pk)
    assert (reverted.title, reverted.availability) == ("First title", Availability.OPEN)
