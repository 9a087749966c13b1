"""The shared page cache: anonymous pages are stored once, and every change a visitor could see shows at once."""

import datetime
import gzip
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import OperationalError, connections
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone

from hsmc_site import urls as project_urls
from pagecache import middleware as caching
from pagecache.middleware import PageCacheMiddleware
from programmes.models import Programme
from programmes.views import ProgrammeDetailView
from publishing.models import Status
from tests.factories import OrganisationFactory, ProgrammeFactory, ProgrammePartnerFactory, WorkStreamFactory

pytestmark = pytest.mark.django_db

CACHE = "X-Page-Cache"


def warm(client, url):
    """Request a page until it comes from the cache, and return that response."""
    client.get(url)
    response = client.get(url)
    assert response[CACHE] == "hit"
    return response


def test_anonymous_page_is_served_from_the_cache_without_any_query(client, django_assert_num_queries):
    programme = ProgrammeFactory(title="Leading integrated care")
    url = reverse("programmes:detail", args=[programme.slug])

    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert (first[CACHE], second[CACHE]) == ("miss", "hit")
    assert second.content == first.content
    assert "Leading integrated care" in second.content.decode()


def test_publishing_a_programme_shows_it_in_the_cached_catalogue_at_once(client):
    ProgrammeFactory(title="Existing programme")
    url = reverse("programmes:list")
    warm(client, url)

    draft = ProgrammeFactory(title="Brand new programme", status=Status.DRAFT)
    assert "Brand new programme" not in client.get(url).content.decode()
    warm(client, url)

    draft.status = Status.PUBLISHED
    draft.save()
    assert "Brand new programme" in client.get(url).content.decode()


def test_editing_a_programme_updates_its_cached_page_and_the_catalogue(client):
    programme = ProgrammeFactory(title="Old title")
    detail, catalogue = reverse("programmes:detail", args=[programme.slug]), reverse("programmes:list")
    warm(client, detail)
    warm(client, catalogue)

    programme.title = "New title"
    programme.save()

    for url in (detail, catalogue):
        content = client.get(url).content.decode()
        assert "New title" in content
        assert "Old title" not in content


def test_unpublishing_a_programme_removes_it_from_cached_pages(client):
    programme = ProgrammeFactory(title="Withdrawn programme")
    detail, catalogue = reverse("programmes:detail", args=[programme.slug]), reverse("programmes:list")
    warm(client, detail)
    warm(client, catalogue)

    programme.status = Status.DRAFT
    programme.save()

    assert client.get(detail).status_code == 404
    assert "Withdrawn programme" not in client.get(catalogue).content.decode()


def test_bulk_update_without_signals_still_invalidates_cached_pages(client):
    programme = ProgrammeFactory(title="Before the import")
    url = reverse("programmes:detail", args=[programme.slug])
    warm(client, url)

    Programme.objects.filter(pk=programme.pk).update(title="After the import")

    assert "After the import" in client.get(url).content.decode()


def test_renaming_a_related_record_updates_the_pages_that_show_it(client):
    programme = ProgrammeFactory()
    stream = WorkStreamFactory(title="Leadership and management")
    partner = ProgrammePartnerFactory(programme=programme, organisation=OrganisationFactory(name="Old Partner Trust"))
    url = reverse("programmes:detail", args=[programme.slug])
    warm(client, url)

    programme.work_streams.add(stream)  # a many-to-many change
    assert "Leadership and management" in client.get(url).content.decode()
    warm(client, url)

    stream.title = "Leadership, management and governance"
    stream.save()
    partner.organisation.name = "New Partner Trust"
    partner.organisation.save()

    content = client.get(url).content.decode()
    assert "Leadership, management and governance" in content
    assert "New Partner Trust" in content


def test_a_write_to_a_table_the_page_does_not_read_keeps_it_cached(client):
    url = reverse("programmes:detail", args=[ProgrammeFactory().slug])
    warm(client, url)

    get_user_model().objects.create_user("new-editor", password="a-long-enough-password")

    assert client.get(url)[CACHE] == "hit"


def test_scheduled_programme_appears_when_its_publish_from_time_passes(client):
    start = timezone.now()
    ProgrammeFactory(title="Scheduled programme", publish_from=start + datetime.timedelta(hours=1))
    url = reverse("programmes:list")
    assert "Scheduled programme" not in warm(client, url).content.decode()

    # Two hours later. Nothing is saved when publish_from passes: the page's bounded lifetime shows it.
    with (
        mock.patch("django.utils.timezone.now", return_value=start + datetime.timedelta(hours=2)),
        mock.patch("pagecache.middleware.wall_clock", return_value=caching.wall_clock() + 2 * 3600),
    ):
        response = client.get(url)

    assert "Scheduled programme" in response.content.decode()


def test_pages_for_signed_in_staff_are_never_stored_or_served_from_the_cache(client, content_editor):
    draft = ProgrammeFactory(title="Draft in preview", status=Status.DRAFT)
    url = reverse("programmes:detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    catalogue = reverse("programmes:list")
    warm(client, catalogue)

    staff = Client()
    staff.force_login(content_editor)
    preview = staff.get(url)
    staff_catalogue = staff.get(catalogue)

    assert preview.status_code == 200
    assert "Draft in preview" in preview.content.decode()
    for response in (preview, staff_catalogue):
        assert CACHE not in response
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
    assert client.get(url).status_code == 404  # the preview never reached anonymous visitors


def test_an_anonymous_visitor_s_pages_never_look_the_user_up(client, monkeypatch):
    """Nobody can be signed in without a session cookie or an Authorization header, so neither the cache
    headers nor a detail page's preview rule read the session and the authenticator to find that out."""
    looked_up = []
    get_user = auth.get_user
    monkeypatch.setattr(auth, "get_user", lambda request: looked_up.append(request.path) or get_user(request))
    programme = ProgrammeFactory(title="Nye Bevan Programme")

    for url in (reverse("programmes:list"), programme.get_absolute_url(), reverse("home")):
        response = client.get(url)
        assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert looked_up == []

    bearer = client.get(reverse("programmes:list"), headers={"Authorization": "Bearer something"})
    assert "private" in bearer["Cache-Control"]


def test_contact_page_with_a_csrf_token_is_never_cached(client):
    url = reverse("contacts:contact")
    first, second = client.get(url), client.get(url)

    assert first.status_code == second.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in second.content.decode()
    for response in (first, second):
        assert response.get(CACHE) != "hit"
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]


def add_message(request):
    messages.success(request, "Your changes were saved.")
    return HttpResponse("Saved")


urlpatterns = [path("test-message/", add_message), *project_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_responses_with_messages_are_never_cached_and_messages_are_shown(client):
    ProgrammeFactory()
    url = reverse("programmes:list")
    warm(client, url)

    saved = client.get("/test-message/")
    assert CACHE not in saved
    assert "private" in saved["Cache-Control"]

    response = client.get(url)
    assert CACHE not in response
    assert "Your changes were saved." in response.content.decode()


def test_views_that_opt_out_with_never_cache_are_not_stored(client):
    client.get(reverse("healthz"))
    response = client.get(reverse("healthz"))

    assert CACHE not in response
    assert "no-store" in response["Cache-Control"]


def test_each_query_string_is_a_separate_cached_page(client):
    ProgrammeFactory(title="Alpha programme")
    ProgrammeFactory(title="Omega programme")
    url = reverse("programmes:list")
    warm(client, url)

    page_two = client.get(url, {"page": "2"})
    second_sort = client.get(url, {"sort": "deadline"})

    assert page_two.status_code in (200, 404)
    assert second_sort[CACHE] == "miss"
    assert client.get(url, {"sort": "deadline"})[CACHE] == "hit"


def test_tracking_parameters_neither_make_a_new_entry_nor_reach_the_page(client):
    """Issue 22, item 8: 150 requests with 150 utm_source values used to store 150 pages."""
    ProgrammeFactory(title="Tracked programme")
    url = reverse("programmes:list")
    warm(client, url + "?sort=deadline")

    for n in range(5):
        response = client.get(url, {"sort": "deadline", "utm_source": f"newsletter-{n}", "gclid": n, "mc_cid": n})
        assert response[CACHE] == "hit"
    rendered = client.get(url, {"utm_campaign": "spring", "audience": "nobody"})
    assert "utm_campaign" not in rendered.content.decode()  # filter and page links drop it too


def test_the_key_ignores_the_port_and_the_order_of_parameters(client):
    ProgrammeFactory()
    url = reverse("programmes:list")
    warm(client, url + "?sort=deadline&page=1")

    assert client.get(url + "?page=1&sort=deadline")[CACHE] == "hit"
    assert client.get(url + "?sort=deadline&page=1", headers={"host": "testserver:8443"})[CACHE] == "hit"
    # Repeated values keep their order: some filters read them in order.
    assert client.get(url + "?sort=deadline&page=1&page=2")[CACHE] != "hit"


def test_one_path_holds_a_bounded_number_of_query_variants(client, settings):
    settings.PAGE_CACHE_MAX_VARIANTS = 3
    ProgrammeFactory()
    url = reverse("programmes:list")
    for n in range(3):
        warm(client, url + f"?q=word{n}")

    beyond = [client.get(url, {"q": f"other{n}"}) for n in range(2) for _repeat in range(2)]

    assert all(response.status_code == 200 for response in beyond)
    assert all(CACHE not in response for response in beyond)  # sent, never kept
    assert client.get(url + "?q=word0")[CACHE] == "hit"  # what was kept stays


def test_a_made_up_session_cookie_counts_as_anonymous(client, content_editor):
    ProgrammeFactory()
    url = reverse("programmes:list")
    warm(client, url)

    for junk in ("x", "a" * 32, "not a session at all"):
        client.cookies["sessionid"] = junk
        response = client.get(url)
        assert response[CACHE] == "hit", junk
        assert "Set-Cookie" not in response

    staff = Client()
    staff.force_login(content_editor)
    assert CACHE not in staff.get(url)  # a real session is still personal


def test_head_request_is_answered_from_the_cache(client):
    url = reverse("programmes:detail", args=[ProgrammeFactory().slug])
    warm(client, url)

    response = client.head(url)

    assert response.status_code == 200
    assert response[CACHE] == "hit"


def test_anonymous_page_is_public_for_a_short_time_with_an_etag(client, settings):
    url = reverse("programmes:detail", args=[ProgrammeFactory().slug])
    response = client.get(url)

    directives = {directive.strip() for directive in response["Cache-Control"].split(",")}
    assert directives == {"public", f"max-age={settings.PAGE_MAX_AGE}"}
    # The body's SHA-1, quicker than Django's MD5; weak for the gzipped body, which is other bytes.
    assert response["ETag"] == f'"{hashlib.sha1(response.content).hexdigest()}"'
    assert client.get(url, headers={"accept-encoding": "gzip"})["ETag"] == f"W/{response['ETag']}"


@pytest.mark.parametrize("page_cache", [True, False])
def test_conditional_get_with_the_current_etag_answers_304(client, settings, page_cache):
    settings.PAGE_CACHE_ENABLED = page_cache
    programme = ProgrammeFactory(title="Unchanged")
    url = reverse("programmes:detail", args=[programme.slug])
    etag = client.get(url)["ETag"]

    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""

    programme.title = "Changed"
    programme.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_switching_the_page_cache_off_keeps_the_http_headers(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    url = reverse("programmes:detail", args=[ProgrammeFactory().slug])
    client.get(url)
    response = client.get(url)

    assert CACHE not in response
    assert "public" in response["Cache-Control"]
    assert response.has_header("ETag")


def test_pages_are_gzipped_for_clients_that_accept_it_and_plain_for_the_rest(client):
    url = reverse("programmes:detail", args=[ProgrammeFactory(title="Compressed programme").slug])

    miss = client.get(url, headers={"accept-encoding": "gzip, br"})
    hit = client.get(url, headers={"accept-encoding": "gzip, br"})
    plain = client.get(url)

    assert (miss[CACHE], hit[CACHE], plain[CACHE]) == ("miss", "hit", "hit")
    for response in (miss, hit):
        assert response["Content-Encoding"] == "gzip"
        assert int(response["Content-Length"]) == len(response.content)
        assert "Compressed programme" in gzip.decompress(response.content).decode()
        assert response["ETag"].startswith('W/"')
    assert not plain.has_header("Content-Encoding")
    assert "Compressed programme" in plain.content.decode()
    assert gzip.decompress(hit.content) == plain.content
    assert "Accept-Encoding" in plain["Vary"]


def test_with_the_page_cache_off_pages_are_gzipped_cheaply_for_clients_that_accept_it(client, settings, monkeypatch):
    settings.PAGE_CACHE_ENABLED = False
    url = reverse("programmes:detail", args=[ProgrammeFactory(title="Compressed programme").slug])
    used = []
    for name in ("gzip_to_send", "gzip_to_store"):
        compress = getattr(caching, name)
        monkeypatch.setattr(
            caching, name, lambda body, name=name, compress=compress: used.append(name) or compress(body)
        )

    zipped = client.get(url, headers={"accept-encoding": "gzip"})
    plain = client.get(url)

    # Compressed for this one response only: the fast compressor, not the stored pages' smaller one.
    assert used == ["gzip_to_send"]
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    # The plain answer is not compressed for nothing, and still says it varies with Accept-Encoding.
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"] and plain.has_header("ETag")


def test_a_gzipped_page_answers_304_to_its_own_etag(client):
    url = reverse("programmes:detail", args=[ProgrammeFactory().slug])
    etag = client.get(url, headers={"accept-encoding": "gzip"})["ETag"]

    response = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": etag})

    assert response.status_code == 304


def test_an_expired_page_is_rendered_by_one_request_while_others_get_the_expired_copy(client, settings, rf):
    url = reverse("programmes:detail", args=[ProgrammeFactory(title="Popular programme").slug])
    warm(client, url)
    key = PageCacheMiddleware(lambda request: None).key(rf.get(url))
    cache.add(key + ":render", 1, 60)  # another request is rendering it again
    expired = caching.wall_clock() + settings.PAGE_CACHE_SECONDS + 1

    with mock.patch("pagecache.middleware.wall_clock", return_value=expired):
        meanwhile = client.get(url)
        assert meanwhile[CACHE] == "stale"
        assert "Popular programme" in meanwhile.content.decode()

        cache.delete(key + ":render")
        assert client.get(url)[CACHE] == "miss"
        assert client.get(url)[CACHE] == "hit"


def test_a_page_that_was_not_found_appears_as_soon_as_it_is_published(client):
    draft = ProgrammeFactory(title="Coming soon", status=Status.DRAFT)
    url = reverse("programmes:detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404

    draft.status = Status.PUBLISHED
    draft.save()

    response = client.get(url)
    assert response.status_code == 200
    assert "Coming soon" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # the concurrent requests run in threads with their own connections
def test_concurrent_requests_for_a_missing_page_render_it_only_once():
    url = reverse("programmes:detail", args=[ProgrammeFactory(title="Everyone wants this").slug])
    renders = []
    original_get = ProgrammeDetailView.get

    def slow_get(view, request, *args, **kwargs):
        renders.append(request.path)
        time.sleep(0.3)  # long enough for every other request to arrive meanwhile
        return original_get(view, request, *args, **kwargs)

    def visit(_):
        try:
            return Client().get(url)
        finally:
            connections.close_all()

    with mock.patch.object(ProgrammeDetailView, "get", slow_get), ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(visit, range(4)))

    assert len(renders) == 1
    assert sorted(response[CACHE] for response in responses) == ["hit", "hit", "hit", "miss"]
    assert all("Everyone wants this" in response.content.decode() for response in responses)


def test_a_head_request_for_a_page_not_yet_cached_leaves_it_cacheable(client):
    url = reverse("programmes:detail", args=[ProgrammeFactory().slug])

    assert client.head(url).status_code == 200

    assert client.get(url)[CACHE] == "miss"
    assert client.get(url)[CACHE] == "hit"


def test_a_page_that_failed_in_a_database_outage_is_cached_again_as_soon_as_it_recovers(client):
    url = reverse("programmes:detail", args=[ProgrammeFactory().slug])
    client.raise_request_exception = False
    with mock.patch.object(ProgrammeDetailView, "get", side_effect=OperationalError("connection refused")):
        assert client.get(url).status_code == 503

    assert client.get(url)[CACHE] == "miss"
    assert client.get(url)[CACHE] == "hit"


def test_previewing_unpublished_changes_leaves_the_cached_public_page_alone(editor_client):
    from publishing import snapshots, workflow

    client = Client()  # an anonymous visitor, beside the signed-in editor
    programme = ProgrammeFactory(title="Leading integrated care")
    url = reverse("programmes:detail", args=[programme.slug])
    warm(client, url)
    snapshot = snapshots.read(programme)
    snapshot["fields"]["title"] = "Leading integrated care systems"
    workflow.save_draft(programme, snapshot, user=get_user_model().objects.get(username="content-editor"))
    warm(client, url)

    preview = editor_client.get(reverse("admin:programmes_programme_preview_page", args=[programme.pk]))

    assert "Leading integrated care systems" in preview.content.decode()
    # The preview's writes were rolled back and versioned no table: the public page is still a hit.
    response = client.get(url)
    assert response[CACHE] == "hit"
    assert "Leading integrated care systems" not in response.content.decode()
