"""What every visitor meets first: the skip link, focus, navigation, the 404 page, and no-JS."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from .conftest import axe_violations


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, db):
    page.goto(reverse("home"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_focused_links_show_a_visible_outline(page, db):
    page.goto(reverse("home"))
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes")
    nav_link.focus()
    outline = nav_link.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px")


def test_not_found_page_is_styled_and_accessible(page, db):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Browse all programmes")).to_be_visible()
    assert axe_violations(page) == []


def test_header_search_works_without_javascript(no_js_page, db):
    no_js_page.goto(reverse("home"))
    no_js_page.get_by_label("Search the catalogue").fill("leadership")
    no_js_page.get_by_role("button", name="Search").click()
    expect(no_js_page).to_have_url(re.compile(r"/search/\?q=leadership"))
