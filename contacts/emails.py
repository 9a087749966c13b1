"""An enquiry's two e-mails, to the routed contacts and to the visitor: built, sent once, outcome recorded."""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from publishing import centre
from publishing.seo import absolute_url

from .models import Enquiry

logger = logging.getLogger(__name__)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def header_safe(value: str, *, max_length: int = 120) -> str:
    """One line of text fit for an e-mail header: no CR, LF or other control characters, bounded length."""
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", str(value)).split())
    return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"


def routing_description(enquiry: Enquiry) -> str:
    """Who was told about the enquiry, in words: "the leads of Aspiring Healthcare Leaders"."""
    if enquiry.routed_via == Enquiry.Route.PROGRAMME_LEADS and enquiry.programme:
        return f"the leads of {enquiry.programme.title}"
    if enquiry.routed_via == Enquiry.Route.WORK_STREAM_CONTACTS:
        if enquiry.work_stream:
            return f"the key contacts for {enquiry.work_stream.title}"
        return "the key contacts for the programme's area of work"
    return "the general enquiries address"


def build_notification(*, enquiry: Enquiry) -> EmailMultiAlternatives:
    details = centre.current()
    context = {
        "enquiry": enquiry,
        "routing_description": routing_description(enquiry),
        "admin_url": absolute_url(enquiry.get_absolute_url()),
        "SITE_NAME": details.name,
    }
    subject = header_safe(
        f"[{details.short_name}] {enquiry.reference}: {enquiry.get_kind_display()} from {enquiry.name}"
        + (f", {enquiry.organisation}" if enquiry.organisation else ""),
        max_length=180,
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("contacts/email/notification.txt", context),
        to=enquiry.routed_addresses,
        # Contacts can answer the visitor straight from their mail client.
        reply_to=[enquiry.email],
    )
    message.attach_alternative(render_to_string("contacts/email/notification.html", context), "text/html")
    return message


def build_acknowledgement(*, enquiry: Enquiry) -> EmailMultiAlternatives:
    """Tell the visitor we have their enquiry.

    Deliberately contains nothing the visitor typed (not even the message), so the form cannot be
    used to send arbitrary text to someone else's address.
    """
    details = centre.current()
    context = {
        "enquiry": enquiry,
        "SITE_NAME": details.name,
        "CENTRE_EMAIL": details.email,
        "CENTRE_PHONE": details.phone,
        "privacy_url": absolute_url(reverse("contacts:privacy")),
    }
    message = EmailMultiAlternatives(
        subject=header_safe(f"We have received your enquiry ({enquiry.reference})"),
        body=render_to_string("contacts/email/acknowledgement.txt", context),
        to=[enquiry.email],
        reply_to=[details.email] if details.email else None,
    )
    message.attach_alternative(render_to_string("contacts/email/acknowledgement.html", context), "text/html")
    return message


@dataclass(frozen=True)
class EnquiryEmail:
    """One of the two e-mails an enquiry causes, and the fields that record its delivery."""

    name: str
    build: Callable[..., EmailMultiAlternatives]
    sent_at_field: str

    @property
    def status_field(self) -> str:
        return f"{self.name}_status"

    def status(self, enquiry: Enquiry) -> str:
        return getattr(enquiry, self.status_field)

    def attempts(self, enquiry: Enquiry) -> int:
        return getattr(enquiry, f"{self.name}_attempts")

    def recipients(self, enquiry: Enquiry) -> list[str]:
        return enquiry.routed_addresses if self.name == "notification" else [enquiry.email]


NOTIFICATION = EnquiryEmail("notification", build_notification, "notified_at")
ACKNOWLEDGEMENT = EnquiryEmail("acknowledgement", build_acknowledgement, "acknowledged_at")
EMAILS = {email.name: email for email in (NOTIFICATION, ACKNOWLEDGEMENT)}


def deliver(enquiry: Enquiry, email: EnquiryEmail, *, final: bool = True) -> bool:
    """Send `email` for `enquiry` unless it was sent already, and record the outcome. True once sent.

    A failure (SMTP down, refused recipient, timeout) is caught, logged and recorded: as "failed" when
    `final`, so the enquiry shows it in the admin and the retry command picks it up; as still pending
    while a retry is scheduled. Callers that may overlap (the task worker, the retry command) hold the
    row's lock, so the same person is never e-mailed twice for the same enquiry.
    """
    if email.status(enquiry) == Enquiry.Notification.SENT:
        return True
    try:
        if not email.recipients(enquiry):
            raise ValueError("The enquiry has no routed addresses.")
        email.build(enquiry=enquiry).send(using="default")
    except Exception as error:  # whatever the mail system raises, the enquiry must be flagged
        logger.exception("Could not send the %s of enquiry %s.", email.name, enquiry.reference)
        outcome = {
            email.status_field: Enquiry.Notification.FAILED if final else Enquiry.Notification.PENDING,
            f"{email.name}_error": header_safe(f"{type(error).__name__}: {error}", max_length=500),
        }
    else:
        outcome = {
            email.status_field: Enquiry.Notification.SENT,
            f"{email.name}_error": "",
            email.sent_at_field: timezone.now(),
        }
    outcome[f"{email.name}_attempts"] = email.attempts(enquiry) + 1
    # update() rather than save(): a handler may be editing the same enquiry in the admin right now.
    Enquiry.objects.filter(pk=enquiry.pk).update(**outcome)
    for field, value in outcome.items():
        setattr(enquiry, field, value)
    return email.status(enquiry) == Enquiry.Notification.SENT


def notify_routed_contacts(*, enquiry: Enquiry) -> bool:
    """E-mail the routed contacts now (the retry command and the admin's retry action)."""
    return deliver(enquiry, NOTIFICATION)


def send_acknowledgement(*, enquiry: Enquiry) -> bool:
    """E-mail the visitor the acknowledgement now (the retry command and the admin's retry action)."""
    return deliver(enquiry, ACKNOWLEDGEMENT)
