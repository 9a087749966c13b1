import datetime

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from programmes.models import Intake
from publishing import centre
from publishing.models import Status
from tests.factories import IntakeFactory, ProgrammeFactory


def events_of(response) -> dict:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_catalogue_calendar_is_text_calendar_with_start_and_deadline_events(client, db):
    programme = ProgrammeFactory(title="Aspiring Healthcare Leaders", location="Birmingham")
    intake = IntakeFactory(programme=programme)
    response = client.get(reverse("feeds:calendar"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = events_of(response)
    start = events[f"intake-{intake.pk}-start@127.0.0.1"]
    deadline = events[f"intake-{intake.pk}-deadline@127.0.0.1"]
    assert start["SUMMARY"] == "Starts: Aspiring Healthcare Leaders"
    assert start.decoded("DTSTART") == intake.start_date
    assert start["DTSTART"].params["VALUE"] == "DATE"
    assert start.decoded("DTEND") == intake.start_date + datetime.timedelta(days=1)
    assert deadline["SUMMARY"] == "Application deadline: Aspiring Healthcare Leaders"
    assert deadline.decoded("DTSTART") == intake.application_deadline
    assert start.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)
    assert str(start["URL"]) == settings.SITE_URL + programme.get_absolute_url()
    assert str(start["LOCATION"]) == "Birmingham"
    assert str(start["STATUS"]) == "CONFIRMED"
    assert b"\r\n" in response.content


def test_uids_are_stable_across_edits_so_clients_update_instead_of_duplicating(client, db):
    intake = IntakeFactory()
    before = set(events_of(client.get(reverse("feeds:calendar"))))
    intake.start_date += datetime.timedelta(days=7)
    intake.end_date += datetime.timedelta(days=7)
    intake.save()
    intake.programme.title = "Renamed"
    intake.programme.slug = "renamed"
    intake.programme.save()

    assert set(events_of(client.get(reverse("feeds:calendar")))) == before


def test_drafts_and_scheduled_programmes_stay_out_of_the_calendar(client, db):
    IntakeFactory(programme=ProgrammeFactory(title="Draft", status=Status.DRAFT))
    IntakeFactory(programme=ProgrammeFactory(title="Later", publish_from=timezone.now() + datetime.timedelta(days=1)))
    shown = IntakeFactory(programme=ProgrammeFactory(title="Published"))

    events = events_of(client.get(reverse("feeds:calendar")))
    assert {str(event["SUMMARY"]) for event in events.values()} == {
        "Starts: Published",
        "Application deadline: Published",
    }
    assert f"intake-{shown.pk}-start@127.0.0.1" in events


def test_cancelled_intake_is_marked_cancelled_and_provisional_dates_tentative(client, db):
    cancelled = IntakeFactory(status=Intake.Status.CANCELLED)
    provisional = IntakeFactory(dates_to_be_confirmed=True)
    events = events_of(client.get(reverse("feeds:calendar")))

    assert str(events[f"intake-{cancelled.pk}-start@127.0.0.1"]["STATUS"]) == "CANCELLED"
    assert str(events[f"intake-{provisional.pk}-start@127.0.0.1"]["STATUS"]) == "TENTATIVE"


def test_intake_without_dates_and_long_past_intakes_have_no_events(client, db):
    long_ago = timezone.localdate() - datetime.timedelta(days=800)
    IntakeFactory(start_date=None, end_date=None, application_deadline=None)
    IntakeFactory(start_date=long_ago, end_date=long_ago, application_deadline=long_ago)

    assert events_of(client.get(reverse("feeds:calendar"))) == {}


def test_programme_calendar_has_only_that_programmes_dates(client, db):
    mine = IntakeFactory(programme=ProgrammeFactory(slug="systems-leadership"))
    IntakeFactory()
    response = client.get(reverse("feeds:programme-calendar", kwargs={"slug": "systems-leadership"}))

    assert response.status_code == 200
    assert set(events_of(response)) == {f"intake-{mine.pk}-start@127.0.0.1", f"intake-{mine.pk}-deadline@127.0.0.1"}
    assert 'filename="systems-leadership.ics"' in response["Content-Disposition"]


def test_programme_calendar_of_a_draft_or_unknown_programme_is_404(client, db):
    IntakeFactory(programme=ProgrammeFactory(slug="secret", status=Status.DRAFT))

    assert client.get(reverse("feeds:programme-calendar", kwargs={"slug": "secret"})).status_code == 404
    assert client.get(reverse("feeds:programme-calendar", kwargs={"slug": "nope"})).status_code == 404


def test_calendar_costs_the_same_queries_for_few_and_many_intakes(
    client, db, django_assert_max_num_queries, django_assert_num_queries
):
    IntakeFactory.create_batch(2)
    centre.current()  # read once and kept until it changes (pagecache.fragments): not part of either count
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("feeds:calendar"))
    IntakeFactory.create_batch(30)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("feeds:calendar"))


def test_unchanged_calendar_answers_a_conditional_request_with_304(client, db):
    IntakeFactory()
    first = client.get(reverse("feeds:calendar"))
    again = client.get(reverse("feeds:calendar"), headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
