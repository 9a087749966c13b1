"""Every page type, as a phone and a desktop browser show it: axe-core, no sideways scrolling, screenshots.

One test per width walks every page type (a fresh database per test costs more than the pages do), with
a subtest per page so that each page reports its own violations. The screenshots land in the git-ignored
artifacts/screenshots/ for people to look at. Content-Security-Policy violations on every page type are
tests/security/test_csp_browser.py's job.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, axe_violations, save_screenshot


def page_types(site) -> dict[str, str]:
    return {
        "home": reverse("home"),
        "catalogue": reverse("programmes:list"),
        "catalogue-filtered": reverse("programmes:list") + "?audience=doctors&kind=commissioned",
        "programme": site.programme.get_absolute_url(),
        "programme-bare-long-title": site.bare.get_absolute_url(),
        "work-streams": reverse("workstreams:list"),
        "work-stream": site.work_stream.get_absolute_url(),
        "research": reverse("research:list"),
        "research-project": site.project.get_absolute_url(),
        "people": reverse("faculty:list"),
        "person": site.person.get_absolute_url(),
        "contact": reverse("contacts:contact"),
        "search-results": reverse("search:results") + "?q=leadership",
        "not-found": "/no-such-page/",
    }


def open_contact_form_with_errors(page) -> None:
    page.goto(reverse("contacts:contact"))
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.get_by_role("alert").first).to_be_visible()


@pytest.mark.parametrize(
    ("width", "color_scheme"),
    [(PHONE["width"], "light"), (DESKTOP["width"], "light"), (PHONE["width"], "dark")],
    ids=["phone", "desktop", "phone-dark"],
)
def test_every_page_type_has_no_axe_violations(new_page, site_content, subtests, width, color_scheme):
    page = new_page(width=width, color_scheme=color_scheme)
    for name, path in page_types(site_content).items():
        with subtests.test(page=name):
            response = page.goto(path)
            assert response.status == (404 if name == "not-found" else 200)
            save_screenshot(page, name)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
            assert axe_violations(page) == []
    with subtests.test(page="contact-errors"):
        open_contact_form_with_errors(page)
        save_screenshot(page, "contact-errors")
        assert axe_violations(page) == []
