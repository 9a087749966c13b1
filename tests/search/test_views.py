"""The search page and the suggestions endpoint, on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pagecache import middleware as caching
from publishing import centre
from publishing.models import Status
from search import log
from search.models import LoggedSearch, SearchDocument
from search.query import parse as parse_query
from search.synonyms import with_synonyms
from tests.factories import PersonFactory, ProgrammeFactory, ResearchProjectFactory, TopicFactory, WorkStreamFactory

from .pages import parse, result_kinds, result_titles, texts, with_class


def results_page(client, **params):
    response = client.get(reverse("search:results"), params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("nye bevan", "Nye Bevan programme"),
        ("elizabeth garrett", "Elizabeth Garrett Anderson programme"),
        ("aspiring leaders", "Aspiring Healthcare Leaders"),
        ("medical leadership", "Medical Leadership in Practice"),
        ("intercalated", "Inter-calated course in Health management and Leadership"),
        ("harvard", "John Mcdonough"),
        ("belinda", "Belinda Weir"),
        ("Nye Bevan", "Nye Bevan programme"),
    ],
)
def test_what_visitors_remember_finds_the_right_record_first(client, seed, query, expected_first):
    titles = result_titles(results_page(client, q=query))
    assert titles, f"nothing found for {query!r}"
    assert titles[0] == expected_first


def test_the_visiting_professor_is_labelled_as_a_person_with_his_affiliation(client, seed):
    response = results_page(client, q="harvard")
    tree = parse(response)
    assert texts(tree, "search-result__kind")[0] == "Person"
    assert tree.xpath(with_class("search-result__title") + "/a/@href")[0] == seed.people["mcdonough"].get_absolute_url()
    assert "Visiting Professor" in texts(tree, "search-result__snippet")[0]


def test_results_mix_every_kind_of_record_with_counts_per_type(client, seed, committed):
    with committed():
        PersonFactory(given_name="Lena", family_name="Leadbetter", job_title="Leadership fellow")
    response = results_page(client, q="leadership")
    tree = parse(response)
    filters = {
        link.text_content().split()[0]: link.xpath("span")[0].text_content()
        for link in tree.xpath(with_class("search-types__list") + "//a")
    }
    assert filters["Programmes"] == "7"
    assert filters["Work"] == "1"  # "Work streams"
    assert filters["Research"] == "1"  # "Research projects"
    assert filters["Topics"] == "2"  # Patient leadership, System leadership
    assert filters["People"] == "1"
    assert filters["All"] == "12"
    assert set(result_kinds(response)) == {"Programme", "Research project", "Person", "Work stream", "Topic"}


def test_type_filter_shows_only_that_kind_and_keeps_the_query(client, seed):
    response = results_page(client, q="weir", type="person")
    assert result_titles(response) == ["Belinda Weir"]
    tree = parse(response)
    current = tree.xpath(with_class("search-types__list") + '//a[@aria-current="page"]')[0]
    assert current.text_content().startswith("People")
    all_link = tree.xpath(with_class("search-types__list") + "//a")[0]
    assert all_link.get("href") == "?q=weir"


def test_unknown_type_is_a_clear_400_not_an_error(client, seed):
    response = client.get(reverse("search:results"), {"q": "leadership", "type": "spaceships"})
    assert response.status_code == 400
    tree = parse(response)
    assert "There is no type of result called “spaceships”" in tree.xpath("string(//*[@id='search-options-error'])")
    assert tree.xpath("//select[@name='type']/@aria-invalid") == ["true"]
    assert tree.xpath("//input[@id='search-page-q']/@value") == ["leadership"]  # what was typed is kept


def test_unknown_spelling_option_is_a_clear_400_and_a_known_type_stays_chosen(client, seed):
    response = client.get(reverse("search:results"), {"q": "leadership", "type": "person", "spelling": "<fuzzy>"})
    assert response.status_code == 400
    tree = parse(response)
    message = tree.xpath("string(//*[@id='search-options-error'])")
    assert "There is no spelling option called “<fuzzy>”" in message and "exact" in message
    assert tree.xpath("//select[@name='type']/@aria-invalid") == []
    assert tree.xpath("//select[@name='type']/option[@selected]/@value") == ["person"]


def test_drafts_and_scheduled_records_never_appear(client, seed):
    ProgrammeFactory(title="Nye Bevan programme 2030 redesign", status=Status.DRAFT)
    ProgrammeFactory(title="Nye Bevan alumni programme", publish_from=timezone.now() + datetime.timedelta(days=3))
    PersonFactory(given_name="Nye", family_name="Draftperson", status=Status.DRAFT)
    titles = result_titles(results_page(client, q="nye bevan"))
    assert "Nye Bevan programme 2030 redesign" not in titles
    assert "Nye Bevan alumni programme" not in titles
    assert not any("Draftperson" in title for title in result_titles(results_page(client, q="draftperson")))
    suggestions = client.get(reverse("search:suggest"), {"q": "nye"}).json()["suggestions"]
    assert [s["title"] for s in suggestions] == ["Nye Bevan programme"]


def test_scheduled_record_appears_once_its_time_comes_without_being_saved_again(client, db, monkeypatch, committed):
    with committed():
        ProgrammeFactory(title="Compassionate leadership", publish_from=timezone.now() + datetime.timedelta(hours=2))
    assert result_titles(results_page(client, q="compassionate")) == []
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    # The results page is in the page cache; nothing announces publish_from passing, its lifetime ends.
    three_hours_on = caching.wall_clock() + 3 * 3600
    monkeypatch.setattr(caching, "wall_clock", lambda: three_hours_on)
    assert result_titles(results_page(client, q="compassionate")) == ["Compassionate leadership"]


def test_unpublishing_a_record_removes_it_from_results(client, seed, committed):
    programme = seed.programmes["nye-bevan"]
    assert "Nye Bevan programme" in result_titles(results_page(client, q="nye bevan"))
    programme.status = Status.DRAFT
    with committed():
        programme.save()
    assert "Nye Bevan programme" not in result_titles(results_page(client, q="nye bevan"))


def test_matching_words_are_highlighted_and_editor_text_is_escaped(client, db, committed):
    with committed():
        ProgrammeFactory(
            title='Board <em>development</em> & "trust"',
            summary='Board <script>alert("x")</script> governance & leadership for trust boards.',
        )
    response = results_page(client, q="governance")
    tree = parse(response)
    snippet = tree.xpath(with_class("search-result__snippet"))[0]
    assert [mark.text for mark in snippet.xpath(".//mark")] == ["governance"]
    assert not snippet.xpath(".//script")
    assert "&lt;script&gt;" in response.content.decode()
    assert result_titles(response) == ['Board <em>development</em> & "trust"']  # as text, not markup
    assert not tree.xpath(with_class("search-result__title") + "//em")


def test_results_are_paginated_and_odd_page_numbers_give_a_page(client, db, committed):
    with committed():
        for number in range(25):
            ProgrammeFactory(title=f"Governance programme {number:02}", summary="Board governance.")
    first = results_page(client, q="governance")
    assert len(result_titles(first)) == 20
    assert "25 results" in first.content.decode()
    second = results_page(client, q="governance", page=2)
    assert len(result_titles(second)) == 5
    assert set(result_titles(first)).isdisjoint(result_titles(second))
    assert result_titles(results_page(client, q="governance", page=99999)) == result_titles(second)
    # Past what an OFFSET can hold: without the cap PostgreSQL refuses the query.
    assert result_titles(results_page(client, q="governance", page="9" * 20)) == result_titles(second)
    assert result_titles(results_page(client, q="governance", page="abc")) == result_titles(first)


def test_a_results_page_reads_plain_rows_not_search_documents(client, db, committed, monkeypatch):
    with committed():
        for number in range(25):
            ProgrammeFactory(title=f"Governance programme {number:02}", summary="Board governance.")

    def no_instances(*args, **kwargs):
        raise AssertionError("a results page built a SearchDocument")

    monkeypatch.setattr(SearchDocument, "__init__", no_instances)
    first, second = results_page(client, q="governance"), results_page(client, q="governance", page=2)
    kind = results_page(client, q="governance", type="programme", page=2)  # the page read on its own

    assert result_titles(first)[:2] == ["Governance programme 00", "Governance programme 01"]
    assert result_titles(second) == result_titles(kind) == [f"Governance programme {n}" for n in range(20, 25)]
    snippet = parse(first).xpath(with_class("search-result__snippet"))[0]
    assert [mark.text for mark in snippet.xpath(".//mark")] == ["governance."]  # a whole word, as written


def test_search_page_costs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, committed):
    def queries_for(count: int) -> int:
        with committed():
            for number in range(count):
                ProgrammeFactory(title=f"Coaching programme {count}-{number}", summary="Coaching for leaders.")
                ResearchProjectFactory(title=f"Coaching study {count}-{number}")
        with CaptureQueriesContext(connection) as captured:
            results_page(client, q="coaching")
        return len(captured)

    # Read once and kept until they change (pagecache.fragments): not part of either count.
    centre.current()
    with_synonyms(parse_query("coaching"))
    few, many = queries_for(3), queries_for(30)
    assert few == many
    with django_assert_max_num_queries(10):
        results_page(client, q="coaching leaders", type="programme", page=2)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "a",
        "x" * 1000,
        "leadership " * 100,
        "!!!",
        "?*&%$#@",
        "%",
        "_",
        "\\",
        "'; DROP TABLE search_searchdocument; --",
        "1 OR 1=1",
        "Zoë Ångström",
        "東京 リーダーシップ",
        "👩‍⚕️ leadership",
        "(leadership & !management) | <->",
        "leadership:*",
    ],
)
def test_odd_queries_give_a_sensible_page_never_an_error(client, seed, query):
    response = results_page(client, q=query)
    content = response.content.decode()
    assert "<h1>" in content


@pytest.mark.parametrize("query", ["nye\x00bevan", "\x00"])
def test_a_nul_byte_in_the_query_is_a_styled_400(client, db, query):
    response = client.get(reverse("search:results"), {"q": query})
    assert response.status_code == 400
    assert "could not understand that request" in response.content.decode()


def test_empty_and_one_character_queries_explain_what_to_do(client, db):
    assert "Type a word or a name" in results_page(client, q="").content.decode()
    assert "Type a word or a name" in results_page(client, q="   ").content.decode()
    assert "Enter at least 2 characters" in results_page(client, q="a").content.decode()
    assert "Enter a word or name" in results_page(client, q="?!…").content.decode()


def test_a_very_long_query_is_shortened_and_says_so(client, seed):
    response = results_page(client, q="nye bevan " + "x" * 1000)
    assert "used its first 200 characters" in response.content.decode()


def test_nothing_found_offers_ways_forward(client, seed):
    response = results_page(client, q="astrophysics")
    content = response.content.decode()
    assert "0 results" in content
    assert reverse("programmes:list") in content
    assert reverse("contacts:contact") in content


def test_searches_are_logged_without_personal_data(client, seed):
    client.get(reverse("search:results"), {"q": "  Nye   BEVAN "}, REMOTE_ADDR="203.0.113.9")
    client.get(reverse("search:results"), {"q": "astrophysics"})
    client.get(reverse("search:results"), {"q": "nye bevan", "page": 2})  # paging is not a new search
    client.get(reverse("search:results"), {"q": "a"})  # not searchable, not logged
    log.flush()  # searches wait in a buffer and are written in batches (search/log.py)
    logged = list(LoggedSearch.objects.order_by("searched_at").values("term", "result_count", "kind"))
    assert logged == [
        {"term": "nye bevan", "result_count": 3, "kind": ""},  # both programmes and the work stream
        {"term": "astrophysics", "result_count": 0, "kind": ""},
    ]
    field_names = {field.name for field in LoggedSearch._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user", "session", "user_agent"}


def test_search_page_is_kept_out_of_shared_caches(client, seed):
    response = results_page(client, q="nye bevan")
    assert "private" in response["Cache-Control"]


def test_search_results_are_not_indexed_by_search_engines(client, seed):
    tree = parse(results_page(client, q="nye bevan"))
    assert tree.xpath('//meta[@name="robots"]/@content')[0].startswith("noindex")


def test_page_search_form_keeps_the_query_and_type(client, seed):
    tree = parse(results_page(client, q="weir", type="person"))
    assert tree.get_element_by_id("search-page-q").get("value") == "weir"
    assert tree.xpath('//select[@id="search-page-type"]/option[@selected]/@value') == ["person"]
    # The header box shows the query too.
    assert tree.get_element_by_id("site-search-q").get("value") == "weir"


def test_header_search_works_without_javascript_and_offers_suggestions_with_it(client, db):
    tree = parse(client.get(reverse("home")))
    form = tree.xpath(with_class("site-search"))[0]
    assert form.get("action") == reverse("search:results")
    assert form.get("method") == "get"
    assert form.xpath('.//input[@name="q"]')
    assert form.get("data-suggest-url") == reverse("search:suggest")
    scripts = [script for script in tree.xpath("//script[@src]") if "search-suggest.js" in script.get("src")]
    assert len(scripts) == 1
    assert scripts[0].get("defer") is not None


def test_suggestions_are_published_titles_as_json_at_most_eight(client, db, committed):
    with committed():
        for number in range(12):
            ProgrammeFactory(title=f"Governance programme {number}")
        ProgrammeFactory(title="Governance draft", status=Status.DRAFT)
        TopicFactory(name="Governance")
        WorkStreamFactory(title="Governance and accountability")
    response = client.get(reverse("search:suggest"), {"q": "govern"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    suggestions = response.json()["suggestions"]
    assert len(suggestions) == 8
    assert all(s["title"].startswith("Governance") for s in suggestions)
    assert "Governance draft" not in [s["title"] for s in suggestions]
    assert set(suggestions[0]) == {"title", "url", "kind"}
    assert suggestions[0]["kind"] == "Programme"
    assert suggestions[0]["url"].startswith(reverse("programmes:list"))


def test_suggestions_of_one_type_only(client, db, committed):
    with committed():
        ProgrammeFactory(title="Governance programme")
        TopicFactory(name="Governance")
        WorkStreamFactory(title="Governance and accountability")

    response = client.get(reverse("search:suggest"), {"q": "govern", "type": "programme"})

    assert [(s["title"], s["kind"]) for s in response.json()["suggestions"]] == [("Governance programme", "Programme")]


def test_suggestions_of_an_unknown_type_are_a_400_that_says_which_types_exist(client, db):
    response = client.get(reverse("search:suggest"), {"q": "govern", "type": "course<script>"})

    assert response.status_code == 400
    assert "programme" in response.json()["error"]
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("query", ["", "a", "!!", "x" * 1000])
def test_suggestions_for_odd_input_are_an_empty_list_or_a_short_one(client, seed, query):
    response = client.get(reverse("search:suggest"), {"q": query})
    assert response.status_code == 200
    assert len(response.json()["suggestions"]) <= 8


def test_suggestions_cost_one_query(client, seed, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(reverse("search:suggest"), {"q": "leader"})
