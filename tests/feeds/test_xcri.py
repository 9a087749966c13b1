import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from programmes.models import Intake, Programme
from programmes.xcri import xml_text
from publishing import centre
from publishing.models import Status
from tests.factories import (
    IntakeFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
    TopicFactory,
    WorkStreamFactory,
)
from tests.feeds.xcri_rules import Rules

XCRI = "http://xcri.org/profiles/1.2/catalog"
NS = {
    "x": XCRI,
    "dc": "http://purl.org/dc/elements/1.1/",
    "mlo": "http://purl.org/net/mlo",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
CORE_SCHEMA = Path(settings.BASE_DIR) / "programmes" / "schemas" / "xcri_cap_1_2.xsd"
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The programmes of the seed page (shared/seed/leadership-and-management.txt), as the demo content has them.
SEED_PROGRAMMES = [
    ("MSc Health Services Management", Programme.Kind.TAUGHT_MASTERS),
    ("Elizabeth Garrett Anderson programme", Programme.Kind.NATIONAL_PARTNERSHIP),
    ("Nye Bevan programme", Programme.Kind.NATIONAL_PARTNERSHIP),
    ("Systems Leadership", Programme.Kind.COMMISSIONED),
    ("Medical Leadership in Practice", Programme.Kind.COMMISSIONED),
    ("Intercalated degree in Health Management and Leadership", Programme.Kind.INTERCALATED),
    ("Evaluation of leadership development programmes", Programme.Kind.EVALUATION),
    ("Aspiring Healthcare Leaders", Programme.Kind.OPEN),
]


@pytest.fixture(scope="module")
def xcri_schema():
    """The official XCRI-CAP 1.2 core schema set (programmes/schemas/), compiled offline from its own files."""
    return etree.XMLSchema(etree.parse(str(CORE_SCHEMA)))


def fetch_feed(client):
    response = client.get(reverse("feeds:xcri-cap"))
    assert response.status_code == 200
    return response, etree.fromstring(response.content)


def courses_by_title(root):
    return {course.findtext("dc:title", namespaces=NS): course for course in root.iterfind(".//x:course", NS)}


@pytest.fixture
def seed_catalogue(db):
    """Seed-shaped demo data: every programme of the seed page, with partners, topics and intakes."""
    today = timezone.localdate()
    stream = WorkStreamFactory(title="Leadership and management", slug="leadership-and-management")
    heewm = OrganisationFactory(name="Health Education England West Midlands", short_name="HEEWM", slug="heewm")
    topic = TopicFactory(name="System leadership", slug="system-leadership")
    programmes = []
    for index, (title, kind) in enumerate(SEED_PROGRAMMES):
        programme = ProgrammeFactory(title=title, slug=f"seed-{index}", kind=kind, location="Birmingham")
        programme.work_streams.add(stream)
        programme.topics.add(topic)
        programmes.append(programme)
    ProgrammePartnerFactory(programme=programmes[3], organisation=heewm)
    aspiring = programmes[-1]
    aspiring.cohort_size = 50
    aspiring.attendance_mode = Programme.AttendanceMode.BLENDED
    aspiring.save()
    IntakeFactory(
        programme=aspiring,
        label="Cohort 12",
        applications_open=today,
        cost="Funded by HEEWM",
        location="Birmingham, Edgbaston campus",
    )
    IntakeFactory(programme=programmes[0], start_date=None, end_date=None, application_deadline=None)
    return programmes


def test_feed_is_served_as_utf8_xml_with_the_xcri_namespaces(client, seed_catalogue):
    response, root = fetch_feed(client)

    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert root.tag == f"{{{XCRI}}}catalog"
    assert root.nsmap[None] == XCRI
    assert root.nsmap["dc"] == NS["dc"]
    assert root.nsmap["mlo"] == NS["mlo"]


def test_feed_validates_against_the_xcri_cap_schema(client, seed_catalogue, xcri_schema):
    _, root = fetch_feed(client)

    assert xcri_schema.validate(root), xcri_schema.error_log


def test_catalog_generated_is_an_iso_date_time(client, seed_catalogue):
    _, root = fetch_feed(client)

    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", root.get("generated"))


def test_the_centre_is_the_provider_with_its_contact_details(client, seed_catalogue):
    _, root = fetch_feed(client)
    providers = root.findall("x:provider", NS)

    assert len(providers) == 1
    provider = providers[0]
    assert provider.findtext("dc:title", namespaces=NS) == settings.SITE_NAME
    assert provider.findtext("dc:identifier", namespaces=NS).startswith(settings.SITE_URL)
    assert provider.findtext("mlo:location/mlo:email", namespaces=NS) == settings.CENTRE_EMAIL
    assert provider.findtext("mlo:location/mlo:url", namespaces=NS).endswith(reverse("contacts:contact"))


def test_every_seed_programme_is_a_course_and_drafts_are_not(client, seed_catalogue):
    ProgrammeFactory(title="Secret draft", status=Status.DRAFT)
    ProgrammeFactory(title="Not yet", publish_from=timezone.now() + datetime.timedelta(days=1))
    _, root = fetch_feed(client)

    assert sorted(courses_by_title(root)) == sorted(title for title, _ in SEED_PROGRAMMES)


def test_course_has_identifier_url_title_type_subjects_and_abstract(client, seed_catalogue):
    _, root = fetch_feed(client)
    course = courses_by_title(root)["Systems Leadership"]
    page = settings.SITE_URL + seed_catalogue[3].get_absolute_url()

    assert course.findtext("dc:identifier", namespaces=NS) == page
    assert course.findtext("mlo:url", namespaces=NS) == page
    assert course.findtext("dc:type", namespaces=NS) == "Commissioned programme"
    assert [s.text for s in course.findall("dc:subject", NS)] == ["System leadership", "Leadership and management"]
    assert len(course.findtext("x:abstract", namespaces=NS)) <= 140
    assert page in course.findtext("x:applicationProcedure", namespaces=NS)


def test_intake_is_a_presentation_with_dates_mode_places_cost_and_venue(client, seed_catalogue):
    intake = Intake.objects.get(label="Cohort 12")
    _, root = fetch_feed(client)
    presentation = courses_by_title(root)["Aspiring Healthcare Leaders"].find("x:presentation", NS)

    def dtf(path):
        return presentation.find(path, NS).get("dtf")

    assert presentation.findtext("dc:identifier", namespaces=NS).endswith(f"#intake-{intake.pk}")
    assert dtf("mlo:start") == intake.start_date.isoformat()
    assert dtf("x:end") == intake.end_date.isoformat()
    assert dtf("x:applyFrom") == intake.applications_open.isoformat()
    assert dtf("x:applyUntil") == intake.application_deadline.isoformat()
    for path in ("mlo:start", "x:end", "x:applyFrom", "x:applyUntil"):
        assert W3C_DATE.match(dtf(path))
        assert presentation.findtext(path, namespaces=NS).strip()
    assert presentation.find("mlo:duration", NS).get("interval") == "P12M"
    assert presentation.findtext("mlo:duration", namespaces=NS) == "12 months"
    assert presentation.find("x:studyMode", NS).get("identifier") == "PT"
    assert presentation.find("x:attendanceMode", NS).get("identifier") == "MM"
    assert presentation.findtext("mlo:places", namespaces=NS) == "50"
    assert presentation.findtext("mlo:cost", namespaces=NS) == "Funded by HEEWM"
    assert presentation.findtext("x:applyTo", namespaces=NS).startswith(settings.SITE_URL)
    assert presentation.findtext("x:venue/x:provider/dc:title", namespaces=NS) == "Birmingham, Edgbaston campus"


def test_intake_without_dates_still_has_a_start_and_a_duration(client, seed_catalogue):
    _, root = fetch_feed(client)
    presentation = courses_by_title(root)["MSc Health Services Management"].find("x:presentation", NS)

    start = presentation.find("mlo:start", NS)
    assert start.text == "Dates to be confirmed"
    assert start.get("dtf") is None
    assert presentation.find("mlo:duration", NS) is not None


def test_programme_without_intakes_is_a_valid_course_without_presentations(client, db, xcri_schema):
    ProgrammeFactory(title="No dates yet", duration_value=None, duration_unit="", study_mode="")
    _, root = fetch_feed(client)

    course = courses_by_title(root)["No dates yet"]
    assert course.findall("x:presentation", NS) == []
    assert xcri_schema.validate(root), xcri_schema.error_log


def test_closed_intakes_are_not_advertised(client, db):
    today = timezone.localdate()
    programme = ProgrammeFactory(title="Busy programme")
    open_intake = IntakeFactory(programme=programme)
    IntakeFactory(programme=programme, status=Intake.Status.CANCELLED)
    IntakeFactory(programme=programme, status=Intake.Status.FULL)
    IntakeFactory(
        programme=programme,
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=40),
        application_deadline=today - datetime.timedelta(days=500),
    )
    _, root = fetch_feed(client)

    identifiers = [
        p.findtext("dc:identifier", namespaces=NS)
        for p in courses_by_title(root)["Busy programme"].iterfind("x:presentation", NS)
    ]
    assert [identifier.rsplit("#", 1)[1] for identifier in identifiers] == [f"intake-{open_intake.pk}"]


def test_control_characters_and_markup_in_content_do_not_break_the_feed(client, db, xcri_schema):
    programme = ProgrammeFactory(
        title="Leading <change> & \x01improvement\x0b",
        summary="Bell \x07 and form feed \x0c & escape \x1b end",
        overview="Tab\tand newline\nstay; <script>alert(1)</script>",
    )
    IntakeFactory(programme=programme, cost="£2,500 \x1b incl. VAT", label="Cohort \x01 1")
    response, root = fetch_feed(client)

    assert xcri_schema.validate(root), xcri_schema.error_log
    course = courses_by_title(root)["Leading <change> & improvement"]
    # Plain text, so the markup is text: one XHTML paragraph, the newline a line break.
    [paragraph] = course.find("dc:description", NS).iterfind("xhtml:div/xhtml:p", NS)
    assert "".join(paragraph.itertext()) == "Tab\tand newlinestay; <script>alert(1)</script>"
    assert paragraph.find("xhtml:br", NS) is not None
    assert course.findtext("x:presentation/mlo:cost", namespaces=NS) == "£2,500  incl. VAT"
    assert b"<script>" not in response.content


def test_xml_text_drops_what_xml_1_0_cannot_carry():
    assert xml_text("a\x00b\x08c\ud800d\ufffee\tf\ng\rh 😀") == "abcde\tf\ng\rh 😀"


def test_online_programme_has_no_venue(client, db):
    programme = ProgrammeFactory(
        title="Online course", attendance_mode=Programme.AttendanceMode.ONLINE, location="Online"
    )
    IntakeFactory(programme=programme)
    _, root = fetch_feed(client)

    presentation = courses_by_title(root)["Online course"].find("x:presentation", NS)
    assert presentation.find("x:venue", NS) is None
    assert presentation.find("x:attendanceMode", NS).get("identifier") == "ON"


def test_feed_costs_the_same_queries_for_few_and_many_programmes(
    client, db, django_assert_max_num_queries, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            programme = ProgrammeFactory()
            programme.topics.add(TopicFactory())
            programme.work_streams.add(WorkStreamFactory())
            IntakeFactory(programme=programme)

    add(2)
    centre.current()  # read once and kept until it changes (pagecache.fragments): not part of either count
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("feeds:xcri-cap"))
    add(20)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("feeds:xcri-cap"))
    assert len(courses_by_title(etree.fromstring(response.content))) == 22


def test_unchanged_feed_answers_a_conditional_request_with_304(client, seed_catalogue):
    first = client.get(reverse("feeds:xcri-cap"))
    again = client.get(reverse("feeds:xcri-cap"), headers={"if-none-match": first["ETag"]})

    assert first["ETag"]
    assert again.status_code == 304


@pytest.mark.parametrize("break_it", ["unknown-element", "bad-date", "course-before-provider-title"])
def test_the_schema_check_can_fail(client, seed_catalogue, xcri_schema, break_it):
    _, root = fetch_feed(client)
    provider = root.find("x:provider", NS)
    presentation = courses_by_title(root)["Aspiring Healthcare Leaders"].find("x:presentation", NS)
    if break_it == "unknown-element":
        etree.SubElement(presentation, f"{{{XCRI}}}notAnXcriElement").text = "x"
    elif break_it == "bad-date":
        presentation.find("mlo:start", NS).set("dtf", "next spring")
    else:
        provider.insert(0, provider.find("x:course", NS))

    assert not xcri_schema.validate(root)


# Text with every C0 control character (but tab and newlines, and NUL, which PostgreSQL cannot store),
# markup and characters XML escapes, typed into every field the feed shows.
HOSTILE = "".join(chr(code) for code in range(1, 0x20) if chr(code) not in "\t\n\r") + ' <b>&amp;</b> "quoted" ©'
# Rules that cannot apply to such a course: it awards nothing, or has no run to advertise yet.
NOT_APPLICABLE = {
    "The qualification element is mandatory if a course leads to awards of a qualification.",
    "All courses should contain a presentation element.",
}


@pytest.fixture
def every_state_catalogue(db):
    """A programme per availability state (and full and cancelled intakes), with hostile text everywhere,
    and the centre's details that aggregators ask for."""
    from sitecontent.models import CentreDetails

    CentreDetails.objects.get_or_create_default()
    CentreDetails.objects.update(postcode="B15 2TT", phone="0121 414 7050", awarding_body="University of Birmingham")
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    intakes = {
        "open": {"applications_open": today - day, "application_deadline": today + 30 * day},
        "opening soon": {"applications_open": today + 10 * day},
        "starting soon": {"application_deadline": today - day, "start_date": today + 5 * day},
        "running": {"start_date": today - 5 * day, "end_date": today + 50 * day, "application_deadline": None},
        "dates to be confirmed": {"start_date": None, "end_date": None, "application_deadline": None},
        "full": {"status": Intake.Status.FULL},
        "cancelled": {"status": Intake.Status.CANCELLED},
        "finished": {"start_date": today - 90 * day, "end_date": today - 30 * day, "application_deadline": None},
    }
    for index, (state, fields) in enumerate(intakes.items()):
        programme = ProgrammeFactory(
            title=f"{state.capitalize()}{HOSTILE}",
            slug=f"state-{index}",
            summary=f"Summary{HOSTILE}"[:160],
            overview=f"<p>Overview{HOSTILE}</p>",
            who_for=f"<p>For{HOSTILE}</p>",
            structure=f"<p>Structure{HOSTILE}</p>",
            outcomes=f"<p>Outcomes{HOSTILE}</p>",
            qualification=f"PGCert{HOSTILE}" if index % 2 else "",
            attendance_mode=Programme.AttendanceMode.CAMPUS,
            attendance_pattern=Programme.AttendancePattern.DAYTIME,
            study_mode=Programme.StudyMode.PART_TIME,
            location="Edgbaston campus, Birmingham B15 2TT",
            fees_and_funding=f"Funded{HOSTILE}",
        )
        programme.topics.add(TopicFactory(name=f"Topic {index}", slug=f"topic-{index}"))
        IntakeFactory(programme=programme, label=f"Cohort{HOSTILE}", cost=f"£2,500{HOSTILE}", **fields)


def test_feed_meets_the_xcri_validators_uk_rules(client, every_state_catalogue, xcri_schema):
    _, root = fetch_feed(client)

    findings = [f for f in Rules().check(root) if f.status != "Recommendation" and f.message not in NOT_APPLICABLE]

    assert xcri_schema.validate(root), xcri_schema.error_log
    assert findings == []
    assert len(root.findall(".//x:presentation", NS)) == 5  # open, opening soon, starting soon, running, TBC


def test_the_centre_location_has_its_postcode_and_phone_and_venues_theirs(client, every_state_catalogue):
    _, root = fetch_feed(client)
    provider_location = root.find("x:provider/mlo:location", NS)
    venue_location = root.find(".//x:venue/x:provider/mlo:location", NS)

    assert provider_location.findtext("mlo:postcode", namespaces=NS) == "B15 2TT"
    assert provider_location.findtext("mlo:phone", namespaces=NS) == "0121 414 7050"
    assert venue_location.findtext("mlo:postcode", namespaces=NS) == "B15 2TT"  # found in the words
    assert venue_location.findtext("mlo:phone", namespaces=NS) == "0121 414 7050"


def test_a_postcode_typed_as_the_last_line_of_the_address_is_the_postcode(client, db):
    from sitecontent.models import CentreDetails

    CentreDetails.objects.get_or_create_default()
    CentreDetails.objects.update(address="Park House\nEdgbaston Park Road\nBirmingham\nb15 2rt", postcode="")
    ProgrammeFactory()
    _, root = fetch_feed(client)
    location = root.find("x:provider/mlo:location", NS)

    assert location.findtext("mlo:postcode", namespaces=NS) == "B15 2RT"
    assert [a.text for a in location.findall("mlo:address", NS)] == ["Park House", "Edgbaston Park Road", "Birmingham"]


def test_qualifications_say_who_awards_them(client, db):
    ProgrammeFactory(title="MSc Health Services Management", qualification="MSc Health Services Management")
    ProgrammeFactory(title="Nye Bevan programme", qualification="Postgraduate Diploma", awarded_by="Another body")
    courses = courses_by_title(fetch_feed(client)[1])

    def awarded_by(title):
        return courses[title].findtext("mlo:qualification/x:awardedBy", namespaces=NS)

    assert awarded_by("MSc Health Services Management") == settings.AWARDING_BODY
    assert awarded_by("Nye Bevan programme") == "Another body"


def test_a_course_has_one_untyped_description_with_its_sections(client, db):
    ProgrammeFactory(title="Sections", overview="<p>What it is.</p>", who_for="<p>Leaders.</p>", structure="")
    course = courses_by_title(fetch_feed(client)[1])["Sections"]
    [description] = course.findall("dc:description", NS)

    assert [node.text for node in description.find("xhtml:div", NS)] == ["What it is.", "Who it is for", "Leaders."]


def test_the_attendance_pattern_is_sent_with_its_code(client, db):
    programme = ProgrammeFactory(attendance_pattern=Programme.AttendancePattern.WEEKEND)
    IntakeFactory(programme=programme)
    pattern = fetch_feed(client)[1].find(".//x:presentation/x:attendancePattern", NS)

    assert (pattern.get("identifier"), pattern.text) == ("WE", "Weekend")


@pytest.mark.parametrize(
    "break_it, message",
    [
        ("no-postcode", "An XCRI provider's location must contain one and only one postcode element."),
        ("bad-phone", "Telephone and fax numbers should be formatted as they would be dialed from the UK"),
        ("two-descriptions", "A description element can only be used once per language per course element"),
        ("no-awarded-by", "All qualifications must contain an awardedBy element"),
        ("bad-pattern", "Producers should use one of the recommended attendancePattern values"),
    ],
)
def test_the_rules_check_can_fail(client, every_state_catalogue, break_it, message):
    _, root = fetch_feed(client)
    course = root.find(".//x:course", NS)
    if break_it == "no-postcode":
        location = root.find("x:provider/mlo:location", NS)
        location.remove(location.find("mlo:postcode", NS))
    elif break_it == "bad-phone":
        root.find("x:provider/mlo:location/mlo:phone", NS).text = "call us"
    elif break_it == "two-descriptions":
        course.insert(0, etree.fromstring(f'<d:description xmlns:d="{NS["dc"]}">Again</d:description>'))
    elif break_it == "no-awarded-by":
        awarded = root.find(".//mlo:qualification/x:awardedBy", NS)
        awarded.getparent().remove(awarded)
    else:
        root.find(".//x:attendancePattern", NS).set("identifier", "XX")

    assert any(finding.message.startswith(message) for finding in Rules().check(root))
