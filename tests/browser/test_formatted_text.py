"""Formatted text in a real browser: a publisher writes an overview with a list and a link to one of our
pages, with the keyboard alone, previews it, publishes it, and the public page shows both."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from hsmc_site.roles import PUBLISHERS
from tests.conftest import staff_group
from tests.factories import UserFactory

from .conftest import axe_violations, csp_violations, save_screenshot
from .test_editorial_workflow import change_url, sign_in


def test_a_publisher_writes_a_list_and_an_internal_link_and_publishes_them(page, new_page, site_content):
    publisher = UserFactory(username="publisher", first_name="Pat", groups=[staff_group(PUBLISHERS)])
    programme = site_content.programme
    sign_in(page, publisher)
    page.goto(change_url(programme))

    # The editor widget replaces the overview's textarea; everything below is typed, not clicked.
    overview = page.locator(".prose-editor").filter(has=page.locator("textarea[name='overview']"))
    text = overview.locator(".ProseMirror[contenteditable='true']")
    expect(text).to_be_visible()
    # A screen reader names the editing area after its field, as it named the textarea.
    expect(text).to_have_accessible_name("Overview")
    expect(text).to_have_attribute("role", "textbox")

    assert axe_violations(page) == []  # the whole change form with its editors and inlines, at 1280 px
    # A toolbar button greyed out where the cursor is says so to screen readers (and contrast checkers).
    undo = overview.locator(".prose-menubar__button[title='undo']")
    expect(undo).to_have_class(re.compile(r"\bdisabled\b"))  # nothing typed yet
    expect(undo).to_have_attribute("aria-disabled", "true")
    text.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Who it suits:")
    page.keyboard.press("Enter")
    page.keyboard.type("- Clinical directors")  # "- " starts a bulleted list, as in most editors
    page.keyboard.press("Enter")
    page.keyboard.type("Medical directors")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list
    page.keyboard.type("See our leadership work")
    for _ in "leadership work":
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("ControlOrMeta+k")

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert axe_violations(page, within=["dialog"]) == []  # the link dialog (the page behind it is inert)
    save_screenshot(page, "formatted-text-link-dialog")
    dialog.get_by_label("One of our pages").select_option("Work stream: Leadership and management")
    page.keyboard.press("Tab")  # past the address field
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Save link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(text.locator("ul li")).to_have_count(2)
    expect(text.get_by_role("link")).to_have_text("leadership work")
    page.keyboard.press("End")
    page.keyboard.type(".")

    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    assert csp_violations(page) == []

    page.get_by_role("button", name="Preview").or_(page.get_by_role("link", name="Preview")).first.click()
    preview = page.frame_locator("iframe.workflow-preview-frame")
    expect(preview.get_by_role("listitem").filter(has_text="Clinical directors")).to_be_visible()

    page.goto(change_url(programme))
    page.get_by_role("button", name="Save and publish").first.click()
    expect(page.get_by_text(re.compile("is live"))).to_be_visible()

    visitor = new_page()
    visitor.goto(reverse("programmes:detail", args=[programme.slug]))
    section = visitor.locator("section").filter(has=visitor.get_by_role("heading", name="Overview"))
    expect(section.get_by_role("listitem")).to_have_text(["Clinical directors", "Medical directors"])
    link = section.get_by_role("link", name="leadership work")
    expect(link).to_have_attribute("href", reverse("workstreams:detail", args=["leadership-and-management"]))
    link.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Leadership and management")
