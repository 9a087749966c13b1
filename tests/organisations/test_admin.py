import pytest
from django.urls import reverse

from organisations.models import Organisation
from tests.factories import OrganisationFactory, PersonFactory, ProgrammePartnerFactory

pytestmark = pytest.mark.django_db


def test_deleting_an_organisation_that_partners_a_programme_lists_what_uses_it_and_keeps_it(editor_client):
    partnership = ProgrammePartnerFactory(programme__title="Systems Leadership", organisation__short_name="HEEWM")
    PersonFactory(given_name="Visiting", family_name="Scholar", affiliation=partnership.organisation)
    url = reverse("admin:organisations_organisation_delete", args=[partnership.organisation.pk])

    page = editor_client.get(url)
    response = editor_client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert "protected related objects" in page.text
    assert "Systems Leadership" in page.text
    assert "Visiting Scholar" in page.text
    assert response.status_code == 200
    assert Organisation.objects.filter(pk=partnership.organisation.pk).exists()


def test_an_organisation_nothing_uses_can_be_deleted(editor_client):
    unused = OrganisationFactory()

    response = editor_client.post(reverse("admin:organisations_organisation_delete", args=[unused.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=unused.pk).exists()


def test_organisation_list_counts_programmes_and_is_searchable_by_short_name(editor_client):
    partnership = ProgrammePartnerFactory(organisation__name="Health Education North-West", organisation__short_name="")
    ProgrammePartnerFactory(organisation=partnership.organisation)
    OrganisationFactory(name="Harvard University", short_name="")

    response = editor_client.get(reverse("admin:organisations_organisation_changelist"), {"q": "north-west"})

    rows = list(response.context["cl"].result_list)
    assert rows == [partnership.organisation]
    assert rows[0].programme_total == 2


def test_organisation_is_shown_with_its_short_name_once():
    assert str(OrganisationFactory(name="Health Education England in the West Midlands", short_name="HEEWM")) == (
        "Health Education England in the West Midlands (HEEWM)"
    )
    assert str(OrganisationFactory(name="AMBS", short_name="AMBS")) == "AMBS"
