import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contacts.models import Enquiry, months_before
from tests.factories import EnquiryFactory

from .mail import FAILING_MAILERS

pytestmark = pytest.mark.django_db


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def age(enquiry: Enquiry, **delta) -> Enquiry:
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - datetime.timedelta(**delta))
    enquiry.refresh_from_db()
    return enquiry


# retry_enquiry_notifications ---------------------------------------------------------------------------


def test_retry_sends_failed_notifications_and_marks_them_sent(mailoutbox):
    failed = EnquiryFactory(
        notification_status=Enquiry.Notification.FAILED, notification_attempts=1, routed_to="lead@example.ac.uk"
    )
    EnquiryFactory(notification_status=Enquiry.Notification.SENT, routed_to="done@example.ac.uk")

    output = run("retry_enquiry_notifications")

    failed.refresh_from_db()
    assert failed.notification_status == Enquiry.Notification.SENT
    assert failed.notification_attempts == 2
    assert failed.notified_at is not None
    assert [m.to for m in mailoutbox] == [["lead@example.ac.uk"]]  # the sent one is not sent again
    assert f"{failed.reference}: sent the notification to lead@example.ac.uk" in output
    assert "Sent 1 e-mail(s); 0 still failing." in output


def test_retry_picks_up_enquiries_whose_notification_never_ran(mailoutbox):
    stuck = age(EnquiryFactory(routed_to="lead@example.ac.uk"), minutes=30)
    just_saved = EnquiryFactory(routed_to="other@example.ac.uk")  # its after-commit e-mail may still be running

    run("retry_enquiry_notifications", "--stuck-minutes", "15")

    stuck.refresh_from_db()
    assert stuck.notification_status == stuck.acknowledgement_status == Enquiry.Notification.SENT
    assert Enquiry.objects.get(pk=just_saved.pk).notification_status == Enquiry.Notification.PENDING
    # The contacts are told, and the visitor, whose acknowledgement never went either.
    assert [m.to for m in mailoutbox] == [["lead@example.ac.uk"], [stuck.email]]


def test_retry_that_fails_again_keeps_the_flag_and_exits_with_an_error(settings):
    settings.MAILERS = FAILING_MAILERS
    enquiry = EnquiryFactory(notification_status=Enquiry.Notification.FAILED, routed_to="lead@example.ac.uk")

    with pytest.raises(CommandError, match="1 enquiry e-mail"):
        run("retry_enquiry_notifications")

    enquiry.refresh_from_db()
    assert enquiry.notification_status == Enquiry.Notification.FAILED
    assert enquiry.notification_attempts == 1
    assert "SMTPServerDisconnected" in enquiry.notification_error


def test_retry_dry_run_sends_nothing(mailoutbox):
    enquiry = EnquiryFactory(notification_status=Enquiry.Notification.FAILED, routed_to="lead@example.ac.uk")

    output = run("retry_enquiry_notifications", "--dry-run")

    assert mailoutbox == []
    assert Enquiry.objects.get().notification_status == Enquiry.Notification.FAILED
    assert f"{enquiry.reference}: would e-mail the notification to lead@example.ac.uk" in output


def test_retry_with_nothing_to_do():
    assert "No enquiry e-mails to retry." in run("retry_enquiry_notifications")


# purge_enquiries ---------------------------------------------------------------------------------------


def closed(months_ago: int, **fields) -> Enquiry:
    enquiry = EnquiryFactory(status=Enquiry.Status.CLOSED, **fields)
    closed_at = months_before(timezone.now(), months_ago) - datetime.timedelta(days=1)
    Enquiry.objects.filter(pk=enquiry.pk).update(closed_at=closed_at)
    return enquiry


def test_purge_deletes_closed_enquiries_past_the_retention_period(settings):
    settings.ENQUIRY_RETENTION_MONTHS = 24
    expired = closed(25)
    recent = closed(23)
    old_but_open = age(EnquiryFactory(status=Enquiry.Status.IN_PROGRESS), days=1000)

    output = run("purge_enquiries")

    assert not Enquiry.objects.filter(pk=expired.pk).exists()
    assert set(Enquiry.objects.values_list("pk", flat=True)) == {recent.pk, old_but_open.pk}
    assert "Deleted 1 closed enquiries closed before" in output


def test_purge_dry_run_deletes_nothing_and_lists_what_would_go(settings):
    settings.ENQUIRY_RETENTION_MONTHS = 24
    expired = closed(30)

    output = run("purge_enquiries", "--dry-run")

    assert Enquiry.objects.filter(pk=expired.pk).exists()
    assert f"Would delete {expired.reference}" in output
    assert "Dry run: 1 closed enquiries" in output


def test_purge_takes_its_period_from_settings(settings):
    settings.ENQUIRY_RETENTION_MONTHS = 6
    expired = closed(7)

    run("purge_enquiries")

    assert not Enquiry.objects.filter(pk=expired.pk).exists()


def test_purge_months_option_overrides_the_setting(settings):
    settings.ENQUIRY_RETENTION_MONTHS = 24
    closed(13)

    run("purge_enquiries", "--months", "12")

    assert not Enquiry.objects.exists()


def test_purge_refuses_a_period_of_zero():
    closed(1)

    with pytest.raises(CommandError, match="at least 1 month"):
        run("purge_enquiries", "--months", "0")
    assert Enquiry.objects.exists()


def test_closing_an_enquiry_records_when_and_reopening_clears_it():
    enquiry = EnquiryFactory()
    assert enquiry.closed_at is None

    enquiry.status = Enquiry.Status.CLOSED
    enquiry.save(update_fields=["status"])
    enquiry.refresh_from_db()
    assert enquiry.closed_at is not None

    enquiry.status = Enquiry.Status.IN_PROGRESS
    enquiry.save()
    enquiry.refresh_from_db()
    assert enquiry.closed_at is None


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime.datetime(2026, 3, 31, 12, 0), 1, datetime.datetime(2026, 2, 28, 12, 0)),
        (datetime.datetime(2026, 1, 15), 24, datetime.datetime(2024, 1, 15)),
        (datetime.datetime(2026, 1, 15), 13, datetime.datetime(2024, 12, 15)),
        (datetime.datetime(2028, 3, 31), 1, datetime.datetime(2028, 2, 29)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected
