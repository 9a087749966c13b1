"""What a view may ask of the page cache: keep a `private` page, and hear of every request for it."""

import logging

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils.cache import patch_cache_control

from hsmc_site import urls as project_urls
from pagecache import middleware as caching

pytestmark = pytest.mark.django_db

CACHE = "X-Page-Cache"
served: list[tuple[str, str, int]] = []
renders: list[str] = []


def note_served(request, label: str, number: int) -> None:
    served.append((request.method, label, number))


def fail(request) -> None:
    raise RuntimeError("the hook is broken")


def private_page(request):
    renders.append(request.path)
    response = HttpResponse("Private to proxies, the same for every visitor. " * 20)
    patch_cache_control(response, private=True, max_age=60)
    caching.cache_although_private(response)
    caching.call_when_served(response, note_served, "private page", 7)
    return response


def private_page_without_opt_in(request):
    renders.append(request.path)
    response = HttpResponse("Private.")
    patch_cache_control(response, private=True)
    return response


def no_store_page(request):
    renders.append(request.path)
    response = HttpResponse("Never kept.")
    patch_cache_control(response, private=True, no_store=True)
    caching.cache_although_private(response)
    return response


def broken_hook_page(request):
    response = HttpResponse("Sent all the same.")
    caching.call_when_served(response, fail)
    return response


urlpatterns = [
    path("test-private/", private_page),
    path("test-private-plain/", private_page_without_opt_in),
    path("test-no-store/", no_store_page),
    path("test-broken-hook/", broken_hook_page),
    *project_urls.urlpatterns,
]


@pytest.fixture(autouse=True)
def _fresh_records():
    served.clear()
    renders.clear()


@override_settings(ROOT_URLCONF=__name__)
def test_a_private_page_that_opts_in_is_kept_and_stays_private_downstream(client):
    responses = [client.get("/test-private/") for _ in range(3)]

    assert [response[CACHE] for response in responses] == ["miss", "hit", "hit"]
    assert renders == ["/test-private/"]
    for response in responses:
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
    assert responses[2].content == responses[0].content


@override_settings(ROOT_URLCONF=__name__)
def test_a_private_page_without_the_opt_in_or_with_no_store_is_never_kept(client):
    for url in ("/test-private-plain/", "/test-no-store/"):
        client.get(url)
        assert client.get(url).get(CACHE) != "hit"
    assert len(renders) == 4


@override_settings(ROOT_URLCONF=__name__)
def test_the_served_hook_runs_for_every_request_rendered_or_cached(client, content_editor):
    client.get("/test-private/")
    client.get("/test-private/")
    client.head("/test-private/")
    staff = Client()
    staff.force_login(content_editor)
    staff_response = staff.get("/test-private/")

    # Rendered, from the cache, a HEAD from the cache, and rendered for staff.
    assert [method for method, *_ in served] == ["GET", "GET", "HEAD", "GET"]
    assert {tuple(rest) for _, *rest in served} == {("private page", 7)}
    assert CACHE not in staff_response  # staff never get the cached copy, opt-in or not
    assert "no-store" in staff_response["Cache-Control"]


# One override, not the decorator plus pytest-django's `settings` fixture: the fixture restores what it saw
# on entry, the decorator's URLconf included, which then leaked into every later test in the worker.
@override_settings(ROOT_URLCONF=__name__, PAGE_CACHE_ENABLED=False)
def test_the_served_hook_runs_with_the_page_cache_off(client):
    client.get("/test-private/")

    assert served == [("GET", "private page", 7)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_hook_is_logged_and_the_page_still_sent(client, caplog):
    with caplog.at_level(logging.ERROR, logger="pagecache.middleware"):
        responses = [client.get("/test-broken-hook/") for _ in range(2)]

    assert [response.status_code for response in responses] == [200, 200]
    assert responses[1][CACHE] == "hit"
    assert len([record for record in caplog.records if "fail failed" in record.getMessage()]) == 2
