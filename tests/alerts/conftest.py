import datetime
import re
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contacts.abuse import issue_form_token
from tests.factories import ProgrammeFactory

# A Monday in term time, at 09:00 in London (GMT): a clock the tests move forward by hand.
START = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


class Clock:
    """`timezone.now()` (and so `localdate()`, auto_now_add and availability's "today") under the test's control."""

    def __init__(self, moment: datetime.datetime):
        self.now = moment

    def advance(self, **delta) -> None:
        self.now += datetime.timedelta(**delta)

    def move_to(self, day: datetime.date, hour: int = 9) -> None:
        self.now = datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(START)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def programme(db, clock):
    """A published programme with no intakes yet: the page says "Dates to be confirmed"."""
    return ProgrammeFactory(title="Medical Leadership in Practice", slug="medical-leadership-in-practice")


def csrf_secret(client, settings) -> str:
    cookie = client.cookies.get(settings.CSRF_COOKIE_NAME)
    return cookie.value if cookie else ""


@pytest.fixture
def submit(client, settings, committed):
    """`submit(url, email)`: open the form page, then send it a minute later, as a person would; what the
    request queues once it commits (the e-mails) runs when it ends."""

    def send(url: str, email: str, **extra):
        page = client.get(url)
        assert page.status_code == 200, page.status_code
        token = issue_form_token(browser=csrf_secret(client, settings), at=time.time() - 60)
        with committed():
            return client.post(url, {"email": email, "website": "", "rendered_at": token, **extra})

    return send


def link_in(message, name: str) -> str:
    """The path of the first link to the alerts view `name` in an e-mail's text."""
    prefix = reverse(f"alerts:{name}", kwargs={"token": "TOKEN"}).split("TOKEN")[0]
    found = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s]+)", message.body)
    assert found, f"no {name} link in:\n{message.body}"
    return found.group(1)


def outbox_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]
