"""Enquiry workflows: save first, notify after commit, never lose an enquiry to a failed e-mail."""

import logging
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from publishing.seo import absolute_url

from .models import Enquiry
from .routing import route_enquiry

logger = logging.getLogger(__name__)

ENQUIRY_FIELDS = (
    "name",
    "email",
    "organisation",
    "role",
    "phone",
    "kind",
    "work_stream",
    "programme",
    "cohort_size",
    "timing",
    "message",
    "consent",
)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def header_safe(value: str, *, max_length: int = 120) -> str:
    """One line of text fit for an e-mail header: no CR, LF or other control characters, bounded length."""
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", str(value)).split())
    return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"


def submit_enquiry(*, data: Mapping[str, Any]) -> Enquiry:
    """Store a visitor's enquiry with its routing, then notify people once the row is committed.

    `data` is a validated form's cleaned_data. If the e-mails fail the enquiry is still saved and
    flagged for `retry_enquiry_notifications`; the visitor is never shown an error for our outage.
    """
    with transaction.atomic():
        enquiry = Enquiry(**{field: data[field] for field in ENQUIRY_FIELDS if field in data})
        routing = route_enquiry(programme=enquiry.programme, work_stream=enquiry.work_stream)
        enquiry.routed_via = routing.route
        enquiry.routed_to = "\n".join(routing.addresses)
        enquiry.full_clean()
        enquiry.save()
        transaction.on_commit(lambda: notify_routed_contacts(enquiry=enquiry), robust=True)
        transaction.on_commit(lambda: send_acknowledgement(enquiry=enquiry), robust=True)
    return enquiry


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
    context = {
        "enquiry": enquiry,
        "routing_description": routing_description(enquiry),
        "admin_url": absolute_url(enquiry.get_absolute_url()),
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = header_safe(
        f"[{settings.SITE_SHORT_NAME}] {enquiry.reference}: {enquiry.get_kind_display()} from {enquiry.name}"
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


def notify_routed_contacts(*, enquiry: Enquiry) -> bool:
    """E-mail the routed contacts and record the outcome on the enquiry. Returns True when sent.

    Any failure (SMTP down, refused recipient, timeout) is caught, logged and recorded so the enquiry
    shows as "notification failed" in the admin and is picked up by the retry command.
    """
    attempts = enquiry.notification_attempts + 1
    try:
        if not enquiry.routed_addresses:
            raise ValueError("The enquiry has no routed addresses.")
        build_notification(enquiry=enquiry).send(using="default")
    except Exception as error:  # whatever the mail system raises, the enquiry must be flagged
        logger.exception("Could not notify the routed contacts of enquiry %s.", enquiry.reference)
        outcome = {
            "notification_status": Enquiry.Notification.FAILED,
            "notification_error": header_safe(f"{type(error).__name__}: {error}", max_length=500),
        }
    else:
        outcome = {
            "notification_status": Enquiry.Notification.SENT,
            "notification_error": "",
            "notified_at": timezone.now(),
        }
    outcome["notification_attempts"] = attempts
    # update() rather than save(): a handler may be editing the same enquiry in the admin right now.
    Enquiry.objects.filter(pk=enquiry.pk).update(**outcome)
    for field, value in outcome.items():
        setattr(enquiry, field, value)
    return enquiry.notification_status == Enquiry.Notification.SENT


def send_acknowledgement(*, enquiry: Enquiry) -> bool:
    """Tell the visitor we have their enquiry.

    Deliberately contains nothing the visitor typed (not even the message), so the form cannot be
    used to send arbitrary text to someone else's address.
    """
    context = {
        "enquiry": enquiry,
        "SITE_NAME": settings.SITE_NAME,
        "CENTRE_EMAIL": settings.CENTRE_EMAIL,
        "CENTRE_PHONE": settings.CENTRE_PHONE,
        "privacy_url": absolute_url(reverse("contacts:privacy")),
    }
    message = EmailMultiAlternatives(
        subject=header_safe(f"We have received your enquiry ({enquiry.reference})"),
        body=render_to_string("contacts/email/acknowledgement.txt", context),
        to=[enquiry.email],
        reply_to=[settings.CENTRE_EMAIL] if settings.CENTRE_EMAIL else None,
    )
    message.attach_alternative(render_to_string("contacts/email/acknowledgement.html", context), "text/html")
    try:
        message.send(using="default")
    except Exception:  # the enquiry is saved; a lost acknowledgement must not break the request
        logger.exception("Could not send the acknowledgement for enquiry %s.", enquiry.reference)
        return False
    return True
