"""The digest: double opt-in, at most one e-mail a person a day, several matches in one, each sent once."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from alerts import digests
from alerts.digests import send_digest
from alerts.models import Alert, Digest, Notice, Subscriber
from tests.contacts.mail import FAILING_MAILERS
from tests.factories import AudienceFactory, IntakeFactory, ProgrammeFactory, WorkStreamFactory

OPENS = datetime.date(2027, 4, 1)


def send_alerts() -> str:
    out = io.StringIO()
    call_command("send_alerts", stdout=out)
    return out.getvalue()


def follow(email: str, *, confirmed_at, **target) -> Alert:
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    kind = (
        Alert.Kind.PROGRAMME
        if "programme" in target
        else Alert.Kind.WORK_STREAM
        if "work_stream" in target
        else Alert.Kind.CATALOGUE
    )
    return Alert.objects.create(subscriber=subscriber, kind=kind, confirmed_at=confirmed_at, **target)


def announce(programme, *, opens=OPENS, deadline=datetime.date(2027, 6, 30), starts=datetime.date(2027, 9, 6)):
    return IntakeFactory(programme=programme, applications_open=opens, application_deadline=deadline, start_date=starts)


def test_an_unconfirmed_alert_gets_nothing_but_its_confirmation(programme, clock):
    follow("pending@example.nhs.uk", confirmed_at=None, programme=programme)
    announce(programme, opens=clock.today)
    assert "Queued 0 alert digests" in send_alerts()
    assert mail.outbox == []


def test_an_announced_intake_then_its_opening_then_the_reminder_each_come_once(programme, clock, settings):
    settings.ALERT_REMINDER_DAYS = 14
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=programme)
    announce(programme)
    send_alerts()
    clock.move_to(OPENS)
    send_alerts()
    clock.move_to(datetime.date(2027, 5, 1))  # nothing new: open, and the deadline is weeks away
    send_alerts()
    clock.move_to(datetime.date(2027, 6, 16))  # 14 days before the deadline
    send_alerts()
    send_alerts()
    assert [m.subject for m in mail.outbox] == [
        "Applications opening soon: Medical Leadership in Practice",
        "Applications are open: Medical Leadership in Practice",
        "Applications close soon: Medical Leadership in Practice",
    ]
    assert "Applications open on 1 April 2027 and close on 30 June 2027." in mail.outbox[0].body
    assert "Apply by 30 June 2027, 14 days from now." in mail.outbox[2].body


def test_the_reminder_days_come_from_settings(programme, clock, settings):
    settings.ALERT_REMINDER_DAYS = 3
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=programme)
    announce(programme, opens=clock.today, deadline=clock.today + datetime.timedelta(days=10))
    send_alerts()
    clock.advance(days=6)  # 4 days left: not yet
    send_alerts()
    clock.advance(days=1)  # 3 days left
    send_alerts()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Applications are open", "Applications close soon"]


def test_several_matches_the_same_day_become_one_digest(programme, clock):
    other = ProgrammeFactory(title="Aspiring Healthcare Leaders")
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=programme)
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=other)
    announce(programme, opens=clock.today)
    announce(other, opens=clock.today)
    send_alerts()
    [digest] = mail.outbox
    assert digest.subject == "2 updates on programmes you follow"
    assert "Applications are open: Aspiring Healthcare Leaders" in digest.body
    assert "Applications are open: Medical Leadership in Practice" in digest.body


def test_at_most_one_email_a_person_a_day_news_later_that_day_waits_for_tomorrow(programme, clock):
    other = ProgrammeFactory(title="Aspiring Healthcare Leaders")
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=programme)
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=other)
    announce(programme, opens=clock.today)
    send_alerts()
    clock.advance(hours=4)
    announce(other, opens=clock.today)
    send_alerts()
    assert len(mail.outbox) == 1
    clock.advance(days=1)
    send_alerts()
    assert [m.subject for m in mail.outbox] == [
        "Applications are open: Medical Leadership in Practice",
        "Applications are open: Aspiring Healthcare Leaders",
    ]


def test_one_intake_followed_twice_is_told_once(programme, clock):
    work_stream = WorkStreamFactory(title="Leadership and management")
    programme.work_streams.add(work_stream)
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=programme)
    follow("sam@example.nhs.uk", confirmed_at=clock.now, work_stream=work_stream)
    announce(programme, opens=clock.today)
    send_alerts()
    [digest] = mail.outbox
    assert digest.subject == "Applications are open: Medical Leadership in Practice"


def test_a_work_stream_alert_tells_of_new_programmes_and_their_intakes_not_old_ones(programme, clock):
    work_stream = WorkStreamFactory(title="Leadership and management")
    programme.work_streams.add(work_stream)  # there before the person asked: not news
    follow("sam@example.nhs.uk", confirmed_at=clock.now, work_stream=work_stream)
    clock.advance(days=1)
    new = ProgrammeFactory(title="Clinical Leadership Fellowship")
    new.work_streams.add(work_stream)
    ProgrammeFactory(title="Unrelated programme")
    send_alerts()
    [digest] = mail.outbox
    assert digest.subject == "New programme: Clinical Leadership Fellowship"
    assert "Medical Leadership" not in digest.body


def test_a_catalogue_alert_follows_its_filters(programme, clock):
    doctors = AudienceFactory(name="Doctors", slug="doctors")
    programme.audiences.add(doctors)
    follow("dr@example.nhs.uk", confirmed_at=clock.now, filters="audience=doctors")
    announce(programme, opens=clock.today)
    announce(ProgrammeFactory(title="For nurses only"), opens=clock.today)
    send_alerts()
    [digest] = mail.outbox
    assert digest.subject == "Applications are open: Medical Leadership in Practice"


def test_an_unpublished_programme_sends_nothing(programme, clock):
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=programme)
    announce(programme, opens=clock.today)
    programme.status = "draft"
    programme.save()
    send_alerts()
    assert mail.outbox == []


def test_a_failed_send_releases_the_claim_and_the_next_run_sends_it(programme, clock, settings):
    follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=programme)
    announce(programme, opens=clock.today)
    settings.MAILERS = FAILING_MAILERS
    send_alerts()
    assert not Digest.objects.exists() and not Notice.objects.exists()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    send_alerts()
    assert len(mail.outbox) == 1


def test_a_digest_already_claimed_today_is_not_sent_again(programme, clock):
    alert = follow("sam@example.nhs.uk", confirmed_at=clock.now, programme=programme)
    announce(programme, opens=clock.today)
    # Another worker got there first: its claim is in the table.
    Digest.objects.create(subscriber=alert.subscriber, day=clock.today)
    assert send_digest(subscriber_id=alert.subscriber_id, on=clock.today) is False
    assert mail.outbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest(monkeypatch):
    """Two threads (two connections, as two worker processes) reach the same person at the same moment."""
    from django.utils import timezone

    today = timezone.localdate()
    programme = ProgrammeFactory(title="Medical Leadership in Practice")
    alert = follow("sam@example.nhs.uk", confirmed_at=timezone.now(), programme=programme)
    announce(
        programme, opens=today, deadline=today + datetime.timedelta(days=60), starts=today + datetime.timedelta(days=90)
    )

    both_ready = threading.Barrier(2, timeout=10)
    found_news = digests.pending_items

    def pending_then_wait(subscriber, *, on):
        items = found_news(subscriber, on=on)
        both_ready.wait()  # both have found the news before either claims it
        return items

    monkeypatch.setattr(digests, "pending_items", pending_then_wait)
    results = []

    def worker():
        try:
            results.append(send_digest(subscriber_id=alert.subscriber_id, on=today))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    assert Digest.objects.count() == 1
