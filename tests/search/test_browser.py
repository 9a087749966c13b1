"""The header box's suggestions in a real Chromium: keyboard, screen reader semantics, axe, CSP."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, csp_violations
from tests.browsers import NO_CHROMIUM, RECORD_CSP_VIOLATIONS
from tests.factories import ProgrammeFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(NO_CHROMIUM), reason=NO_CHROMIUM)]


@pytest.fixture
def new_page(browser, live_server):
    """A desktop tab in its own context (the session Chromium from tests/conftest.py), closed after the test."""
    contexts = []

    def open_page(*, color_scheme: str = "light"):
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}, color_scheme=color_scheme
        )
        context.set_default_timeout(10_000)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def titles(transactional_db):
    nye_bevan = ProgrammeFactory(title="Nye Bevan programme", slug="nye-bevan")
    ProgrammeFactory(title="Nye Bevan alumni network", slug="nye-bevan-alumni")
    ProgrammeFactory(title="Nye Bevan draft", slug="nye-bevan-draft", status="draft")
    TopicFactory(name="Medical leadership", slug="medical-leadership")
    return nye_bevan


def test_suggestions_are_a_listbox_chosen_with_arrow_keys_and_enter(new_page, titles):
    page = new_page()
    page.goto(reverse("home"))
    box = page.get_by_role("combobox", name="Search the catalogue")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("nye bev")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)  # the draft is never suggested
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="2 suggestions")).to_have_count(1)
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("ArrowDown")
    box.press("ArrowDown")  # wraps round to the first
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(titles.get_absolute_url()) + "$"))
    assert csp_violations(page) == []


def test_escape_closes_the_list_and_enter_searches_for_what_was_typed(new_page, titles):
    page = new_page()
    page.goto(reverse("home"))
    box = page.get_by_role("combobox", name="Search the catalogue")
    box.press_sequentially("nye")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=nye$"))
    expect(page.get_by_role("heading", level=2)).to_contain_text("2 results")


def test_clicking_a_suggestion_opens_it(new_page, titles):
    page = new_page()
    page.goto(reverse("home"))
    page.get_by_role("combobox", name="Search the catalogue").press_sequentially("medical lead")
    page.get_by_role("option", name=re.compile("Medical leadership")).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("programmes:list")) + r"\?topic=medical-leadership$"))


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_open_suggestions_and_the_results_page_have_no_axe_violations(new_page, titles, color_scheme):
    page = new_page(color_scheme=color_scheme)
    page.goto(reverse("search:results") + "?q=nye+bevan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
    assert axe_violations(page) == []
    box = page.get_by_role("combobox", name="Search the catalogue")
    box.fill("nye bevan alumni")
    box.press("ArrowDown")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    assert axe_violations(page) == []
    assert csp_violations(page) == []
