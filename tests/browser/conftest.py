"""Real Chromium, driven by Playwright, against pytest-django's live server on 127.0.0.1.

Skipped with a clear reason when Debian's Chromium is not installed (apt-get install chromium);
CI installs it, so there they always run.
"""

import datetime
import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.browsers import NO_CHROMIUM, RECORD_CSP_VIOLATIONS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if NO_CHROMIUM:
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (own cookies), closed after the test: new_page(width=390)."""
    contexts = []

    def open_page(*, width: int = DESKTOP["width"], javascript: bool = True, color_scheme: str = "light"):
        viewport = PHONE if width == PHONE["width"] else {**DESKTOP, "width": width}
        context = browser.new_context(
            viewport=viewport,
            base_url=live_server.url,
            locale="en-GB",
            is_mobile=width <= PHONE["width"],
            has_touch=width <= PHONE["width"],
            java_script_enabled=javascript,
            color_scheme=color_scheme,
        )
        context.set_default_timeout(10_000)
        context.add_init_script(RECORD_CSP_VIOLATIONS)  # read back with csp_violations()
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page(width=DESKTOP["width"])


@pytest.fixture
def phone_page(new_page):
    return new_page(width=PHONE["width"])


@pytest.fixture
def no_js_page(new_page):
    return new_page(javascript=False)


# As long as the admin allows (200 characters).
LONG_TITLE = (
    "Postgraduate Certificate in Interprofessional Leadership, Organisational Transformation and Whole-System "
    "Improvement for Integrated Care Partnerships, Primary Care Networks and Neighbourhood Teams"
)


@pytest.fixture
def site_content(transactional_db):
    """The centre's demo content, plus what it leaves out: an intake open for applications with an apply link,
    a research project, and a programme with a very long title and no optional fields."""
    from django.core.management import call_command
    from django.utils import timezone

    from faculty.models import Person
    from programmes.models import Programme
    from research.models import Investigator, ResearchOutput
    from tests.factories import (
        IntakeFactory,
        InvestigatorFactory,
        OrganisationFactory,
        ProgrammeFactory,
        ProgrammeLeadFactory,
        ProjectOrganisationFactory,
        ResearchOutputFactory,
        ResearchProjectFactory,
    )
    from topics.models import Topic
    from workstreams.models import WorkStream

    call_command("load_demo_content", stdout=io.StringIO())
    work_stream = WorkStream.objects.get(slug="leadership-and-management")
    belinda = Person.objects.get(slug="belinda-weir")
    belinda.email, belinda.phone = "b.weir@example.ac.uk", "0121 414 0001"
    belinda.save()

    programme = Programme.objects.get(slug="medical-leadership-in-practice")
    programme.apply_url = "https://apply.example.ac.uk/medical-leadership-in-practice"
    programme.save()
    today = timezone.localdate()
    intake = IntakeFactory(
        programme=programme,
        label="Cohort 7",
        applications_open=today - datetime.timedelta(days=10),
        application_deadline=today + datetime.timedelta(days=30),
        start_date=today + datetime.timedelta(days=60),
    )
    ProgrammeLeadFactory(programme=programme, person=belinda)

    project = ResearchProjectFactory(
        title="Evaluating the impact of medical leadership development",
        slug="evaluating-medical-leadership-development",
        summary="How a programme for doctors changes leaders, their teams and the services they run.",
        description="A three-year mixed-methods evaluation with trusts across the North West.",
        start_date=today - datetime.timedelta(days=400),
    )
    project.work_streams.add(work_stream)
    project.topics.add(Topic.objects.get(slug="medical-leaders"))
    project.informs_programmes.add(programme)
    InvestigatorFactory(project=project, person=belinda, role=Investigator.Role.PRINCIPAL)
    ProjectOrganisationFactory(project=project, organisation=OrganisationFactory(name="Health Foundation"))
    ResearchOutputFactory(project=project, title="Final evaluation report", kind=ResearchOutput.Kind.REPORT)

    # Only the required fields: every optional part of the page is empty.
    bare = ProgrammeFactory(
        title=LONG_TITLE,
        slug="long-title-programme",
        summary="A programme whose page has nothing but the required fields.",
        overview="",
        level="",
        study_mode="",
        duration_value=None,
        duration_unit="",
    )
    return SimpleNamespace(
        work_stream=work_stream, programme=programme, intake=intake, project=project, person=belinda, bare=bare
    )


def save_screenshot(page, name: str) -> Path:
    """Full-page screenshots for people to look at, named page-width[-dark].png; the folder is git-ignored."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    path = SCREENSHOTS / f"{name}-{width}{'-dark' if dark else ''}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, within: list[str] | None = None) -> list[dict]:
    """Every axe-core violation on the page, at every impact level, with WCAG 2.2's target size rule switched on.

    `within` limits the check to the parts of the page those CSS selectors match.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
    context = {"include": [[selector] for selector in within]} if within else None
    results = Axe().run(page, context=context, options=options).response
    return [
        {
            "id": violation["id"],
            "impact": violation.get("impact"),
            "help": violation.get("help"),
            "count": len(violation.get("nodes", [])),
            "nodes": [
                f"{' '.join(node.get('target', []))}: {' '.join(node.get('failureSummary', '').split())}"
                for node in violation.get("nodes", [])[:5]
            ],
        }
        for violation in results["violations"]
    ]


def csp_violations(page) -> list[dict]:
    """Content-Security-Policy violations reported in the page's current document."""
    return page.evaluate("window.__cspViolations || []")


def focus_indicator(page) -> str:
    """How the focused element shows focus: an outline or box-shadow on it, or an outline that a component
    draws around it while focus is within (a card whose title link is focused); '' when nothing shows."""
    return page.evaluate(
        """() => {
          const drawn = (style, shadows) => {
            if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                && style.outlineColor !== "rgba(0, 0, 0, 0)") {
              return `outline ${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`;
            }
            return shadows && style.boxShadow !== "none" ? `box-shadow ${style.boxShadow}` : "";
          };
          const focused = document.activeElement;
          const own = drawn(getComputedStyle(focused), true);
          if (own) return own;
          for (let el = focused.parentElement, depth = 0; el && depth < 4; el = el.parentElement, depth++) {
            const around = el.matches(":focus-within") && drawn(getComputedStyle(el), false);
            if (around) return `${around} around it`;
          }
          return "";
        }"""
    )
