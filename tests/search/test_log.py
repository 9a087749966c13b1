"""Repeat searches come from the page cache, and the search log still counts every one of them."""

import logging
import os
import secrets
import time

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pagecache import middleware as caching
from search import log
from search.models import LoggedSearch

from .pages import parse, result_titles

CACHE = "X-Page-Cache"


def search(client, **params):
    response = client.get(reverse("search:results"), params)
    assert response.status_code == 200
    return response


def logged(**filters):
    return list(LoggedSearch.objects.filter(**filters).order_by("searched_at").values_list("term", "result_count"))


def test_a_repeated_search_comes_from_the_page_cache_without_a_query(client, seed, django_assert_num_queries):
    first = search(client, q="nye bevan")
    with django_assert_num_queries(0):  # nor a write to the search log
        second = search(client, q="nye bevan")

    assert (first[CACHE], second[CACHE]) == ("miss", "hit")
    assert second.content == first.content
    assert result_titles(second)[0] == "Nye Bevan programme"


def test_a_cached_search_stays_private_to_every_other_cache(client, seed):
    search(client, q="nye bevan")
    cached = search(client, q="nye bevan")

    assert cached[CACHE] == "hit"
    assert "private" in cached["Cache-Control"]
    assert "public" not in cached["Cache-Control"]


def test_every_search_is_logged_whether_rendered_or_from_the_cache(client, seed):
    responses = [search(client, q="nye bevan") for _ in range(3)]
    search(client, q="nye bevan", type="programme")
    search(client, q="nye bevan", page=2)  # another page of the same results is not a new search
    search(client, q="nye bevan", page=2)
    log.flush()

    assert [response[CACHE] for response in responses] == ["miss", "hit", "hit"]
    assert logged(kind="") == [("nye bevan", 3)] * 3  # with the count the cached page shows
    assert logged(kind="programme") == [("nye bevan", 2)]


def test_a_search_is_logged_with_its_correction_its_type_and_when_it_was_made(client, seed):
    # On PostgreSQL written with COPY, elsewhere with bulk_create: every field reaches the table as it was.
    before = timezone.now()
    search(client, q="leadrship", type="programme")
    log.flush()

    entry = LoggedSearch.objects.get()
    assert (entry.term, entry.corrected_term, entry.kind) == ("leadrship", "leadership", "programme")
    assert entry.result_count > 0
    assert before <= entry.searched_at <= timezone.now()


def test_the_no_results_report_counts_searches_answered_from_the_cache(seed, editor_client):
    visitor = Client()
    for _ in range(4):
        search(visitor, q="astrophysics")
    search(visitor, q="dentistry")

    # Opening the report writes what is waiting first.
    response = editor_client.get(reverse("admin:search_loggedsearch_no_results"))

    first_table = parse(response).xpath('//div[@id="content-main"]//table')[0]
    rows = [[cell.text_content().strip() for cell in row.xpath("td")[:2]] for row in first_table.xpath("tbody/tr")]
    assert rows == [["astrophysics", "4"], ["dentistry", "1"]]


def test_the_log_changelist_shows_searches_still_waiting_in_the_buffer(seed, editor_client):
    search(Client(), q="astrophysics")

    response = editor_client.get(reverse("admin:search_loggedsearch_changelist"))

    assert "astrophysics" in response.content.decode()


def test_searches_are_written_in_batches_rather_than_one_by_one(seed, monkeypatch):
    monkeypatch.setattr(log, "BATCH_SIZE", 3)
    visitor = Client()
    search(visitor, q="nye bevan")
    search(visitor, q="nye bevan")
    assert LoggedSearch.objects.count() == 0

    search(visitor, q="astrophysics")

    assert logged() == [("nye bevan", 3), ("nye bevan", 3), ("astrophysics", 0)]


def test_the_flush_command_writes_the_waiting_searches(client, seed):
    search(client, q="nye bevan")
    search(client, q="nye bevan")

    call_command("flush_search_log")

    assert logged() == [("nye bevan", 3)] * 2
    call_command("flush_search_log")
    assert LoggedSearch.objects.count() == 2  # each search once


def test_searches_wait_for_the_next_flush_when_the_database_refuses_them(client, seed):
    search(client, q="nye bevan")

    def refuse(execute, sql, params, many, context):
        raise DatabaseError("the database is unreachable")

    with connection.execute_wrapper(refuse):
        assert log.flush() == 0

    assert log.flush() == 1
    assert logged() == [("nye bevan", 3)]


def test_a_head_request_is_not_counted_as_a_search(client, seed):
    search(client, q="nye bevan")
    assert client.head(reverse("search:results"), {"q": "nye bevan"})[CACHE] == "hit"
    log.flush()

    assert logged() == [("nye bevan", 3)]


def test_staff_searches_are_logged_but_never_cached(seed, editor_client):
    responses = [search(editor_client, q="nye bevan") for _ in range(2)]
    log.flush()

    for response in responses:
        assert CACHE not in response
        assert "no-store" in response["Cache-Control"]
    assert logged() == [("nye bevan", 3)] * 2


def test_a_visitor_with_a_message_waiting_never_gets_the_cached_search(client, seed):
    search(client, q="nye bevan")
    search(client, q="nye bevan")
    client.cookies[CookieStorage.cookie_name] = "a-message"

    response = search(client, q="nye bevan")

    assert CACHE not in response


@pytest.fixture
def unreachable_redis(settings):
    """The production cache configuration, pointed at a Redis that refuses connections."""
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0", "KEY_PREFIX": "hsmc"}
    timeouts = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    settings.CACHES = {
        "default": {**redis, "OPTIONS": {**timeouts, "IGNORE_EXCEPTIONS": True}},
        "pages": {**redis, "OPTIONS": timeouts},
    }
    settings.PAGE_CACHE_ENABLED = True
    caching.breaker.reset()
    yield
    caching.breaker.reset()


@pytest.mark.usefixtures("unreachable_redis")
def test_searches_are_served_and_logged_at_once_when_redis_is_unreachable(client, seed, caplog):
    with caplog.at_level(logging.WARNING, logger="pagecache.middleware"):
        responses = [search(client, q="nye bevan") for _ in range(2)]

    assert all(result_titles(response)[0] == "Nye Bevan programme" for response in responses)
    assert logged() == [("nye bevan", 3)] * 2  # written directly, with no flush
    assert log.flush() == 0


@pytest.fixture
def redis_cache(settings):
    """The production cache configuration on the Redis of REDIS_URL, under a prefix of this test's own."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/<db>")
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": f"test-{secrets.token_hex(4)}"}
    settings.CACHES = {"default": {**redis, "OPTIONS": {"IGNORE_EXCEPTIONS": True}}, "pages": redis}
    settings.PAGE_CACHE_ENABLED = True
    caching.breaker.reset()
    yield
    from django.core.cache import caches

    caches["pages"].delete_pattern("*")
    caching.breaker.reset()


@pytest.mark.usefixtures("redis_cache")
def test_with_redis_searches_wait_in_a_list_every_process_can_flush(client, seed, django_assert_num_queries):
    search(client, q="nye bevan")
    with django_assert_num_queries(0):
        assert search(client, q="nye bevan")[CACHE] == "hit"
    assert LoggedSearch.objects.count() == 0

    assert log.flush() == 2
    assert logged() == [("nye bevan", 3)] * 2


@pytest.mark.usefixtures("redis_cache")
def test_with_redis_searches_wait_in_the_list_even_with_the_page_cache_off(client, seed, settings):
    settings.PAGE_CACHE_ENABLED = False
    search(client, q="nye bevan")
    search(client, q="nye bevan")
    assert LoggedSearch.objects.count() == 0

    assert log.flush() == 2
    assert logged() == [("nye bevan", 3)] * 2


def test_without_the_page_cache_each_search_is_written_at_once(client, seed, settings):
    # The default without Redis: a per-process buffer would only lose searches when a worker is recycled.
    settings.PAGE_CACHE_ENABLED = False
    search(client, q="nye bevan")
    search(client, q="nye bevan")
    assert logged() == [("nye bevan", 3)] * 2  # no flush needed


@pytest.fixture
def slow_outbox_thread(monkeypatch):
    """This test's outbox (each test has its own: tests/conftest.py) sends only when full: its thread waits a minute."""
    monkeypatch.setattr(log, "PUSH_AFTER", 60.0)


def waiting_in_redis() -> int:
    client, key = log._redis()
    return client.llen(key)


@pytest.mark.usefixtures("redis_cache", "slow_outbox_thread")
def test_with_redis_a_process_sends_its_searches_together_in_one_round_trip(client, seed, monkeypatch):
    monkeypatch.setattr(log, "PUSH_EVERY", 3)
    pushed = []
    push = log._push
    monkeypatch.setattr(log, "_push", lambda entries: pushed.append(len(entries)) or push(entries))

    search(client, q="nye bevan")
    search(client, q="astrophysics")
    assert waiting_in_redis() == 0  # still in this process's outbox

    search(client, q="nye bevan")

    assert pushed == [3]
    assert waiting_in_redis() == 3
    assert log.flush() == 3
    assert logged() == [("nye bevan", 3), ("astrophysics", 0), ("nye bevan", 3)]


@pytest.mark.usefixtures("redis_cache")
def test_with_redis_searches_are_sent_a_few_seconds_after_they_were_made(client, seed, monkeypatch):
    monkeypatch.setattr(log, "PUSH_AFTER", 0.05)  # before the first search starts the outbox's thread

    search(client, q="nye bevan")

    deadline = time.monotonic() + 5
    while not waiting_in_redis() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert waiting_in_redis() == 1
    assert LoggedSearch.objects.count() == 0
    assert log.flush() == 1


@pytest.mark.usefixtures("redis_cache", "slow_outbox_thread")
def test_with_redis_a_push_that_brings_the_buffer_past_a_batch_writes_it(client, seed, monkeypatch):
    monkeypatch.setattr(log, "PUSH_EVERY", 2)
    monkeypatch.setattr(log, "BATCH_SIZE", 3)
    for term in ("nye bevan", "astrophysics"):
        search(client, q=term)
    assert (waiting_in_redis(), LoggedSearch.objects.count()) == (2, 0)

    for term in ("dentistry", "nye bevan"):
        search(client, q=term)

    assert waiting_in_redis() == 0  # two pushed, four waiting: past three, so the batch was written
    assert [term for term, _ in logged()] == ["nye bevan", "astrophysics", "dentistry", "nye bevan"]
