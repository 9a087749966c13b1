"""The enquiry's e-mails leave the visitor's request: queued in the database, delivered by the worker.

A mail server that accepts connections and never answers (StallingServer) stands in for a slow one.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contacts.models import Enquiry
from tests.mailservers import SMTPSink, smtp_mailers
from tests.performance.servers import StallingServer

from .mail import FAILING_MAILERS

CONTACT_URL = reverse("contacts:contact")


@pytest.fixture
def run_worker(task_worker, settings):
    """Production's queue: tasks wait in the database for the worker, run by calling this."""
    settings.TASK_RETRY_DELAYS = [60, 240]
    return task_worker


def time_passes() -> None:
    """Make the retries waiting in the queue due now, as if their delay had passed."""
    waiting = DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now())
    assert waiting.exists(), "a retry should be waiting"
    waiting.update(run_after=timezone.now())


@pytest.fixture
def handler_client(enquiry_handler):
    client = Client()
    client.force_login(enquiry_handler)
    return client


def test_the_enquiry_answers_at_once_while_the_mail_server_stalls_and_is_delivered_when_it_recovers(
    client, leadership, enquiry_data, settings, run_worker, django_capture_on_commit_callbacks
):
    with StallingServer() as stalled:
        settings.MAILERS = smtp_mailers(stalled.port, timeout=1)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(CONTACT_URL, enquiry_data(programme="", work_stream=leadership.slug))
        answered_in = time.monotonic() - started

        assert response.status_code == 302
        assert answered_in < 1.0, f"the visitor waited {answered_in:.2f} s"
        enquiry = Enquiry.objects.get()
        assert enquiry.notification_status == Enquiry.Notification.PENDING
        assert DBTaskResult.objects.ready().count() == 2  # the notification and the acknowledgement

        run_worker()  # the server still stalls: each e-mail fails once and waits 60 s to be tried again
        enquiry.refresh_from_db()
        assert (enquiry.notification_attempts, enquiry.acknowledgement_attempts) == (1, 1)
        assert enquiry.notification_status == Enquiry.Notification.PENDING  # retries remain: not failed yet
        assert "timed out" in enquiry.notification_error.lower()
        run_worker()
        assert Enquiry.objects.get().notification_attempts == 1  # not before its time

    with SMTPSink() as sink:
        settings.MAILERS = smtp_mailers(sink.port)
        time_passes()
        run_worker()
        run_worker()  # nothing is left to send: nobody gets an e-mail twice

    enquiry.refresh_from_db()
    assert enquiry.notification_status == enquiry.acknowledgement_status == Enquiry.Notification.SENT
    recipients = sorted(tuple(to) for to, _message in sink.messages)
    assert recipients == sorted([("b.weir@example.ac.uk", "a.neath@example.ac.uk"), (enquiry.email,)])
    assert DBTaskResult.objects.ready().count() == 0


def test_retries_stop_and_the_failure_shows_in_the_admin(
    client, handler_client, leadership, enquiry_data, settings, run_worker, django_capture_on_commit_callbacks
):
    settings.MAILERS = FAILING_MAILERS
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONTACT_URL, enquiry_data())

    run_worker()  # the first try
    for _ in range(2):  # and two retries, 60 s and 240 s later
        time_passes()
        run_worker()

    enquiry = Enquiry.objects.get()
    assert enquiry.notification_status == Enquiry.Notification.FAILED
    assert enquiry.notification_attempts == 3
    assert DBTaskResult.objects.ready().count() == 0
    inbox = handler_client.get(reverse("admin:contacts_enquiry_changelist"), {"state": "notification_failed"})
    page = inbox.content.decode()
    assert enquiry.reference in page and "Notification failed" in page
    detail = handler_client.get(reverse("admin:contacts_enquiry_change", args=[enquiry.pk])).content.decode()
    assert "SMTPServerDisconnected" in detail


def test_a_task_for_an_e_mail_already_sent_sends_nothing(leadership, settings, mailoutbox):
    from contacts.tasks import deliver_enquiry_email
    from tests.factories import EnquiryFactory

    enquiry = EnquiryFactory(notification_status=Enquiry.Notification.SENT, routed_to="lead@example.ac.uk")

    assert deliver_enquiry_email.call(enquiry_id=enquiry.pk, email="notification") is True
    assert mailoutbox == []
