"""Scale-out: two app servers share one PostgreSQL and one Redis, and a change made on one shows on the other.

Runs in CI's PostgreSQL run, where REDIS_URL is set; skipped elsewhere with the reason.
"""

import os
import re
import secrets
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from django.utils.crypto import get_random_string

from publishing.models import Status
from search.models import LoggedSearch
from tests.factories import ProgrammeFactory

from .servers import Gunicorn, manage

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/<db>"),
    pytest.mark.django_db(transaction=True),  # the servers must see what the test commits
]

PASSWORD = "a-long-test-password-for-two-servers"


def database_url() -> str:
    """The test database pytest-django created, which both servers must share with the test."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_env(server_env):
    prefix = f"hsmc-test-{secrets.token_hex(4)}"
    yield server_env(DATABASE_URL=database_url(), REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix, PAGE_CACHE="on")

    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def servers(shared_env, tmp_path):
    with Gunicorn(shared_env, tmp_path / "a.log") as a, Gunicorn(shared_env, tmp_path / "b.log") as b:
        assert a.port != b.port
        yield a, b


class Editor:
    """A staff member's browser: keeps cookies and sends the CSRF token, talking to one server or another."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, server, method, path, form=None):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form, doseq=True).encode()
        response = server.request(method, path, headers=headers, body=body)
        self.cookies.update(response.cookies())
        return response

    def csrf_token(self, server, path) -> str:
        page = self.request(server, "GET", path)
        assert page.status == 200, page.text[:500]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def sign_in(self, server, username):
        login = reverse("admin:login")
        token = self.csrf_token(server, login)
        form = {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
            "next": reverse("admin:index"),
        }
        response = self.request(server, "POST", login, form)
        assert response.status == 302, re.findall(r"errornote.{0,400}", response.text, re.S)


def test_a_programme_unpublished_in_the_admin_of_one_server_disappears_from_the_other_at_once(servers):
    a, b = servers
    programme = ProgrammeFactory(title="Leading integrated care")
    ProgrammeFactory(title="Another programme")
    # Hashed as production does: the test settings' fast MD5 hasher is not one production accepts.
    password = PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(16))
    get_user_model().objects.create(username="editor", password=password, is_staff=True, is_superuser=True)
    detail, catalogue = reverse("programmes:detail", args=[programme.slug]), reverse("programmes:list")

    for url in (detail, catalogue):
        first, shared = a.get(url), b.get(url)
        assert (first.status, first.header("X-Page-Cache")) == (200, "miss")
        assert (shared.status, shared.header("X-Page-Cache")) == (200, "hit")  # B serves what A stored
        assert "Leading integrated care" in shared.text

    editor = Editor()
    editor.sign_in(a, "editor")
    assert editor.request(b, "GET", reverse("admin:index")).status == 200  # the session works on any server

    changelist = reverse("admin:programmes_programme_changelist")
    token = editor.csrf_token(a, changelist)
    form = {"action": "unpublish", "_selected_action": [programme.pk], "index": 0, "csrfmiddlewaretoken": token}
    assert editor.request(a, "POST", changelist, form).status == 302
    programme.refresh_from_db()
    assert programme.status == Status.DRAFT

    assert b.get(detail).status == 404
    listing = b.get(catalogue)
    assert listing.status == 200
    assert "Leading integrated care" not in listing.text
    assert "Another programme" in listing.text


def test_a_change_made_by_a_script_on_one_host_shows_on_every_server_at_once(servers, shared_env):
    a, b = servers
    programme = ProgrammeFactory(title="Before the import")
    url = reverse("programmes:detail", args=[programme.slug])
    a.get(url)
    assert b.get(url).header("X-Page-Cache") == "hit"

    # A separate process (an import, a cron job): a bulk update that sends no model signals.
    script = (
        f"from programmes.models import Programme; Programme.objects.filter(pk={programme.pk}).update(title='After')"
    )
    result = manage(shared_env, "shell", "-c", script)
    assert result.returncode == 0, result.stderr

    for server in (b, a):
        response = server.get(url)
        assert response.status == 200
        assert "After" in response.text
        assert "Before the import" not in response.text


def test_what_a_server_holds_of_its_kept_values_gives_way_to_a_change_made_elsewhere(shared_env, tmp_path):
    # Without the page cache every request renders, from kept values that each server also holds in memory.
    env = {**shared_env, "PAGE_CACHE": "off"}
    ProgrammeFactory(title="Another programme")
    programme = ProgrammeFactory(title="Before the import")
    catalogue = reverse("programmes:list")
    with Gunicorn(env, tmp_path / "a.log", workers=1) as server:
        for _ in range(3):  # kept, read together, then held
            assert "Before the import" in server.get(catalogue).text

        script = f"from programmes.models import Programme; Programme.objects.filter(pk={programme.pk}).delete()"
        result = manage(env, "shell", "-c", script)  # another process: an import, a cron job
        assert result.returncode == 0, result.stderr

        listing = server.get(catalogue).text
    assert "Before the import" not in listing
    assert "Another programme" in listing
    assert re.search(r"\b1 programme\b", listing)  # the counts kept with the options, too


def test_cached_pages_are_still_served_by_a_server_that_has_lost_the_database(servers, shared_env, tmp_path):
    a, _ = servers
    programme = ProgrammeFactory(title="Cached before the outage")
    cached, uncached = reverse("programmes:detail", args=[programme.slug]), reverse("programmes:list")
    assert a.get(cached).header("X-Page-Cache") == "miss"

    cut_off = {**shared_env, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/unreachable?connect_timeout=2"}
    with Gunicorn(cut_off, tmp_path / "cut-off.log") as server:
        from_cache, not_cached = server.get(cached), server.get(uncached)

    assert (from_cache.status, from_cache.header("X-Page-Cache")) == (200, "hit")
    assert "Cached before the outage" in from_cache.text
    assert not_cached.status == 503


def test_a_search_answered_from_the_cache_by_either_server_is_counted_every_time(servers, shared_env):
    a, b = servers
    ProgrammeFactory(title="Compassionate leadership")
    url = reverse("search:results") + "?q=Compassionate"

    responses = [a.get(url), b.get(url), a.get(url), b.get(url)]

    assert [(response.status, response.header("X-Page-Cache")) for response in responses] == [
        (200, "miss"),
        *[(200, "hit")] * 3,
    ]
    assert all("Compassionate leadership" in response.text for response in responses)
    assert "private" in responses[-1].header("Cache-Control")  # kept by the site, not by proxies
    assert not LoggedSearch.objects.exists()  # waiting, not one database write per search

    # Each worker sends the searches in its outbox to Redis when it stops, if not before (search/log.py).
    a.stop()
    b.stop()
    result = manage(shared_env, "flush_search_log")  # cron, on any host
    assert result.returncode == 0, result.stderr
    assert list(LoggedSearch.objects.values_list("term", "result_count")) == [("compassionate", 1)] * 4
