"""Who hears about an enquiry: the programme's leads, else the work stream's key contacts, else the fallback."""

from dataclasses import dataclass

from django.conf import settings

from programmes.models import Programme
from workstreams.models import KeyContact, WorkStream

from .models import Enquiry


@dataclass(frozen=True)
class Routing:
    route: str  # an Enquiry.Route value
    addresses: tuple[str, ...]


def _unique(addresses) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.lower() not in seen:
            seen[address.lower()] = address
    return tuple(seen.values())


def route_enquiry(*, programme: Programme | None, work_stream: WorkStream | None) -> Routing:
    """Choose the people to notify. Only published people with an e-mail address are ever chosen.

    With a programme but no work stream, the programme's own published work streams stand in,
    so an enquiry about a programme without named leads still reaches its work stream's contacts.
    """
    if programme is not None:
        leads = programme.lead_roles.with_published_person()
        if addresses := _unique(leads.values_list("person__email", flat=True)):
            return Routing(Enquiry.Route.PROGRAMME_LEADS, addresses)

    if work_stream is not None:
        work_streams = [work_stream]
    elif programme is not None:
        work_streams = programme.work_streams.published()
    else:
        work_streams = []
    contacts = (
        KeyContact.objects.with_published_person()
        .filter(work_stream__in=work_streams)
        .order_by("work_stream__order", "order", "pk")
    )
    if addresses := _unique(contacts.values_list("person__email", flat=True)):
        return Routing(Enquiry.Route.WORK_STREAM_CONTACTS, addresses)

    return Routing(Enquiry.Route.FALLBACK, (settings.ENQUIRY_FALLBACK_EMAIL,))
