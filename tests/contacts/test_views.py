import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from lxml import html
from PIL import Image

from contacts.models import Enquiry
from publishing import centre
from publishing.models import Status
from sitecontent.models import CentreDetails
from tests.factories import KeyContactFactory, PersonFactory, ProgrammeFactory, WorkStreamFactory

from .conftest import form_token

pytestmark = pytest.mark.django_db

CONTACT_URL = reverse("contacts:contact")


def page(response):
    return html.fromstring(response.content.decode())


def with_class(doc, name: str):
    return doc.xpath(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def selected(doc, field: str):
    return doc.xpath(f"//select[@id='id_{field}']/option[@selected]")[0]


def box_value(doc, field: str) -> str:
    return doc.get_element_by_id(f"id_{field}").get("value") or ""


def field_error(doc, field: str) -> str:
    """The message shown next to a field, found the way a screen reader does: aria-describedby."""
    control = doc.get_element_by_id(f"id_{field}")
    ids = control.get("aria-describedby", "").split()
    errors = [doc.get_element_by_id(i).text_content() for i in ids if i.endswith("_error")]
    return " ".join(" ".join(errors).split())


# The contact page ---------------------------------------------------------------------------------------


def test_contact_page_lists_key_contacts_of_every_published_work_stream(client, leadership):
    WorkStreamFactory(title="Hidden draft stream", status=Status.DRAFT)
    KeyContactFactory(
        work_stream=WorkStreamFactory(title="Integrated care", order=1),
        person=PersonFactory(given_name="Robin", family_name="Miller", slug="robin-miller"),
        role_label="Integration",
    )

    response = client.get(CONTACT_URL)

    assert response.status_code == 200
    doc = page(response)
    headings = [h.text_content().strip() for h in doc.xpath("//h3")]
    assert headings == ["Leadership and management", "Integrated care"]
    cards = [" ".join(card.text_content().split()) for card in with_class(doc, "contact-card")]
    assert (
        "Belinda Weir Commissioned programmes Senior Fellow E-mail b.weir@example.ac.uk Telephone 0121 414 0001"
        in (cards[0])
    )
    assert "Robin Miller Integration" in cards[2]
    assert doc.xpath("//a[@href=$href]", href=reverse("faculty:vcard", kwargs={"slug": "belinda-weir"}))
    assert doc.xpath("//a[@href='tel:01214140001']")
    assert "Hidden draft stream" not in response.content.decode()


def test_unpublished_key_contacts_are_not_listed(client, leadership):
    KeyContactFactory(work_stream=leadership, person=PersonFactory(given_name="Gone", status=Status.DRAFT))

    response = client.get(CONTACT_URL)

    assert "Gone" not in response.content.decode()
    assert len(with_class(page(response), "contact-card")) == 2


def test_contact_page_shows_the_centres_general_details(client, db):
    CentreDetails.objects.get_or_create_default()
    CentreDetails.objects.filter(pk=1).update(
        email="hsmc@example.ac.uk",
        phone="+44 121 414 7050",
        address="Park House, Edgbaston Park Road, Birmingham B15 2RT",
    )

    response = client.get(CONTACT_URL)

    aside = " ".join(page(response).xpath("//aside")[0].text_content().split())
    assert "Park House, Edgbaston Park Road, Birmingham B15 2RT" in aside
    assert "hsmc@example.ac.uk" in aside
    assert "+44 121 414 7050" in aside


def test_contact_card_shows_the_photo_with_its_description(client, leadership, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = leadership.key_contacts.get(slug="belinda-weir")
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), (20, 80, 120)).save(buffer, format="JPEG")
    person.photo = SimpleUploadedFile("belinda.jpg", buffer.getvalue())
    person.photo_alt = "Belinda Weir smiling"
    person.save(update_fields=["photo", "photo_alt"])

    img = page(client.get(CONTACT_URL)).xpath("//article//img")[0]

    assert img.get("alt") == "Belinda Weir smiling"
    assert img.get("src").endswith(".webp") and (img.get("width"), img.get("loading")) == ("72", "lazy")


def test_work_stream_link_preselects_it_and_puts_its_contacts_first(client, leadership):
    leadership.order = 9
    leadership.save(update_fields=["order"])
    KeyContactFactory(work_stream=WorkStreamFactory(title="Integrated care", order=1))

    response = client.get(CONTACT_URL, {"work_stream": "leadership-and-management"})

    doc = page(response)
    assert doc.xpath("//h2")[0].text_content() == "Key contacts for Leadership and management"
    assert selected(doc, "work_stream").get("value") == "leadership-and-management"
    assert doc.get_element_by_id("id_kind_0").get("checked") is not None  # commissioning is the likely purpose
    assert doc.get_element_by_id("id_kind_0").get("value") == Enquiry.Kind.COMMISSION


def test_programme_link_preselects_the_published_programme(client, db):
    ProgrammeFactory(title="Aspiring Healthcare Leaders", slug="aspiring-healthcare-leaders")

    response = client.get(CONTACT_URL, {"programme": "aspiring-healthcare-leaders", "kind": "study"})

    doc = page(response)
    assert box_value(doc, "programme") == "Aspiring Healthcare Leaders"
    assert doc.get_element_by_id("id_kind_1").get("checked") is not None
    assert "You are asking about Aspiring Healthcare Leaders" in " ".join(doc.text_content().split())


@pytest.mark.parametrize(
    "query",
    [
        {"programme": "draft-programme"},
        {"work_stream": "draft-stream"},
        {"programme": "no-such-thing", "work_stream": "no-such-thing"},
        {"programme": "bad slug<script>", "work_stream": "é" * 500},
        {"kind": "nonsense"},
    ],
)
def test_unknown_or_unpublished_preselections_are_ignored(client, db, query):
    ProgrammeFactory(slug="draft-programme", status=Status.DRAFT)
    WorkStreamFactory(slug="draft-stream", status=Status.DRAFT)

    response = client.get(CONTACT_URL, query)

    assert response.status_code == 200
    doc = page(response)
    assert box_value(doc, "programme") == ""
    assert selected(doc, "work_stream").get("value") == ""
    assert not doc.xpath("//input[@name='kind'][@checked]")
    assert "draft-programme" not in response.content.decode()


def test_the_programme_is_named_in_a_box_with_suggestions_not_chosen_from_a_list_of_every_programme(client, db):
    ProgrammeFactory(title="Public programme")

    doc = page(client.get(CONTACT_URL))

    box = doc.get_element_by_id("id_programme")
    assert box.tag == "input" and box.get("type") == "text"
    assert box.get("data-suggest-url") == reverse("search:suggest") + "?type=programme"
    assert box.get("data-suggest-fill") is not None
    assert box.get("autocomplete") == "off"
    assert "Public programme" not in doc.text_content()


@pytest.mark.parametrize(
    "name", ["Aspiring Healthcare Leaders", "  aspiring   HEALTHCARE leaders ", "aspiring-leaders"]
)
def test_a_published_programme_is_found_by_its_title_however_spaced_or_cased_or_by_its_slug(
    client, db, enquiry_data, name
):
    programme = ProgrammeFactory(title="Aspiring Healthcare Leaders", slug="aspiring-leaders")

    response = client.post(CONTACT_URL, enquiry_data(programme=name))

    assert response.status_code == 302
    assert Enquiry.objects.get().programme == programme


def test_a_draft_programme_cannot_be_named(client, db, enquiry_data):
    ProgrammeFactory(title="Secret draft programme", status=Status.DRAFT)

    response = client.post(CONTACT_URL, enquiry_data(programme="Secret draft programme"))

    assert response.status_code == 400
    assert not Enquiry.objects.exists()
    assert "We could not find a programme called “Secret draft programme”" in field_error(page(response), "programme")


def test_a_name_that_matches_nothing_is_sent_back_with_the_closest_titles(client, db, enquiry_data, committed):
    with committed():  # the search index is written when the transaction commits
        ProgrammeFactory(title="Nye Bevan programme")
        ProgrammeFactory(title="Nye Bevan masterclass")
        ProgrammeFactory(title="Secret Nye Bevan draft", status=Status.DRAFT)

    response = client.post(CONTACT_URL, enquiry_data(programme="nye bevan"))

    assert response.status_code == 400
    message = field_error(page(response), "programme")
    assert "Did you mean “Nye Bevan programme” or “Nye Bevan masterclass”?" in message
    assert "draft" not in message
    assert box_value(page(response), "programme") == "nye bevan"


def test_form_has_visible_labels_and_a_consent_link_to_the_privacy_notice(client, db):
    doc = page(client.get(CONTACT_URL))

    for field in ["name", "email", "organisation", "role", "phone", "work_stream", "programme", "cohort_size"]:
        assert doc.xpath("//label[@for=$id]", id=f"id_{field}"), field
    assert doc.xpath("//label[@for='id_timing']")[0].text_content().strip() == "Preferred timing"
    consent = doc.xpath("//label[@for='id_consent']")[0]
    assert consent.xpath(".//a")[0].get("href") == reverse("contacts:privacy")


def test_cohort_and_timing_are_always_in_the_page_with_a_commissioning_hint(client, db):
    doc = page(client.get(CONTACT_URL))

    details = doc.get_element_by_id("commissioning-details")
    assert details.get("hidden") is None  # shown without JavaScript
    assert "For commissioning enquiries" in details.text_content()
    assert details.xpath(".//*[@id='id_cohort_size']") and details.xpath(".//*[@id='id_timing']")


def test_honeypot_is_hidden_by_a_class_labelled_and_out_of_the_tab_order(client, db):
    doc = page(client.get(CONTACT_URL))

    trap = doc.get_element_by_id("id_website")
    wrapper = trap.xpath("ancestor::div[contains(@class, 'hp-field')]")
    assert wrapper and wrapper[0].get("style") is None
    assert trap.get("tabindex") == "-1"
    assert trap.get("autocomplete") == "off"
    assert doc.xpath("//label[@for='id_website']")[0].text_content().strip() == "Leave this empty"


def test_contact_page_has_no_inline_script_or_style(client, leadership):
    content = client.get(CONTACT_URL).content.decode()

    assert " style=" not in content
    assert "<style" not in content
    assert " onclick=" not in content
    assert re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))", content) == []


def test_contact_page_is_never_cached(client, db):
    response = client.get(CONTACT_URL)

    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_contact_page_costs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    def build(count: int):
        for _ in range(count):
            work_stream = WorkStreamFactory()
            KeyContactFactory.create_batch(2, work_stream=work_stream)
            ProgrammeFactory()

    build(2)
    centre.current()  # read once and kept until it changes (pagecache.fragments): not part of either count
    with django_assert_max_num_queries(6) as small:
        client.get(CONTACT_URL, {"work_stream": "work-stream-1", "programme": "leadership-programme-1"})
    build(15)
    with django_assert_max_num_queries(6) as large:
        client.get(CONTACT_URL, {"work_stream": "work-stream-1", "programme": "leadership-programme-1"})
    assert len(large.captured_queries) == len(small.captured_queries)


# Submitting -------------------------------------------------------------------------------------------


def test_valid_enquiry_is_saved_routed_and_redirects_to_confirmation(
    client, leadership, enquiry_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT_URL, enquiry_data(work_stream="leadership-and-management"))

    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:thanks")  # nothing personal in the URL
    enquiry = Enquiry.objects.get()
    assert enquiry.organisation == "Birmingham and Solihull ICB"
    assert enquiry.cohort_size == 50
    assert enquiry.work_stream == leadership
    assert enquiry.routed_via == Enquiry.Route.WORK_STREAM_CONTACTS
    assert enquiry.notification_status == Enquiry.Notification.SENT
    assert len(mail.outbox) == 2


def test_confirmation_page_shows_the_reference_and_who_has_it(
    client, leadership, enquiry_data, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONTACT_URL, enquiry_data(work_stream="leadership-and-management"))
    enquiry = Enquiry.objects.get()

    with django_assert_max_num_queries(4):  # 3, and the centre's details every page reads
        response = client.get(reverse("contacts:thanks"))

    text = " ".join(page(response).text_content().split())
    assert "Thank you, your enquiry has been sent" in text
    assert f"Your reference is {enquiry.reference}" in text
    assert "passed it to the key contacts for Leadership and management" in text
    assert "sam@example.nhs.uk" not in text


def test_confirmation_page_without_an_enquiry_is_still_polite(client, db):
    response = client.get(reverse("contacts:thanks"))

    assert response.status_code == 200
    assert "Your reference" not in response.content.decode()


def test_visitor_sees_confirmation_even_when_email_fails(
    client, leadership, enquiry_data, failing_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONTACT_URL, enquiry_data(work_stream="leadership-and-management"), follow=True)

    assert response.status_code == 200
    assert "Thank you, your enquiry has been sent" in response.content.decode()
    assert Enquiry.objects.get().notification_status == Enquiry.Notification.FAILED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"email": ""}, "email", "Enter your e-mail address."),
        ({"email": "not-an-address"}, "email", "Enter an e-mail address in the correct format"),
        ({"kind": ""}, "kind", "Choose what your enquiry is about."),
        ({"kind": "bribe"}, "kind", "Choose one of the options."),
        ({"message": "   "}, "message", "Enter your message."),
        ({"message": "x" * 5001}, "message", "Keep your message to 5000 characters or fewer (it has 5001)."),
        ({"consent": ""}, "consent", "Tick the box to agree that we may contact you about your enquiry."),
        ({"organisation": ""}, "organisation", "Enter the organisation you are commissioning for."),
        ({"cohort_size": "fifty"}, "cohort_size", "Enter the cohort size as a whole number, like 50."),
        ({"cohort_size": "0"}, "cohort_size", "Enter a cohort size of at least 1."),
        ({"cohort_size": "100000"}, "cohort_size", "Enter a cohort size of at most 10,000"),
        ({"phone": "call me maybe"}, "phone", "Enter a telephone number using digits"),
        ({"work_stream": "no-such-stream"}, "work_stream", "Choose an area of work from the list."),
        ({"programme": "no-such-programme"}, "programme", "We could not find a programme called “no-such-programme”"),
    ],
)
def test_invalid_enquiry_shows_a_message_next_to_the_field(client, db, enquiry_data, overrides, field, message):
    response = client.post(CONTACT_URL, enquiry_data(**overrides))

    assert response.status_code == 400
    assert not Enquiry.objects.exists()
    doc = page(response)
    if field == "kind":
        shown = " ".join(doc.get_element_by_id("id_kind_error").text_content().split())
    else:
        shown = field_error(doc, field)
        assert doc.get_element_by_id(f"id_{field}").get("aria-invalid") == "true"
    assert message in shown
    # The summary at the top repeats it and links to the field.
    summary = doc.get_element_by_id("error-summary")
    assert summary.get("role") == "alert"
    link = summary.xpath(".//a")[0]
    assert message in link.text_content()
    assert link.get("href") in {f"#id_{field}", f"#id_{field}_0"}
    assert doc.findtext(".//title").startswith("Error: ")


def test_organisation_is_optional_for_other_kinds_of_enquiry(client, db, enquiry_data):
    response = client.post(CONTACT_URL, enquiry_data(kind="study", organisation="", cohort_size=""))

    assert response.status_code == 302
    assert Enquiry.objects.get().kind == Enquiry.Kind.STUDY


def test_everything_typed_is_kept_when_the_form_has_errors(client, leadership, enquiry_data):
    ProgrammeFactory(slug="aspiring-healthcare-leaders")
    typed = enquiry_data(
        email="not-an-address",
        phone="+44 121 414 0000",
        role="Director of people",
        work_stream=leadership.slug,
        programme="aspiring healthcare <leaders>",
        message="Line one\nLine two & <three>",
    )

    doc = page(client.post(CONTACT_URL, typed))

    for field in ["name", "email", "organisation", "role", "phone", "cohort_size", "timing"]:
        assert doc.get_element_by_id(f"id_{field}").get("value") == typed[field], field
    assert doc.get_element_by_id("id_message").text_content().strip() == "Line one\nLine two & <three>"
    assert selected(doc, "work_stream").get("value") == leadership.slug
    assert box_value(doc, "programme") == "aspiring healthcare <leaders>"
    assert doc.get_element_by_id("id_kind_0").get("checked") is not None
    assert doc.get_element_by_id("id_consent").get("checked") is not None


def test_line_breaks_in_one_line_fields_are_flattened(client, db, enquiry_data):
    client.post(CONTACT_URL, enquiry_data(name="Eve\r\nBcc: victim@example.com"))

    assert Enquiry.objects.get().name == "Eve Bcc: victim@example.com"


def test_csrf_is_enforced(db, enquiry_data):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(CONTACT_URL, enquiry_data())

    assert response.status_code == 403
    assert not Enquiry.objects.exists()


# Spam defences ----------------------------------------------------------------------------------------


def test_honeypot_filled_in_blocks_the_enquiry_with_a_clear_message(client, db, enquiry_data):
    response = client.post(CONTACT_URL, enquiry_data(website="http://spam.example"))

    assert response.status_code == 400
    assert not Enquiry.objects.exists()
    assert "Leave this field empty" in field_error(page(response), "website")
    assert mail.outbox == []


def test_form_sent_too_fast_is_refused_politely_and_keeps_the_input(client, db, enquiry_data, settings):
    settings.ENQUIRY_MIN_SECONDS = 3

    response = client.post(CONTACT_URL, enquiry_data(rendered_at=form_token(seconds_ago=1)))

    assert response.status_code == 400
    assert not Enquiry.objects.exists()
    doc = page(response)
    summary = " ".join(doc.get_element_by_id("error-summary").text_content().split())
    assert "That was quicker than we expected" in summary
    assert doc.get_element_by_id("id_message").text_content().strip() == enquiry_data()["message"]
    # A fresh token comes with the page, so sending again after a moment works.
    assert doc.get_element_by_id("id_rendered_at").get("value") != enquiry_data()["rendered_at"]


def test_form_sent_after_waiting_long_enough_is_accepted(client, db, enquiry_data, settings):
    settings.ENQUIRY_MIN_SECONDS = 3

    response = client.post(CONTACT_URL, enquiry_data(rendered_at=form_token(seconds_ago=4)))

    assert response.status_code == 302


@pytest.mark.parametrize("token", ["", "forged", "eyJ0IjowfQ:1xWIme:tampered-signature"])
def test_missing_or_forged_timestamp_is_refused(client, db, enquiry_data, token):
    response = client.post(CONTACT_URL, enquiry_data(rendered_at=token))

    assert response.status_code == 400
    assert "Something went wrong with the form" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_a_form_token_is_accepted_once(client, db, enquiry_data):
    """Issue 22, item 9: one token used to be good for any number of enquiries for 24 hours."""
    data = enquiry_data()
    assert client.post(CONTACT_URL, data).status_code == 302

    again = client.post(CONTACT_URL, data)

    assert again.status_code == 400
    assert "This form has already been sent" in again.content.decode()
    assert page(again).get_element_by_id("id_message").text_content().strip() == data["message"]
    assert Enquiry.objects.count() == 1


def test_a_form_token_from_another_browser_is_refused(db, enquiry_data, settings):
    """A token is bound to the browser (its CSRF cookie) that was shown the form."""
    settings.ENQUIRY_MIN_SECONDS = 0
    shown, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token = page(shown.get(CONTACT_URL)).get_element_by_id("id_rendered_at").get("value")
    other_page = page(other.get(CONTACT_URL))
    csrf = other_page.xpath("//input[@name='csrfmiddlewaretoken']/@value")[0]

    response = other.post(CONTACT_URL, enquiry_data(rendered_at=token, csrfmiddlewaretoken=csrf))

    assert response.status_code == 400
    assert "Something went wrong with the form" in response.content.decode()
    assert not Enquiry.objects.exists()
    own_token = page(response).get_element_by_id("id_rendered_at").get("value")  # the page issues its own
    resent = other.post(CONTACT_URL, enquiry_data(rendered_at=own_token, csrfmiddlewaretoken=csrf))
    assert resent.status_code == 302


def test_expired_form_asks_to_send_again(client, db, enquiry_data, settings):
    settings.ENQUIRY_FORM_MAX_AGE = 3600

    response = client.post(CONTACT_URL, enquiry_data(rendered_at=form_token(seconds_ago=7200)))

    assert response.status_code == 400
    assert "This page was open for a long time" in response.content.decode()


def test_rate_limit_returns_429_with_a_polite_page_that_keeps_the_message(client, db, enquiry_data, settings):
    settings.ENQUIRY_RATE_LIMIT = 2
    settings.ENQUIRY_RATE_WINDOW = 600
    for _ in range(2):
        assert client.post(CONTACT_URL, enquiry_data(), REMOTE_ADDR="203.0.113.7").status_code == 302

    typed = enquiry_data(message="Please keep this text for me.", organisation="Kept Org")
    response = client.post(CONTACT_URL, typed, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert Enquiry.objects.count() == 2
    doc = page(response)
    text = " ".join(doc.text_content().split())
    assert "You have sent several enquiries in a short time" in text
    assert doc.get_element_by_id("id_message").text_content().strip() == "Please keep this text for me."
    assert doc.get_element_by_id("id_organisation").get("value") == "Kept Org"
    assert not doc.xpath("//*[@id='error-summary']")


def test_rate_limit_counts_each_client_address_separately(client, db, enquiry_data, settings):
    settings.ENQUIRY_RATE_LIMIT = 1
    assert client.post(CONTACT_URL, enquiry_data(), REMOTE_ADDR="203.0.113.7").status_code == 302
    assert client.post(CONTACT_URL, enquiry_data(), REMOTE_ADDR="203.0.113.7").status_code == 429

    assert client.post(CONTACT_URL, enquiry_data(), REMOTE_ADDR="198.51.100.9").status_code == 302


def test_rate_limit_counts_failed_attempts_too(client, db, enquiry_data, settings):
    settings.ENQUIRY_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(CONTACT_URL, enquiry_data(name=""), REMOTE_ADDR="203.0.113.7").status_code == 400

    assert client.post(CONTACT_URL, enquiry_data(), REMOTE_ADDR="203.0.113.7").status_code == 429


def test_rate_limit_behind_a_proxy_uses_the_forwarded_client_address(client, db, enquiry_data, settings):
    settings.ENQUIRY_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.post(CONTACT_URL, enquiry_data(), HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 302

    # A second visitor behind the same proxy is not blocked; the first, even with a forged header, is.
    assert client.post(CONTACT_URL, enquiry_data(), HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code == 302
    forged = "1.2.3.4, 203.0.113.7"
    assert client.post(CONTACT_URL, enquiry_data(), HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429


# Other pages ------------------------------------------------------------------------------------------


def test_privacy_notice_states_the_retention_period(client, db, settings, django_assert_max_num_queries):
    settings.ENQUIRY_RETENTION_MONTHS = 18

    with django_assert_max_num_queries(1):
        response = client.get(reverse("contacts:privacy"))

    assert response.status_code == 200
    text = " ".join(page(response).text_content().split())
    assert "we keep it for 18 months" in text
    assert len(page(response).xpath("//h1")) == 1


def test_what_was_typed_for_the_programme_is_escaped_in_the_box_and_the_message(client, db, enquiry_data):
    response = client.post(CONTACT_URL, enquiry_data(programme='"><script>alert(1)</script>'))

    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "“&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;”" in html
