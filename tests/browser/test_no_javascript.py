"""With JavaScript off (blocked by policy, failed to load, an old phone) the site still does its job."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from contacts.models import Enquiry


def test_without_javascript_a_visitor_filters_opens_a_programme_and_sends_an_enquiry(
    no_js_page, site_content, settings
):
    settings.ENQUIRY_MIN_SECONDS = 0
    page, programme = no_js_page, site_content.programme
    page.goto(reverse("programmes:list"))
    page.get_by_text("Filter programmes").click()  # folded until opened, so that phones show results first
    page.get_by_text("Who it is for", exact=True).filter(visible=True).click()
    page.get_by_role("checkbox", name="Doctors").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"audience=doctors"))
    expect(page.get_by_role("heading", name="1 programme", exact=True)).to_be_visible()

    page.get_by_label("Sort by").select_option(label="Next start date")
    page.get_by_role("button", name="Sort", exact=True).click()
    expect(page).to_have_url(re.compile(r"audience=doctors.*sort=start|sort=start.*audience=doctors"))

    page.get_by_role("link", name=programme.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(programme.title)
    expect(page.get_by_role("complementary", name="Key facts")).to_contain_text("Next start")

    page.get_by_role("link", name="Commission a programme like this").click()
    expect(page.get_by_label("Programme", exact=True)).to_have_value(programme.title)
    page.get_by_label("Your name").fill("Sam Commissioner")
    page.get_by_label("E-mail address").fill("sam@example.nhs.uk")
    page.get_by_label("Organisation").fill("Birmingham and Solihull ICB")
    page.get_by_role("radio", name="Commission a programme").check()
    page.get_by_label("Your message").fill("Could you run this for our trust's doctors?")
    page.get_by_role("checkbox", name=re.compile("I agree that the centre may store my enquiry")).check()
    page.get_by_role("button", name="Send enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your enquiry has been sent")
    assert Enquiry.objects.get().programme == programme
