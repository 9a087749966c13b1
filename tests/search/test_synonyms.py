"""Abbreviations and common names staff define in the admin, applied on both databases."""

from django.contrib.auth.models import Group
from django.urls import reverse

from hsmc_site.roles import CONTENT_EDITORS
from search.models import Synonym
from tests.factories import OrganisationFactory, ProgrammeFactory, ProgrammePartnerFactory

from .pages import result_titles


def titles(client, query: str) -> list[str]:
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 200
    return result_titles(response)


def test_the_seed_pages_abbreviation_is_defined_from_the_start(db):
    assert Synonym.objects.filter(term="heewm", meaning="Health Education England in the West Midlands").exists()


def test_an_abbreviation_finds_records_that_only_spell_the_name_out(client, committed):
    with committed():
        ProgrammeFactory(title="Board development", summary="Commissioned by Health Education England.")
    assert titles(client, "hee") == []
    Synonym.objects.create(term="HEE", meaning="Health Education England")
    assert titles(client, "hee") == ["Board development"]
    assert titles(client, "HEE board")[0] == "Board development"


def test_a_common_name_for_a_programme_finds_it(client, committed):
    with committed():
        programme = ProgrammeFactory(title="Elizabeth Garrett Anderson programme")
        ProgrammePartnerFactory(programme=programme, organisation=OrganisationFactory(name="NHS Leadership Academy"))
    Synonym.objects.create(term="ega", meaning="Elizabeth Garrett Anderson")
    assert titles(client, "ega")[0] == "Elizabeth Garrett Anderson programme"


def test_an_abbreviation_is_not_corrected_into_another_word(client, committed):
    with committed():
        ProgrammeFactory(title="Egan leadership review")
        ProgrammeFactory(title="Elizabeth Garrett Anderson programme")
    Synonym.objects.create(term="egaa", meaning="Elizabeth Garrett Anderson")
    assert titles(client, "egaa") == ["Elizabeth Garrett Anderson programme"]


def test_content_editors_edit_synonyms_in_the_admin(editor_client):
    editors = Group.objects.get(name=CONTENT_EDITORS)
    assert editors.permissions.filter(codename="add_synonym").exists()
    response = editor_client.post(
        reverse("admin:search_synonym_add"), {"term": "HEEWM", "meaning": "West Midlands workforce deanery"}
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(term="heewm", meaning="West Midlands workforce deanery").exists()


def test_a_synonym_must_be_one_word(editor_client):
    response = editor_client.post(
        reverse("admin:search_synonym_add"), {"term": "Nye Bevan", "meaning": "Senior leaders programme"}
    )
    assert response.status_code == 200
    assert "Enter one word" in response.content.decode()
    assert not Synonym.objects.filter(meaning="Senior leaders programme").exists()


def test_a_synonym_already_defined_in_other_capitals_is_refused_not_an_error(editor_client):
    response = editor_client.post(
        reverse("admin:search_synonym_add"),
        {"term": "HEEWM", "meaning": "Health Education England in the West Midlands"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Synonym.objects.filter(term="heewm").count() == 1
