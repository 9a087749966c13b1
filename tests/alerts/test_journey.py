"""The whole life of an alert, as issue 20 asks: subscribe, confirm, an intake opens, one digest, unsubscribe."""

import datetime

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alerts.models import Subscriber
from tests.factories import IntakeFactory

from .conftest import link_in


def send_alerts():
    call_command("send_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_subscribe_confirm_hear_once_unsubscribe_then_nothing_more(client, programme, clock, submit):
    page = client.get(programme.get_absolute_url())
    subscribe_url = reverse("alerts:subscribe-programme", kwargs={"slug": programme.slug})
    assert f'href="{subscribe_url}"' in page.text
    assert "E-mail me when applications open" in page.text

    response = submit(subscribe_url, "sam.learner@example.nhs.uk")
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:check-email")
    [confirmation] = mail.outbox
    assert confirmation.subject == "Confirm your e-mail alert: Medical Leadership in Practice"
    assert confirmation.to == ["sam.learner@example.nhs.uk"]

    # Double opt-in: news before confirming sends nothing.
    IntakeFactory(
        programme=programme,
        label="Cohort 8",
        applications_open=datetime.date(2027, 4, 1),
        application_deadline=datetime.date(2027, 6, 30),
        start_date=datetime.date(2027, 9, 6),
    )
    send_alerts()
    assert len(mail.outbox) == 1

    confirm = link_in(confirmation, "confirm")
    assert "Confirm" in client.get(confirm).text  # a page with a button; opening the link changes nothing
    send_alerts()
    assert len(mail.outbox) == 1
    confirmed = client.post(confirm)
    assert confirmed.status_code == 200
    assert "Your e-mail alert is on" in confirmed.text

    # Applications open: the clock moves to the opening day, and one digest goes, once.
    clock.move_to(datetime.date(2027, 4, 1))
    send_alerts()
    send_alerts()  # a second run the same day (cron overlap, a second host) sends nothing more
    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.subject == "Applications are open: Medical Leadership in Practice"
    assert "Apply by 30 June 2027." in digest.body
    assert "Cohort 8 starts on 6 September 2027." in digest.body
    unsubscribe = link_in(digest, "unsubscribe")
    header = digest.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(f"{unsubscribe}>")  # the same link as in the text
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail client POSTs, with no cookies and no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscriber.objects.exists()

    # The deadline reminder's day comes, and the next intake too: nothing more is sent.
    clock.move_to(datetime.date(2027, 6, 20))
    IntakeFactory(
        programme=programme,
        applications_open=datetime.date(2027, 6, 20),
        application_deadline=datetime.date(2027, 12, 1),
        start_date=datetime.date(2028, 1, 10),
    )
    send_alerts()
    assert len(mail.outbox) == 2
