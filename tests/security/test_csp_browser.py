"""No Content-Security-Policy violation on any page type, in a real Chromium.

The policy is on in every environment, so the live server (test settings) sends the same CSP as
production. A listener installed before any page script records every `securitypolicyviolation`
event, and console errors that mention the policy are collected too; each page type, including the
admin and its two-factor setup page, must finish with none. Scripts that change the page later (search
suggestions, the enquiry form, the admin's widgets) are exercised, so violations they cause count.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.browsers import NO_CHROMIUM, RECORD_CSP_VIOLATIONS
from tests.factories import InvestigatorFactory, ResearchOutputFactory, ResearchProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(NO_CHROMIUM), reason=NO_CHROMIUM)]


class CspWatch:
    """A browser tab that remembers every CSP violation and CSP console error it sees."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(base_url=base_url, locale="en-GB")
        self.context.add_init_script(RECORD_CSP_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console_errors: list[str] = []
        self.page.on("console", self._on_console)
        # Requests still on their way, so that a page that never settles names what it waits for.
        self.in_flight: set[str] = set()
        self.page.on("request", lambda request: self.in_flight.add(request.url))
        self.page.on("requestfinished", lambda request: self.in_flight.discard(request.url))
        self.page.on("requestfailed", lambda request: self.in_flight.discard(request.url))

    def _on_console(self, message):
        # CSP violations, and any header the browser could not apply (an unknown Permissions-Policy feature).
        if any(
            name in message.text for name in ("Content Security Policy", "Content-Security-Policy", "Policy header")
        ):
            self.console_errors.append(message.text)

    def visit(self, path: str, status: int = 200):
        response = self.page.goto(path)
        assert response.status == status, f"{path} answered {response.status}"
        self.settle(path)
        return response

    def settle(self, path: str):
        """Wait until the page has loaded and no request its scripts made is on its way."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        try:
            self.page.wait_for_load_state("networkidle")
        except PlaywrightTimeoutError:
            pytest.fail(f"{path} did not settle; still waiting for {sorted(self.in_flight) or 'nothing we saw'}")

    def violations(self) -> list:
        # The event fires asynchronously; give it a moment after the last change to the page.
        self.page.wait_for_timeout(150)
        return self.page.evaluate("window.__cspViolations") + self.console_errors

    def assert_clean(self, path: str):
        violations = self.violations()
        assert violations == [], f"CSP violations on {path}: {violations}"

    def close(self):
        self.context.close()


@pytest.fixture
def watch(browser, live_server):
    tab = CspWatch(browser, live_server.url)
    yield tab
    tab.close()


@pytest.fixture
def demo_catalogue(db):
    """The first customer's real content: every page type has something to show."""
    from faculty.models import Person
    from programmes.models import Programme
    from research.models import ResearchProject
    from workstreams.models import WorkStream

    call_command("load_demo_content", verbosity=0)
    person = Person.objects.published().first()
    project = ResearchProject.objects.published().first()
    if project is None:  # the demo page lists no research projects
        project = ResearchProjectFactory()
        project.work_streams.add(WorkStream.objects.published().first())
        InvestigatorFactory(project=project, person=person)
        ResearchOutputFactory(project=project)
    return {
        "programme": Programme.objects.published().first(),
        "person": person,
        "work_stream": WorkStream.objects.published().first(),
        "project": project,
    }


def public_pages(catalogue) -> list[str]:
    pages = [
        reverse("home"),
        reverse("programmes:list"),
        reverse("programmes:list") + "?study_mode=part_time&sort=title",
        reverse("faculty:list"),
        reverse("research:list"),
        reverse("workstreams:list"),
        reverse("search:results") + "?q=leadership",
        reverse("search:results") + "?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        reverse("contacts:contact"),
    ]
    for key in ("programme", "person", "work_stream", "project"):
        if catalogue[key] is not None:
            pages.append(catalogue[key].get_absolute_url())
    for name in ("developers", "api:reference", "contacts:privacy"):
        try:
            pages.append(reverse(name))
        except Exception:  # not built yet
            continue
    return pages


def test_no_csp_violation_on_any_public_page_type(watch, demo_catalogue):
    for path in public_pages(demo_catalogue):
        watch.visit(path)
        watch.assert_clean(path)


def test_no_csp_violation_on_the_error_pages(watch, db):
    watch.visit("/no-such-page/", status=404)
    watch.assert_clean("/no-such-page/")


def test_no_csp_violation_when_scripts_change_the_page(watch, demo_catalogue):
    # Search suggestions build a listbox as you type.
    watch.visit(reverse("home"))
    watch.page.get_by_label("Search the catalogue").fill("lead")
    watch.page.wait_for_timeout(600)
    watch.assert_clean("home, typing in the search box")
    # The enquiry form shows and hides its commissioning questions.
    watch.visit(reverse("contacts:contact"))
    radios = watch.page.locator('input[name="kind"]')
    for index in range(radios.count()):
        radios.nth(index).check()
    submit = watch.page.locator("#enquiry-form [type=submit]")
    if submit.count():
        submit.first.click()
        watch.settle("the contact form after sending it")
    watch.assert_clean("contact, choosing kinds and sending an empty form")


def admin_pages(catalogue) -> list[str]:
    programme = catalogue["programme"]
    return [
        reverse("admin:index"),
        reverse("admin:programmes_programme_changelist"),
        reverse("admin:programmes_programme_changelist") + "?q=leadership",
        reverse("admin:programmes_programme_change", args=[programme.pk]),
        reverse("admin:programmes_programme_add"),
        reverse("admin:programmes_programme_history", args=[programme.pk]),
        reverse("admin:programmes_programme_export"),
        reverse("admin:programmes_programme_import"),
        reverse("admin:faculty_person_changelist"),
        reverse("admin:faculty_person_change", args=[catalogue["person"].pk]),
        reverse("admin:workstreams_workstream_change", args=[catalogue["work_stream"].pk]),
        reverse("admin:research_researchproject_change", args=[catalogue["project"].pk]),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:password_change"),
        reverse("admin:two-factor-setup"),
    ]


def test_no_csp_violation_in_the_admin(watch, demo_catalogue):
    UserFactory(username="csp-admin", is_superuser=True)
    watch.visit(reverse("admin:login"))
    watch.assert_clean("admin login")
    watch.page.get_by_label("Username").fill("csp-admin")
    watch.page.get_by_label("Password").fill("correct-horse-battery-staple")
    watch.page.get_by_role("button", name="Log in").click()
    watch.settle("the admin after signing in")
    assert watch.page.url.endswith(reverse("admin:index"))

    for path in admin_pages(demo_catalogue):
        watch.visit(path)
        watch.assert_clean(path)

    # The admin's widgets at work: autocomplete, a collapsed fieldset, the related-object popup.
    watch.visit(reverse("admin:programmes_programme_change", args=[demo_catalogue["programme"].pk]))
    autocomplete = watch.page.locator(".select2-selection").first
    if autocomplete.count():
        autocomplete.click()
        watch.page.keyboard.type("a")
        watch.page.wait_for_timeout(500)
        watch.page.keyboard.press("Escape")
    for toggle in watch.page.locator("details summary, .collapse-toggle").all()[:3]:
        toggle.click()
    watch.assert_clean("admin change form, using its widgets")
