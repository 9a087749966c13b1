"""The centre's public identity, as every app and format shows it: name, address, telephone, e-mail, links.

Editors own it: `sitecontent` keeps it as a record with drafts, preview and history, and registers a
reader here when the app registry is ready (`provide`), as `search` fills `publishing.filters`. Apps below
`sitecontent` read it through `current()`, never by importing it. Settings give the defaults: what the first
migration writes, and what is shown wherever no record can be read (no database yet, the 503 page, a test
database that was flushed).

Read once per request: the first read in a request queries the record, later reads in the same request
reuse it, and the next request reads it again, so a published change shows on the next page and the page
cache records that every page read the record's table (a publish invalidates every cached page).
"""

from __future__ import annotations

import contextvars
import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import DatabaseError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Centre:
    name: str
    short_name: str
    address: str
    email: str = ""
    phone: str = ""
    postcode: str = ""
    awarding_body: str = ""  # who awards the centre's qualifications (the university)
    social_links: tuple[Link, ...] = field(default=())
    footer_links: tuple[Link, ...] = field(default=())
    privacy_notice: str = ""  # formatted text (publishing.richtext)
    updated_at: datetime.datetime | None = None  # when the published record last changed; None for defaults

    @property
    def version(self) -> str:
        """A short digest of everything shown, for cache keys of outputs built from the details."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.replace("\n", ",").split(",") if line.strip()]

    def as_context(self) -> dict:
        """The template variables every page has had since before the record existed."""
        return {
            "CENTRE": self,
            "SITE_NAME": self.name,
            "SITE_SHORT_NAME": self.short_name,
            "CENTRE_ADDRESS": self.address,
            "CENTRE_EMAIL": self.email,
            "CENTRE_PHONE": self.phone,
        }


def from_settings() -> Centre:
    return Centre(
        name=settings.SITE_NAME,
        short_name=settings.SITE_SHORT_NAME,
        address=settings.CENTRE_ADDRESS,
        email=settings.CENTRE_EMAIL,
        phone=settings.CENTRE_PHONE,
        postcode=settings.CENTRE_POSTCODE,
        awarding_body=settings.AWARDING_BODY,
        privacy_notice=default_privacy_notice(),
    )


# E-mail alerts (the alerts app); how long addresses are kept is added by the page itself, from settings.
ALERTS_PRIVACY_SECTION = (
    "<h2>E-mail alerts</h2>"
    "<p>If you ask us to e-mail you when applications open, we keep only your e-mail address, what you asked to "
    "follow (a programme, an area of work or a search of our programmes) and when you asked, confirmed and were "
    "last sent an alert. We use it only to send you those alerts, at most one e-mail a day, and only once you "
    "have confirmed the request from the e-mail we send you: that confirmation is your consent. Staff see how "
    "many people are waiting to hear about each programme, never who they are.</p>"
    "<p>Every alert has a link to unsubscribe with one click, which deletes your address straight away.</p>"
)


def default_privacy_notice() -> str:
    """The notice as the site first published it; how long enquiries are kept is added by the page itself."""
    name, short, email = settings.SITE_NAME, settings.SITE_SHORT_NAME, settings.CENTRE_EMAIL
    return (
        "<h2>Who we are</h2>"
        f"<p>The {name} ({short}) is part of the University of Birmingham, which is the data controller for the "
        f"information you send us. {settings.CENTRE_ADDRESS}.</p>"
        "<h2>What we collect</h2>"
        "<p>What you type into the form: your name, e-mail address, organisation, job title or role, telephone "
        "number if you give one, what your enquiry is about, the programme or area of work you choose, the cohort "
        "size and timing for a commissioning enquiry, and your message. We also record when you sent it.</p>"
        "<p>To protect the form from automated spam we count how often an enquiry is sent from each internet "
        "address, for a few minutes at a time. We keep only a scrambled form of the address, never with your "
        "enquiry.</p>"
        "<h2>Why we use it</h2>"
        "<p>Only to answer your enquiry and, if you go on to work with us, to arrange what you asked about. Our "
        "lawful basis is your consent, which you give by ticking the box on the form, and our legitimate interest "
        "in answering the people who contact us. We do not use your details for marketing and we never sell or "
        "share them outside the university.</p>"
        "<h2>Who sees it</h2>"
        "<p>The staff your enquiry is routed to (the programme's leads or the key contacts for the area of work, "
        "or our enquiries team), and the small group of staff who manage enquiries. Our e-mail and hosting "
        "providers process it on our behalf under contract.</p>" + ALERTS_PRIVACY_SECTION + "<h2>Your rights</h2>"
        "<p>You can ask for a copy of the information we hold about you, ask us to correct it, or ask us to "
        "delete it sooner, at any time. You can also withdraw your consent. E-mail "
        f'<a href="mailto:{email}">{email}</a> and quote your enquiry reference if you have it.</p>'
        "<p>If you are unhappy with how we have handled your information you can complain to the Information "
        'Commissioner\'s Office at <a href="https://ico.org.uk/make-a-complaint/">ico.org.uk</a>.</p>'
    )


_reader: Callable[[], Centre | None] = lambda: None  # noqa: E731 - replaced by sitecontent at start-up
# Inside a request, a dict that keeps the centre once read; outside requests (commands, tasks, tests that
# call code directly) None, so every read is fresh and nothing goes stale in a long-lived worker.
_this_request: contextvars.ContextVar[dict | None] = contextvars.ContextVar("centre", default=None)


def provide(reader: Callable[[], Centre | None]) -> None:
    """Install the reader of the editable record (None when there is none)."""
    global _reader
    _reader = reader


def _read() -> Centre:
    try:
        return _reader() or from_settings()
    except DatabaseError:
        logger.warning("The centre's details could not be read; showing the defaults from settings.")
        return from_settings()


def current() -> Centre:
    """The centre as published now; the settings' defaults when the record cannot be read."""
    memo = _this_request.get()
    if memo is None:
        return _read()
    if "centre" not in memo:
        memo["centre"] = _read()
    return memo["centre"]


def forget() -> None:
    """Read the record again on the next use (a preview has just written its pending change)."""
    if _this_request.get() is not None:
        _this_request.set({})


def _request_started(**kwargs) -> None:
    _this_request.set({})


def _request_finished(**kwargs) -> None:
    _this_request.set(None)


request_started.connect(_request_started, dispatch_uid="publishing.centre.started")
request_finished.connect(_request_finished, dispatch_uid="publishing.centre.finished")
