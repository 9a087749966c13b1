"""XCRI-CAP 1.2 feed of the published programmes, for UK course aggregators.

catalog > provider (the centre) > course (a programme) > presentation (an intake), in the element
order of the XCRI-CAP 1.2 schema (`programmes/schemas/xcri_cap_1_2.xsd`). The document is built as
an element tree, never from a text template, so every value is escaped; characters that XML 1.0
cannot carry (control characters, lone surrogates) are dropped first, so editor input never breaks it.

Presentations are the intakes a learner can still act on or join: availability (computed once, in
`programmes.availability`) other than closed. Finished, full and cancelled intakes are left out.
Enquiries: XCRI-CAP 1.2 has no enquireTo element (it was "at risk" in 1.1 and dropped from the 1.2
schema), so where to enquire is given by the provider's location (e-mail, phone, contact page) and
in each course's applicationProcedure text.
"""

import datetime
import re
import xml.etree.ElementTree as ET

from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from publishing import centre, richtext
from publishing.addresses import find_uk_postcode
from publishing.feeds import feed_view, last_change, with_last_modified
from publishing.seo import absolute_url
from workstreams.models import WorkStream

from .availability import Availability
from .feeds import cached_body
from .models import Intake, Programme

XCRI = "http://xcri.org/profiles/1.2/catalog"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
MLO = "http://purl.org/net/mlo"
NAMESPACES = {
    "": XCRI,
    "dc": DC,
    "dcterms": DCTERMS,
    "mlo": MLO,
    "xhtml": richtext.XHTML,
}
CONTENT_TYPE = "application/xml; charset=utf-8"
ABSTRACT_LENGTH = 140  # the specification's limit for <abstract>

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)

# Everything outside XML 1.0's Char production: C0 controls except tab, LF and CR; surrogates; U+FFFE/U+FFFF.
INVALID_XML_CHARACTERS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

STUDY_MODES = {
    Programme.StudyMode.FULL_TIME: ("FT", "Full time"),
    Programme.StudyMode.PART_TIME: ("PT", "Part time"),
    Programme.StudyMode.FLEXIBLE: ("FL", "Flexible"),
}
STUDY_MODE_NOT_KNOWN = ("NK", "Not known")
ATTENDANCE_MODES = {
    Programme.AttendanceMode.CAMPUS: ("CM", "Campus"),
    Programme.AttendanceMode.BLENDED: ("MM", "Mixed mode"),
    Programme.AttendanceMode.ONLINE: ("ON", "Online (no attendance)"),
    Programme.AttendanceMode.WORK_BASED: ("WB", "Work-based"),
}
# The labels XCRI-CAP recommends for each code (our own labels are written for learners).
XCRI_ATTENDANCE_PATTERNS = {
    Programme.AttendancePattern.DAYTIME: "Daytime",
    Programme.AttendancePattern.EVENING: "Evening",
    Programme.AttendancePattern.TWILIGHT: "Twilight",
    Programme.AttendancePattern.BLOCK_RELEASE: "Day/Block release",
    Programme.AttendancePattern.WEEKEND: "Weekend",
    Programme.AttendancePattern.CUSTOMISED: "Customised",
}
DURATION_DESIGNATORS = {
    Programme.DurationUnit.HOURS: "PT{}H",
    Programme.DurationUnit.DAYS: "P{}D",
    Programme.DurationUnit.WEEKS: "P{}W",
    Programme.DurationUnit.MONTHS: "P{}M",
    Programme.DurationUnit.YEARS: "P{}Y",
}


def xml_text(value) -> str:
    """Text that is safe to put in an XML 1.0 document (escaping is the serializer's job)."""
    return INVALID_XML_CHARACTERS.sub("", str(value))


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _add(parent: ET.Element, namespace: str, name: str, text=None, **attributes) -> ET.Element:
    element = ET.SubElement(
        parent, _tag(namespace, name), {key: xml_text(value) for key, value in attributes.items() if value}
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def _add_if(parent: ET.Element, namespace: str, name: str, text, **attributes) -> ET.Element | None:
    """Add an element only when it has something to say: empty elements are errors for aggregators."""
    if text is None or not str(text).strip():
        return None
    return _add(parent, namespace, name, str(text).strip(), **attributes)


def _add_formatted(parent: ET.Element, namespace: str, name: str, *sections: tuple[str, str]) -> None:
    """A descriptive text element carrying formatted text as XHTML (XCRI-CAP allows one xhtml:div).

    `sections` are (heading, formatted text) pairs, joined in one div under h3 headings (none for an empty
    heading); empty sections are left out, and so is the element when all are.
    """
    div = ET.Element(f"{{{richtext.XHTML}}}div")
    for heading, html in sections:
        content = richtext.to_xhtml(html)
        if content is None:
            continue
        if heading:
            ET.SubElement(div, f"{{{richtext.XHTML}}}h3").text = heading
        if content.text and content.text.strip():  # words before the first block: keep them in a paragraph
            ET.SubElement(div, f"{{{richtext.XHTML}}}p").text = content.text
        div.extend(list(content))
    if not len(div):
        return
    for element in div.iter():
        element.text = xml_text(element.text) if element.text else element.text
        element.tail = xml_text(element.tail) if element.tail else element.tail
    ET.SubElement(parent, _tag(namespace, name)).append(div)


def _date_text(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _temporal(parent, namespace, name, date: datetime.date | None, *, provisional: bool = False):
    """A temporal element: words for people and a W3C-DTF date in @dtf for machines."""
    if date is None:
        return None
    words = _date_text(date) + (" (to be confirmed)" if provisional else "")
    return _add(parent, namespace, name, words, dtf=date.isoformat())


def _duration(parent, programme: Programme, intake: Intake) -> None:
    if programme.duration_value and programme.duration_unit in DURATION_DESIGNATORS:
        interval = DURATION_DESIGNATORS[programme.duration_unit].format(programme.duration_value)
        _add(parent, MLO, "duration", programme.duration_display, interval=interval)
    elif intake.start_date and intake.end_date:
        days = (intake.end_date - intake.start_date).days + 1
        _add(parent, MLO, "duration", f"{days} day{'s' if days != 1 else ''}", interval=f"P{days}D")
    else:
        _add(parent, MLO, "duration", "To be confirmed")


def _location(parent, *, address_lines, postcode="", phone="", email="", url="") -> ET.Element:
    """A location in the schema's order; the postcode (given, or found in the words) is not repeated as a line."""
    location = _add(parent, MLO, "location")
    postcode = postcode or find_uk_postcode(" ".join(address_lines))
    _add_if(location, MLO, "postcode", postcode)
    for line in address_lines:
        if postcode and normalise_line(line) == normalise_line(postcode):
            continue
        _add_if(location, MLO, "address", line)
    _add_if(location, MLO, "phone", phone)
    _add_if(location, MLO, "email", email)
    _add_if(location, MLO, "url", url)
    return location


def normalise_line(text: str) -> str:
    return "".join(text.split()).upper()


def _presentation(course: ET.Element, programme: Programme, intake: Intake, *, page_url: str) -> None:
    presentation = _add(course, XCRI, "presentation")
    _add(presentation, DC, "identifier", f"{page_url}#intake-{intake.pk}")
    title = intake.label or (
        f"{programme.title}, starting {_date_text(intake.start_date)}" if intake.start_date else programme.title
    )
    _add(presentation, DC, "title", title)
    if intake.start_date:
        _temporal(presentation, MLO, "start", intake.start_date, provisional=intake.dates_to_be_confirmed)
    else:
        _add(presentation, MLO, "start", "Dates to be confirmed")
    _temporal(presentation, XCRI, "end", intake.end_date, provisional=intake.dates_to_be_confirmed)
    _duration(presentation, programme, intake)
    _temporal(presentation, XCRI, "applyFrom", intake.applications_open)
    _temporal(presentation, XCRI, "applyUntil", intake.application_deadline)
    _add(presentation, XCRI, "applyTo", programme.apply_url or page_url)
    code, label = STUDY_MODES.get(programme.study_mode, STUDY_MODE_NOT_KNOWN)
    _add(presentation, XCRI, "studyMode", label, identifier=code)
    if programme.attendance_mode in ATTENDANCE_MODES:
        code, label = ATTENDANCE_MODES[programme.attendance_mode]
        _add(presentation, XCRI, "attendanceMode", label, identifier=code)
    if programme.attendance_pattern:
        pattern = Programme.AttendancePattern(programme.attendance_pattern)
        _add(presentation, XCRI, "attendancePattern", XCRI_ATTENDANCE_PATTERNS[pattern], identifier=pattern.value)
    _add(presentation, MLO, "languageOfInstruction", "en")
    _add(presentation, XCRI, "languageOfAssessment", "en")
    places = intake.places if intake.places is not None else programme.cohort_size
    if places is not None:
        _add(presentation, MLO, "places", places)
    _add_if(presentation, MLO, "cost", intake.cost or programme.fees_and_funding)
    venue_name = intake.location or programme.location
    online = programme.attendance_mode == Programme.AttendanceMode.ONLINE or venue_name.strip().lower() == "online"
    if venue_name.strip() and not online:
        venue = _add(presentation, XCRI, "venue")
        provider = _add(venue, XCRI, "provider")
        _add(provider, DC, "title", venue_name)
        # Questions about a venue go to the centre, which runs the programme there.
        details = centre.current()
        _location(provider, address_lines=[venue_name], phone=details.phone, email=details.email)


def _course(provider: ET.Element, programme: Programme, *, contact_url: str) -> None:
    page_url = absolute_url(programme.get_absolute_url())
    course = _add(provider, XCRI, "course")
    # One untyped description per language, as aggregators expect. Typing "who it is for" and "structure"
    # with the XCRI Terms vocabulary (xsi:type) would need that vocabulary's schema, which the official core
    # set does not include: strict validators reject the type. So they are sections of the one description.
    _add_formatted(
        course,
        DC,
        "description",
        ("", programme.overview),
        ("Who it is for", programme.who_for),
        ("Structure", programme.structure),
    )
    _add(course, DC, "identifier", page_url)
    subjects = [(topic.slug, topic.name) for topic in programme.topics.all()]
    subjects += [(stream.slug, stream.title) for stream in programme.work_streams.all()]
    for slug, name in subjects:
        _add_if(course, DC, "subject", name, identifier=slug)
    _add(course, DC, "title", programme.title)
    _add(course, DC, "type", programme.get_kind_display())
    _add(course, MLO, "url", page_url)
    _add_if(course, XCRI, "abstract", Truncator(programme.summary).chars(ABSTRACT_LENGTH))
    how_to = [f"Apply: {programme.apply_url}."] if programme.apply_url else []
    how_to.append(f"Details and dates: {page_url}.")
    email = centre.current().email
    how_to.append(f"Enquiries: {contact_url}" + (f" or {email}." if email else "."))
    _add(course, XCRI, "applicationProcedure", " ".join(how_to))
    _add_formatted(course, XCRI, "learningOutcome", ("", programme.outcomes))
    if programme.qualification.strip():
        qualification = _add(course, MLO, "qualification")
        _add(qualification, DC, "identifier", f"{page_url}#qualification")
        _add(qualification, DC, "title", programme.qualification)
        _add_if(qualification, DCTERMS, "educationLevel", programme.get_level_display())
        _add_if(qualification, XCRI, "awardedBy", programme.awarded_by or centre.current().awarding_body)
    for intake in programme.advertised_intakes:
        _presentation(course, programme, intake, page_url=page_url)


def xcri_programmes():
    """Published programmes with what the feed shows, in four queries whatever the catalogue's size."""
    advertised = Intake.objects.exclude(availability=Availability.CLOSED)
    return (
        Programme.objects.published()
        .order_by("title", "pk")
        .prefetch_related(
            "topics",
            Prefetch("work_streams", queryset=WorkStream.objects.published()),
            Prefetch("intakes", queryset=advertised, to_attr="advertised_intakes"),
        )
    )


def build_catalog(programmes, *, generated: datetime.datetime) -> bytes:
    """The XCRI-CAP 1.2 document, as UTF-8 bytes with an XML declaration."""
    home = absolute_url(reverse("home"))
    contact_url = absolute_url(reverse("contacts:contact"))
    catalog = ET.Element(
        _tag(XCRI, "catalog"),
        {
            "generated": generated.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )
    details = centre.current()
    _add(catalog, DC, "description", f"Programmes of the {details.name}.")
    _add(catalog, DC, "title", f"{details.name}: programme catalogue")
    provider = _add(catalog, XCRI, "provider")
    _add(
        provider,
        DC,
        "description",
        f"The {details.name} develops leaders for the health service through research, "
        "taught Masters programmes and commissioned leadership development.",
    )
    _add(provider, DC, "identifier", home)
    _add(provider, DC, "title", details.name)
    _add(provider, MLO, "url", home)
    for programme in programmes:
        _course(provider, programme, contact_url=contact_url)
    _location(
        provider,
        address_lines=details.address_lines,
        postcode=details.postcode,
        phone=details.phone,
        email=details.email,
        url=contact_url,
    )
    return ET.tostring(catalog, encoding="utf-8", xml_declaration=True)


@require_safe
@feed_view
def xcri_cap_feed(request):
    # "generated" is when the catalogue or the centre's details (the provider) last changed, so an unchanged
    # feed is byte-for-byte the same, and a new telephone number is a new feed at once.
    details = centre.current()
    generated = last_change(Programme, depends_on_date=True, also=[details.updated_at])
    body = cached_body(
        f"xcri-cap:{details.version}",
        lambda: build_catalog(xcri_programmes(), generated=generated or datetime.datetime.now(datetime.UTC)),
    )
    return with_last_modified(HttpResponse(body, content_type=CONTENT_TYPE), generated)
