"""Enquiry workflows: save first, notify after commit, never lose an enquiry to a failed e-mail."""

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import transaction

from .emails import EMAILS
from .models import Enquiry
from .routing import route_enquiry
from .tasks import enqueue_delivery

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


def submit_enquiry(*, data: Mapping[str, Any]) -> Enquiry:
    """Store a visitor's enquiry with its routing, then notify people once the row is committed.

    `data` is a validated form's cleaned_data. The e-mails are tasks (contacts.tasks), retried with
    backoff; if they still fail the enquiry is saved all the same and flagged in the admin and for
    `retry_enquiry_notifications`: the visitor is never shown an error for our outage.
    """
    with transaction.atomic():
        enquiry = Enquiry(**{field: data[field] for field in ENQUIRY_FIELDS if field in data})
        routing = route_enquiry(programme=enquiry.programme, work_stream=enquiry.work_stream)
        enquiry.routed_via = routing.route
        enquiry.routed_to = "\n".join(routing.addresses)
        enquiry.full_clean()
        enquiry.save()
        # Queued once the row is committed: the visitor's request never waits on the mail server.
        for email in EMAILS:
            transaction.on_commit(partial(enqueue_delivery, enquiry_id=enquiry.pk, email=email), robust=True)
    return enquiry
