"""What learners, commissioners and editors come to do, done the way they would do it: by what they see."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from contacts.models import Enquiry
from hsmc_site.roles import CONTENT_EDITORS
from tests.conftest import staff_group
from tests.factories import UserFactory

from .conftest import axe_violations, csp_violations


def long_date(value) -> str:
    return f"{value.day} {value:%B %Y}"


def test_learner_filters_the_catalogue_on_a_phone_and_finds_the_next_start_and_how_to_apply(phone_page, site_content):
    page = phone_page
    programme, intake = site_content.programme, site_content.intake
    page.route(
        programme.apply_url,
        lambda route: route.fulfill(content_type="text/html", body="<title>Apply</title><h1>Application form</h1>"),
    )
    page.goto(reverse("home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()

    # On a phone the filters are folded away under their heading, with the results first.
    page.get_by_text("Filter programmes").click()
    page.get_by_text("Who it is for", exact=True).filter(visible=True).click()
    page.get_by_role("checkbox", name="Doctors").check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"audience=doctors"))
    expect(page.get_by_role("heading", name="1 programme", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Remove filter Who it is for: Doctors")).to_be_visible()
    page.get_by_role("link", name=programme.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(programme.title)
    expect(page.get_by_text("Open for applications").first).to_be_visible()
    facts = page.get_by_role("complementary", name="Key facts")
    expect(facts).to_contain_text(re.compile(rf"Next start\s*{long_date(intake.start_date)}"))
    expect(facts).to_contain_text(re.compile(rf"Apply by\s*{long_date(intake.application_deadline)}"))
    page.get_by_role("link", name=f"Apply now for {programme.title}").first.click()
    expect(page.get_by_role("heading", name="Application form")).to_be_visible()


def test_commissioner_finds_the_key_contacts_of_a_work_stream_and_sends_an_enquiry(page, site_content, settings):
    settings.ENQUIRY_MIN_SECONDS = 0  # a robot types faster than the spam check allows; it has its own tests
    page.goto(reverse("home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Work streams").click()
    page.get_by_role("link", name="Leadership and management").first.click()

    contacts = page.get_by_role("complementary", name="Key contacts")
    expect(contacts.get_by_role("link", name="Belinda Weir", exact=True)).to_be_visible()
    expect(contacts.get_by_role("link", name="Annette Neath", exact=True)).to_be_visible()
    expect(contacts.get_by_role("link", name="b.weir@example.ac.uk")).to_have_attribute(
        "href", "mailto:b.weir@example.ac.uk"
    )
    expect(contacts.get_by_role("link", name="Save Belinda Weir to your contacts")).to_have_attribute(
        "href", reverse("faculty:vcard", kwargs={"slug": "belinda-weir"})
    )

    page.get_by_role("link", name="Commission a programme like this").click()
    expect(page.get_by_label("Area of work")).to_have_value("leadership-and-management")
    page.get_by_label("Your name").fill("Sam Commissioner")
    page.get_by_label("E-mail address").fill("sam@example.nhs.uk")
    page.get_by_label("Organisation").fill("Birmingham and Solihull ICB")
    page.get_by_role("radio", name="Commission a programme").check()
    page.get_by_label("Expected cohort size").fill("50")
    page.get_by_label("Preferred timing").fill("Spring 2027")
    # The programme box suggests published titles as they type; the keyboard chooses one.
    programme_box = page.get_by_role("combobox", name="Programme")
    programme_box.press_sequentially("aspiring")
    expect(page.get_by_role("option", name=re.compile("Aspiring Healthcare Leaders"))).to_be_visible()
    programme_box.press("ArrowDown")
    programme_box.press("Enter")
    expect(programme_box).to_have_value("Aspiring Healthcare Leaders")
    expect(page.get_by_role("listbox")).to_be_hidden()
    page.get_by_label("Your message").fill("A leadership programme for 50 senior managers, please.")
    page.get_by_role("checkbox", name=re.compile("I agree that the centre may store my enquiry")).check()
    page.get_by_role("button", name="Send enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your enquiry has been sent")
    enquiry = Enquiry.objects.get()
    expect(page.get_by_text("Your reference is")).to_have_text(f"Your reference is {enquiry.reference}")
    expect(page.get_by_text("We have passed it to the key contacts for Leadership and management.")).to_be_visible()
    assert (enquiry.organisation, enquiry.cohort_size, enquiry.work_stream, enquiry.programme.title) == (
        "Birmingham and Solihull ICB",
        50,
        site_content.work_stream,
        "Aspiring Healthcare Leaders",
    )
    assert axe_violations(page) == []
    assert csp_violations(page) == []


@pytest.fixture
def content_editors(transactional_db) -> Group:
    return staff_group(CONTENT_EDITORS)


def test_content_editor_signs_in_creates_and_publishes_a_programme_and_sees_it_on_the_site(
    page, new_page, content_editors, settings
):
    settings.AXES_ENABLED = True  # the sign-in throttle is on in production; a real browser sends what it needs
    settings.PUBLISHING_REVIEW_REQUIRED = False  # a small team: editors publish directly
    UserFactory(username="editor", groups=[content_editors])
    title = "Leading Integrated Care Systems"

    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("rowheader", name="Programmes", exact=True).get_by_role("link").click()
    page.get_by_role("link", name="Add programme").click()
    page.get_by_label("Title").press_sequentially(title)
    expect(page.get_by_label("Slug")).to_have_value("leading-integrated-care-systems")  # prepopulated as typed
    page.get_by_label("Kind").select_option(label="Short course")
    page.get_by_label("Summary").fill("A short course for leaders of integrated care systems.")
    expect(page.get_by_role("group", name="Publishing")).to_contain_text("Draft (new)")
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_text(re.compile(rf"The programme “{title}” was saved"))).to_be_visible()

    # A draft is private: the editor sees a preview, a visitor finds nothing.
    path = reverse("programmes:detail", kwargs={"slug": "leading-integrated-care-systems"})
    preview = page.context.new_page()
    preview.goto(path)
    expect(preview.get_by_text("Preview: not live")).to_be_visible()
    visitor = new_page()
    assert visitor.goto(path).status == 404

    page.goto(reverse("admin:programmes_programme_changelist"))
    page.get_by_role("checkbox", name=f"Select this object for an action - {title}").check()
    page.get_by_role("combobox", name="Action").select_option(label="Publish the selected programmes")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text(re.compile(r"Published 1 programme"))).to_be_visible()

    visitor.goto(reverse("programmes:list"))
    visitor.get_by_role("link", name=title).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    expect(visitor.get_by_text("Preview: not live")).to_have_count(0)
