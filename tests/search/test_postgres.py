"""What only PostgreSQL does: the GIN indexes doing the work, and counting and paging in one pass."""

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from psycopg.sql import Literal

from search.backends import postgres
from search.backends.postgres import PostgresBackend, ranked
from search.query import parse
from search.selectors import search
from tests.factories import ProgrammeFactory

from .pages import result_titles

pytestmark = pytest.mark.postgres


def first_titles(client, query: str, **params) -> list[str]:
    response = client.get(reverse("search:results"), {"q": query, **params})
    assert response.status_code == 200
    return result_titles(response)


def plan_preferring_indexes(queryset) -> str:
    # The test tables are tiny, where a sequential scan is cheaper; forbid it to see the usable index.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_the_vector_index_answers_the_search_query(seed):
    assert "search_document_vector" in plan_preferring_indexes(PostgresBackend().documents(parse("nye bevan")))


def test_the_whole_title_bonus_reads_its_index_not_every_matching_title(seed):
    assert "search_document_title_upper" in plan_preferring_indexes(PostgresBackend().documents(parse("nye bevan")))


def test_the_title_trigram_index_answers_suggestions(seed):
    from search.models import SearchDocument

    documents = SearchDocument.objects.published().filter(title__icontains="bevan")
    assert "search_document_title_trgm" in plan_preferring_indexes(documents)


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


def test_the_counts_and_the_page_with_its_snippets_come_from_one_statement(seed, django_assert_num_queries):
    results = search("leadership", correct_spelling=False).expect(0, 20)
    with django_assert_num_queries(1):
        hits = results[0:20]
    assert results.total >= len(hits) >= 1
    assert all(hit.title and hit.url for hit in hits)
    assert any("<mark>" in hit.snippet for hit in hits)
    # The same documents, in the same order, as the ranked query reads them.
    ranked = PostgresBackend().documents(results.query)
    assert [hit.title for hit in hits] == list(ranked.values_list("title", flat=True)[:20])


def test_the_ranking_statement_is_compiled_once_for_searches_of_one_shape(seed, monkeypatch):
    # Building the ranked query through the ORM and compiling it was a quarter of a search's CPU (issue 19).
    postgres.counts_and_page_statement.cache_clear()
    built = []
    monkeypatch.setattr(postgres, "ranked", lambda *args, **kwargs: built.append(args) or ranked(*args, **kwargs))
    # As the search page asks: the counts and the first page together.
    nye_bevan = search("nye bevan", correct_spelling=False).expect(0, 20)
    assert "Nye Bevan programme" in [hit.title for hit in nye_bevan[0:20]]
    weir = search("weir", correct_spelling=False).expect(0, 20)
    titles = [hit.title for hit in weir[0:20]]
    assert titles[0] == "Belinda Weir"
    assert "Nye Bevan programme" not in titles
    assert len(built) == 1, "the second search, with other words, compiled the statement again"


def generic_plan(sql: str, params) -> list[str]:
    """The plan PostgreSQL keeps for `sql` once it is a prepared statement (settings: prepare_threshold), where
    parameters are not constants: as the site's connections run a statement they have run before."""
    raw = connection.connection
    with psycopg.Cursor(raw) as cursor:  # server-side binding, whatever the test settings say
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")  # ends with the test's transaction
        cursor.execute(sql, params, prepare=True)
        cursor.execute("SELECT name FROM pg_prepared_statements ORDER BY prepare_time DESC LIMIT 1")
        name = cursor.fetchone()[0]
        arguments = ", ".join(Literal(param).as_string(raw) for param in params)
        cursor.execute(f"EXPLAIN (VERBOSE) EXECUTE {name}({arguments})")
        return [row[0] for row in cursor.fetchall()]


def test_a_search_parses_its_words_once_not_for_every_document_it_tests(seed):
    # Parsing and stemming the words for each of thousands of matching documents was a third of PostgreSQL's
    # time for a common word: the generic plan cannot fold to_tsquery() of a parameter into a constant.
    backend = PostgresBackend()
    sql, params = backend.counts_and_page_sql(parse("nye bevan"), kind=None, start=0, stop=20)
    plan = generic_plan(sql, params)
    parsing = [number for number, line in enumerate(plan) if "to_tsquery(" in line]
    assert parsing, "the plan shows where the words are parsed"
    # Each only as the output of an InitPlan (a value computed once per statement), two lines below it.
    assert all("InitPlan" in plan[number - 2] for number in parsing), "\n".join(plan)


def test_the_nearest_words_index_answers_spelling_candidates(seed):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT word FROM search_searchword ORDER BY word <-> 'leadrship' LIMIT 30")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_word_trgm_nearest" in plan
    assert "leadership" in PostgresBackend().unknown_words_candidates(["leadrship"])["leadrship"]
