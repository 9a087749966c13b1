"""The content check on save: warnings about what hurts readers, never a refusal."""

import pytest
from django.urls import reverse

from programmes.models import Programme
from publishing.checks import content_warnings
from publishing.models import Status
from research.models import ResearchProject
from tests.factories import ProgrammeFactory

from .admin_forms import form_data

pytestmark = pytest.mark.django_db


def test_a_summary_longer_than_search_results_show_is_pointed_out():
    assert content_warnings(Programme, {"summary": "A short, clear summary."}) == []
    [warning] = content_warnings(Programme, {"summary": "x" * 158})
    assert "158 characters long" in warning and "about 155" in warning


def test_a_missing_summary_is_pointed_out():
    [warning] = content_warnings(ResearchProject, {"summary": ""})
    assert warning.startswith("There is no summary")


def test_a_skipped_heading_level_is_pointed_out():
    # The overview sits under the page's level-2 "Overview" heading, so its first heading is a level 3.
    [first] = content_warnings(Programme, {"summary": "Fine.", "overview": "<p>…</p><h4>Doctors</h4>"})
    assert "level-4 heading follows a level-2 one" in first
    assert content_warnings(Programme, {"summary": "Fine.", "overview": "<h3>A</h3><h4>B</h4><h3>C</h3>"}) == []


def test_links_to_our_own_missing_or_unpublished_pages_are_pointed_out(settings):
    live = ProgrammeFactory(slug="live-programme")
    ProgrammeFactory(slug="draft-programme", status=Status.DRAFT)
    overview = (
        f"See {settings.SITE_URL}{live.get_absolute_url()} and /programmes/draft-programme/, "
        "/programmes/no-such-programme/ and https://www.leadershipacademy.nhs.uk/programmes/, "
        f"and the catalogue at {reverse('programmes:list')}."
    )

    warnings = content_warnings(Programme, {"summary": "Fine.", "overview": overview})

    assert warnings == [
        "In overview, the link to /programmes/draft-programme/ goes to a page that does not exist or is not published.",
        "In overview, the link to /programmes/no-such-programme/ goes to a page that does not exist or is not "
        "published.",
    ]


def test_the_admin_saves_and_then_warns(editor_client):
    programme = ProgrammeFactory(status=Status.DRAFT, summary="Short.")
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = form_data(editor_client.get(url))
    data.update(summary="y" * 158, overview="More at /programmes/gone-away/.", _save="draft")

    response = editor_client.post(url, data, follow=True)

    assert response.status_code == 200
    programme.refresh_from_db()
    assert programme.summary == "y" * 158  # saved all the same
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 2
    assert "158 characters long" in warnings[0] and "/programmes/gone-away/" in warnings[1]
