"""An editor changes the home page's headline and the centre's telephone number in the admin, previews both,
publishes them, and the public site shows both at once, page cache included, without a deploy."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hsmc_site.roles import PUBLISHERS
from tests.conftest import staff_group
from tests.factories import UserFactory

from .conftest import axe_violations, csp_violations, save_screenshot
from .test_editorial_workflow import sign_in

NEW_HEADLINE = "Leaders for a health service that learns"
NEW_PHONE = "0121 414 9999"


@pytest.fixture
def cached_site(settings):
    settings.PAGE_CACHE_ENABLED = True


def test_an_editor_changes_the_headline_and_the_telephone_without_a_deploy(page, new_page, site_content, cached_site):
    publisher = UserFactory(username="publisher", first_name="Pat", groups=[staff_group(PUBLISHERS)])
    visitor = new_page()
    visitor.goto(reverse("home"))
    visitor.goto(reverse("home"))  # now stored in the page cache
    expect(visitor.get_by_role("heading", level=1)).not_to_have_text(NEW_HEADLINE)

    sign_in(page, publisher)
    page.get_by_role("link", name="Home page").first.click()
    expect(page.get_by_role("heading", name="Change home page")).to_be_visible()
    page.get_by_label("Headline").fill(NEW_HEADLINE)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Preview").or_(page.get_by_role("link", name="Preview")).first.click()
    preview = page.frame_locator("iframe.workflow-preview-frame")
    expect(preview.get_by_role("heading", level=1)).to_have_text(NEW_HEADLINE)
    other = new_page()
    other.goto(reverse("home"))
    expect(other.get_by_role("heading", level=1)).not_to_have_text(NEW_HEADLINE)  # a draft is not public
    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("button", name="Save and publish").first.click()
    expect(page.get_by_text(re.compile("is live"))).to_be_visible()

    page.goto(reverse("admin:index"))
    page.get_by_role("link", name="Centre details").first.click()
    page.get_by_label("Telephone").fill(NEW_PHONE)
    expect(page.locator(".ProseMirror[contenteditable='true']")).to_be_visible()  # the privacy notice's editor
    assert axe_violations(page) == []
    save_screenshot(page, "centre-details")
    page.get_by_role("button", name="Save draft").first.click()
    page.get_by_role("button", name="Preview").or_(page.get_by_role("link", name="Preview")).first.click()
    expect(page.frame_locator("iframe.workflow-preview-frame").locator("footer")).to_contain_text(NEW_PHONE)
    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("button", name="Save and publish").first.click()
    expect(page.get_by_text(re.compile("is live"))).to_be_visible()
    assert csp_violations(page) == []

    # A new visitor: a browser may keep a public page for PAGE_MAX_AGE; the server's cache must not.
    visitor = new_page()
    for url in (reverse("home"), reverse("programmes:list")):
        visitor.goto(url)
        expect(visitor.locator("footer")).to_contain_text(f"Telephone: {NEW_PHONE}")
    visitor.goto(reverse("home"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(NEW_HEADLINE)
