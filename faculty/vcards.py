"""vCard 3.0 (RFC 2426) contact cards for people, so a visitor can save a contact in one click."""

import datetime
import uuid

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from publishing import centre
from publishing.feeds import with_last_modified
from publishing.seo import absolute_url

from .models import Person

MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, comma and semicolon get a backslash, line breaks become \\n."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets, never splitting a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    limit = MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            # Continuation lines start with one space, which counts towards their 75 octets.
            current, size, limit = " ", 1, MAX_LINE_OCTETS
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def build_vcard(person: Person, *, profile_url: str) -> str:
    """The person's vCard: name, title, organisation, e-mail, telephone and profile link."""
    organisation = person.affiliation.name if person.affiliation_id else centre.current().name
    name_parts = [person.family_name, person.given_name, "", person.honorific, ""]
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"PRODID:-//{escape_text(settings.SITE_SHORT_NAME)}//Catalogue//EN",
        f"UID:urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, profile_url)}",
        f"FN:{escape_text(person.full_name)}",
        "N:" + ";".join(escape_text(part) for part in name_parts),
        f"ORG:{escape_text(organisation)}",
    ]
    if person.job_title:
        lines.append(f"TITLE:{escape_text(person.job_title)}")
    if person.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{escape_text(person.email)}")
    if person.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{escape_text(person.phone)}")
    lines.append(f"URL:{profile_url}")
    if person.updated_at:
        lines.append(f"REV:{person.updated_at.astimezone(datetime.UTC):%Y-%m-%dT%H:%M:%SZ}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def vcard(request, slug: str):
    """`/people/<slug>.vcf`: published people only; anyone else is a 404."""
    person = get_object_or_404(Person.objects.published().select_related("affiliation"), slug=slug)
    body = build_vcard(person, profile_url=absolute_url(person.get_absolute_url()))
    response = HttpResponse(body, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{person.slug}.vcf"'
    # The card shows the person, and the organisation they belong to: theirs, or the centre.
    organisation_changed = person.affiliation.updated_at if person.affiliation_id else centre.current().updated_at
    return with_last_modified(response, max(filter(None, [person.updated_at, organisation_changed])))
