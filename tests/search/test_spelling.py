"""Forgiving misspellings, stemming and accents, and the vocabulary behind corrections: on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search.backends import get_backend
from search.models import SearchWord
from search.selectors import search
from search.spelling import distance, nearest
from tests.factories import OrganisationFactory, PersonFactory, ProgrammeFactory, TopicFactory

from .pages import parse as parse_page
from .pages import result_titles, texts, with_class


def first_titles(client, query: str, **params) -> list[str]:
    response = client.get(reverse("search:results"), {"q": query, **params})
    assert response.status_code == 200
    return result_titles(response)


def test_a_misspelt_word_still_finds_a_leadership_programme_first(client, seed):
    titles = first_titles(client, "leadrship")
    leadership_programmes = {programme.title for programme in seed.programmes.values()}
    assert titles[0] in leadership_programmes
    assert "leadership" in titles[0].lower()


def test_the_page_says_what_it_searched_for_and_offers_the_exact_spelling(client, seed):
    response = client.get(reverse("search:results"), {"q": "leadrship"})
    correction = parse_page(response).xpath(with_class("search-page__correction"))[0]
    assert correction.xpath("strong")[0].text == "leadership"
    exact = correction.xpath("a/@href")[0]
    assert "spelling=exact" in exact
    assert first_titles(client, "leadrship", spelling="exact") == []


def test_a_misspelling_among_correct_words_is_corrected(client, seed):
    assert first_titles(client, "medcal leadership")[0] == "Medical Leadership in Practice"
    assert first_titles(client, "leadrship for doctors")[0] == "Medical Leadership in Practice"


def test_correctly_spelt_words_are_left_alone(seed):
    assert search("leadership").query.corrections == {}
    assert search("astrophysics").query.corrections == {}  # nothing near enough to correct to


def test_english_stemming_matches_other_forms_of_a_word(client, seed):
    assert "Evaluation of leadership development programmes" in first_titles(client, "evaluating")
    assert "Systems Leadership" in first_titles(client, "developing partnerships")


def test_accents_do_not_matter(client, committed):
    with committed():
        PersonFactory(given_name="Zoë", family_name="Ångström")
    assert first_titles(client, "zoe angstrom") == ["Zoë Ångström"]
    assert first_titles(client, "Zoë") == ["Zoë Ångström"]


def test_words_from_drafts_are_never_offered_as_corrections(committed):
    with committed():
        ProgrammeFactory(title="Xylophonics masterclass", status="draft")
    assert search("xylophonix").query.corrections == {}


def test_words_of_a_record_that_stops_being_public_are_no_longer_offered(committed):
    """Issue 22, item 4: the vocabulary used to keep every word it ever saw until a full rebuild."""
    with committed():
        programme = ProgrammeFactory(title="Xylophonics masterclass", summary="Tuned percussion for leaders.")
        person = PersonFactory(given_name="Aurelia", family_name="Quennevilleson")
        ProgrammeFactory(title="Percussion for boards", summary="A second programme that says percussion.")
    assert search("xylophonix").query.corrections == {"xylophonix": "xylophonics"}
    assert search("quennevillsen").query.corrections == {"quennevillsen": "quennevilleson"}

    with committed():
        programme.status = "draft"  # unpublished
        programme.save()
        person.delete()  # an erasure request
    assert search("xylophonix").query.corrections == {}
    assert search("quennevillsen").query.corrections == {}
    assert not SearchWord.objects.filter(word__in=["xylophonics", "masterclass", "quennevilleson"]).exists()
    # A word that another published record still holds stays.
    assert SearchWord.objects.filter(word="percussion").exists()


def test_an_edit_forgets_the_words_it_removed_and_keeps_the_ones_it_kept(committed):
    with committed():
        programme = ProgrammeFactory(title="Xylophonics masterclass")
    with committed():
        programme.title = "Marimba masterclass"
        programme.save()
    assert SearchWord.objects.filter(word="marimba").exists()
    assert SearchWord.objects.filter(word="masterclass").exists()
    assert not SearchWord.objects.filter(word="xylophonics").exists()


@pytest.mark.parametrize(
    ("typed", "meant", "edits"),
    [
        ("leadrship", "leadership", 1),  # missing
        ("leaderrship", "leadership", 1),  # doubled
        ("laedership", "leadership", 1),  # swapped
        ("leadarship", "leadership", 1),  # wrong
        ("ledarship", "leadership", 2),  # missing and swapped
        ("wier", "weir", 1),
    ],
)
def test_distance_counts_each_slip_once(typed, meant, edits):
    assert distance(typed, meant, limit=2) == edits


def test_distance_stops_counting_past_the_limit():
    assert distance("leadership", "governance", limit=2) == 3


def test_the_nearest_word_wins_and_far_ones_are_not_offered():
    assert nearest("bevn", ["bevan", "begin", "devon"]) == "bevan"
    assert nearest("astrophysics", ["leadership", "physician"]) is None
    assert nearest("neth", ["neath", "nest"]) in {"neath", "nest"}  # one slip each; never a two-slip word
    assert nearest("neth", ["nearby"]) is None


@pytest.mark.parametrize(
    ("typed", "expected_first"),
    [
        ("nye bevna", "Nye Bevan programme"),  # title, swapped letters
        ("nye bevn", "Nye Bevan programme"),  # title, missing letter (PostgreSQL used to find nothing)
        ("elizabeth garrettt anderson", "Elizabeth Garrett Anderson programme"),  # doubled letter
        ("exwrothy", "Mark Exworthy"),  # surname, swapped letters
        ("sawbrige", "Yvonne Sawbridge"),  # surname, missing letter
        ("davidsen", "Deborah Davidson"),  # surname, wrong letter
        ("harvrd", "John Mcdonough"),  # affiliation, missing letter
        ("medical leadres", "Medical leaders"),  # topic, swapped letters
        ("sytems leadreship", "Systems Leadership"),  # two words, a slip in each
    ],
)
def test_one_or_two_slips_in_a_title_name_partner_or_topic_still_find_it_first(client, seed, typed, expected_first):
    assert first_titles(client, typed)[0] == expected_first


def test_a_partner_misspelt_finds_the_programmes_it_delivers(client, seed, committed):
    titles = first_titles(client, "leadership acadmy")
    assert {"Elizabeth Garrett Anderson programme", "Nye Bevan programme"} <= set(titles[:3])


def test_a_record_that_holds_the_typed_word_ranks_before_corrections(client, committed):
    with committed():
        ProgrammeFactory(title="Leadership for boards")
        OrganisationFactory(name="Leadrship Partners")  # an unusual spelling that really exists
        ProgrammeFactory(title="Leadrship coaching")
    assert search("leadrship").query.corrections == {}  # the typed word is known, so nothing is corrected
    assert first_titles(client, "leadrship")[0] == "Leadrship coaching"


def test_did_you_mean_offers_a_search_that_finds_more(client, seed):
    # Searching exactly as typed finds nothing; the page offers the corrected search as a link.
    response = client.get(reverse("search:results"), {"q": "belinda wier", "spelling": "exact"})
    assert result_titles(response) == []
    offer = parse_page(response).xpath(with_class("search-page__did-you-mean") + "/a")
    assert [link.text_content() for link in offer] == ["belinda weir"]
    followed = client.get(reverse("search:results") + offer[0].get("href"))
    assert result_titles(followed)[0] == "Belinda Weir"


def test_did_you_mean_is_not_offered_when_the_search_found_plenty(client, seed):
    response = client.get(reverse("search:results"), {"q": "leadership"})
    assert texts(parse_page(response), "search-page__did-you-mean") == []


def test_did_you_mean_never_offers_a_drafts_words(client, seed, committed):
    with committed():
        ProgrammeFactory(title="Quennevilleson masterclass", status="draft")
        TopicFactory(name="Quennevill")  # published, one slip further away
    response = client.get(reverse("search:results"), {"q": "quennevillesn"})
    page = parse_page(response)
    assert "quennevilleson" not in response.content.decode().lower()
    assert texts(page, "search-page__did-you-mean") in ([], ["Did you mean quennevill?"])


def test_vocabulary_holds_published_words_only(committed):
    with committed():
        ProgrammeFactory(title="Xylophonics masterclass", status="draft")
        PersonFactory(given_name="Aurelia", family_name="Quennevilleson")
    assert not SearchWord.objects.filter(word="xylophonics").exists()
    assert SearchWord.objects.filter(word="quennevilleson").exists()


def test_the_backend_offers_candidates_from_the_vocabulary_only(committed):
    with committed():
        PersonFactory(given_name="Aurelia", family_name="Quennevilleson")
        ProgrammeFactory(title="Quennevillesons draft", status="draft")
    candidates = get_backend().spelling_candidates("quennevillesn")
    assert "quennevilleson" in candidates
    assert "quennevillesons" not in candidates


def test_only_a_search_that_finds_nothing_looks_for_misspelt_words(committed):
    """Words that found something are all in a published record: none is looked up as a misspelling."""
    with committed():
        ProgrammeFactory(title="Xylophonics masterclass")
    searchword = SearchWord._meta.db_table

    with CaptureQueriesContext(connection) as found:
        results = search("xylophonics masterclass")
        assert len(results) == 1 and results.query.corrections == {}
    assert not any(searchword in query["sql"] for query in found.captured_queries)

    with CaptureQueriesContext(connection) as misspelt:
        results = search("xylophonix masterclass")
        assert len(results) == 1 and results.query.corrections == {"xylophonix": "xylophonics"}
    assert any(searchword in query["sql"] for query in misspelt.captured_queries)
