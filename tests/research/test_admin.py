import datetime

import pytest
from django.urls import reverse

from research.models import Investigator, ProjectOrganisation, ResearchOutput, ResearchProject
from tests.factories import OrganisationFactory, PersonFactory, ProgrammeFactory, ResearchProjectFactory
from tests.publishing.admin_forms import fill_inline_row, form_data, set_fields

pytestmark = pytest.mark.django_db


def test_content_editor_creates_a_project_with_investigators_organisations_and_outputs(editor_client):
    mark = PersonFactory(given_name="Mark", family_name="Exworthy")
    heewm = OrganisationFactory(name="Health Education England in the West Midlands", short_name="HEEWM")
    programme = ProgrammeFactory(title="Aspiring Healthcare Leaders")
    url = reverse("admin:research_researchproject_add")
    data = set_fields(
        form_data(editor_client.get(url)),
        title="Evaluating leadership development",
        slug="evaluating-leadership-development",
        summary="The impact of leadership development at individual, organisational and system level.",
        start_date="2024-01-01",
        informs_programmes=[programme.pk],
    )
    fill_inline_row(data, "investigator_roles", person=mark.pk, role=Investigator.Role.PRINCIPAL)
    fill_inline_row(data, "organisation_roles", organisation=heewm.pk, role=ProjectOrganisation.Role.COMMISSIONER)
    fill_inline_row(
        data, "outputs", title="Final report", kind=ResearchOutput.Kind.REPORT, year=2025, doi="10.1136/x-1"
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302
    project = ResearchProject.objects.get(slug="evaluating-leadership-development")
    assert list(project.investigators.all()) == [mark]
    assert project.organisation_roles.get().organisation == heewm
    assert project.outputs.get().link == "https://doi.org/10.1136/x-1"
    assert list(project.informs_programmes.all()) == [programme]


def test_output_doi_must_start_with_10(editor_client):
    project = ResearchProjectFactory()
    url = reverse("admin:research_researchproject_change", args=[project.pk])
    data = fill_inline_row(form_data(editor_client.get(url)), "outputs", title="Report", doi="doi.org/abc")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "A DOI starts with 10." in response.text
    assert not project.outputs.exists()


def test_project_status_filter_separates_current_and_completed(editor_client):
    ResearchProjectFactory(title="Finished", start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2020, 1, 1))
    current = ResearchProjectFactory(title="Ongoing", end_date=None)

    response = editor_client.get(reverse("admin:research_researchproject_changelist"), {"project_status": "current"})

    assert list(response.context["cl"].result_list) == [current]
