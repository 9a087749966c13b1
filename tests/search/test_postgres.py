"""What only PostgreSQL does: stemming, accents, typo tolerance, and the GIN index doing the work."""

import pytest
from django.db import connection
from django.urls import reverse

from search.backends.postgres import PostgresBackend
from search.models import SearchWord
from search.query import parse
from search.selectors import search
from tests.factories import PersonFactory, ProgrammeFactory

from .pages import parse as parse_page
from .pages import result_titles, with_class

pytestmark = pytest.mark.postgres


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


def test_the_vector_index_answers_the_search_query(seed):
    documents = PostgresBackend().documents(parse("nye bevan"))
    with connection.cursor() as cursor:
        # The test tables are tiny, where a sequential scan is cheaper; forbid it to see the usable index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = documents.explain()
    assert "search_document_vector" in plan


def test_the_title_trigram_index_answers_suggestions(seed):
    from search.models import SearchDocument

    documents = SearchDocument.objects.published().filter(title__icontains="bevan")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = documents.explain()
    assert "search_document_title_trgm" in plan


def test_counting_and_paging_in_one_pass_gives_the_same_page_as_the_ranked_query(committed):
    with committed():
        for number in range(30):
            ProgrammeFactory(title=f"Governance {'board ' * (number % 4)}programme {number:02}", summary="Governance.")
    query = parse("governance board")
    expected = list(PostgresBackend().documents(query).values_list("title", flat=True))
    for start in (0, 20):
        results = search("governance board").expect(start, start + 20)
        assert results.count() == len(expected)
        assert [hit.title for hit in results[start : start + 20]] == expected[start : start + 20]


def test_a_document_removed_between_counting_and_reading_is_left_out_not_an_error(client, seed, monkeypatch):
    from django.db.models import QuerySet

    from pagecache.middleware import invalidate_all_pages

    read = QuerySet.in_bulk

    def read_after_a_removal(queryset, ids, *args, **kwargs):
        found = read(queryset, ids, *args, **kwargs)
        found.pop(next(iter(ids)), None)  # as if a reindex or an unpublish committed in between
        return found

    monkeypatch.setattr(QuerySet, "in_bulk", read_after_a_removal)
    before = len(first_titles(client, "leadership"))
    assert before >= 1
    monkeypatch.undo()
    invalidate_all_pages()  # the search page itself is cached
    assert len(first_titles(client, "leadership")) == before + 1
