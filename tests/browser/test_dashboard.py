"""The staff dashboard in a real browser at 1280 px: the day's work as links, no accessibility violation."""

from django.utils import timezone
from playwright.sync_api import expect

from hsmc_site.roles import PUBLISHERS
from publishing import snapshots, workflow
from search.models import LoggedSearch
from tests.conftest import staff_group
from tests.factories import ProgrammeFactory, UserFactory

from .conftest import axe_violations, csp_violations, save_screenshot
from .test_editorial_workflow import sign_in


def test_a_publisher_starts_the_day_on_the_dashboard(page, site_content):
    publisher = UserFactory(username="publisher", first_name="Pat", groups=[staff_group(PUBLISHERS)])
    programme = ProgrammeFactory(title="Leading integrated care", review_by=timezone.localdate())
    change = snapshots.read(programme)
    change["fields"]["summary"] = "A new summary."
    workflow.save_draft(programme, change, user=publisher)
    workflow.submit(programme, user=publisher)
    LoggedSearch.objects.create(term="nursing leadership", result_count=0)

    sign_in(page, publisher)

    expect(page.get_by_role("heading", name="Waiting for your review (1)")).to_be_visible()
    page.get_by_role("link", name="Programme “Leading integrated care”").first.click()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Searches that found nothing (last 30 days)")).to_be_visible()
    expect(page.get_by_role("heading", name="All sections")).to_be_visible()
    save_screenshot(page, "dashboard")
    assert axe_violations(page) == []
    assert csp_violations(page) == []


def test_on_a_phone_the_panels_fit_the_screen(page, site_content):
    """An editor checking the queue on a phone at 390 px: no sideways scrolling, every action in reach."""
    editor = UserFactory(username="editor", groups=[staff_group(PUBLISHERS)])
    programme = ProgrammeFactory(title="A programme with a long enough title to need wrapping on a phone")
    change = snapshots.read(programme)
    change["fields"]["summary"] = "A new summary."
    workflow.save_draft(programme, change, user=editor)
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, editor)

    expect(page.get_by_role("heading", name="Your drafts (1)")).to_be_visible()
    page.get_by_role("button", name="Check links now").scroll_into_view_if_needed()
    expect(page.get_by_role("button", name="Check links now")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_screenshot(page, "dashboard")
    assert axe_violations(page) == []
