import time

import pytest

from contacts.abuse import issue_form_token
from contacts.models import Enquiry
from tests.factories import KeyContactFactory, PersonFactory, WorkStreamFactory

from .mail import FAILING_MAILERS


@pytest.fixture
def leadership(db):
    """The seed content's work stream with its two key contacts, as the first customer has it."""
    work_stream = WorkStreamFactory(title="Leadership and management", slug="leadership-and-management")
    belinda = PersonFactory(
        given_name="Belinda",
        family_name="Weir",
        slug="belinda-weir",
        email="b.weir@example.ac.uk",
        phone="0121 414 0001",
    )
    annette = PersonFactory(
        given_name="Annette", family_name="Neath", slug="annette-neath", email="a.neath@example.ac.uk"
    )
    KeyContactFactory(work_stream=work_stream, person=belinda, role_label="Commissioned programmes", order=1)
    KeyContactFactory(work_stream=work_stream, person=annette, role_label="Research and evaluation", order=2)
    return work_stream


def form_token(seconds_ago: float = 60, browser: str = "") -> str:
    return issue_form_token(browser=browser, at=time.time() - seconds_ago)


def csrf_secret(client, settings) -> str:
    cookie = client.cookies.get(settings.CSRF_COOKIE_NAME)
    return cookie.value if cookie else ""


@pytest.fixture
def enquiry_data(client, settings):
    """What a commissioner types into the form, with a token from a minute ago.

    The token is issued to the test client as it is when the data is built: to its CSRF cookie once a
    page has given it one, as a browser's would be.
    """

    def build(**overrides):
        data = {
            "name": "Sam Commissioner",
            "email": "sam@example.nhs.uk",
            "organisation": "Birmingham and Solihull ICB",
            "role": "Head of workforce development",
            "phone": "",
            "kind": Enquiry.Kind.COMMISSION,
            "work_stream": "",
            "programme": "",
            "cohort_size": "50",
            "timing": "Spring 2027",
            "message": "We would like a leadership programme for our senior managers.",
            "consent": "on",
            "website": "",
            "rendered_at": form_token(browser=csrf_secret(client, settings)),
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def failing_mail(settings):
    settings.MAILERS = FAILING_MAILERS
