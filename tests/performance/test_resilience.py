"""The site degrades instead of failing: Redis down, database down, and workers that recycle themselves."""

import json
import logging
import os
import re
import runpy
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pagecache import middleware as caching
from pagecache.redis import reset_circuits
from tests.factories import ProgrammeFactory

from .servers import PROJECT_ROOT, Gunicorn, StallingServer

# Port 9 (discard) on loopback: nothing listens there, so connections are refused at once.
CLOSED_REDIS = "redis://127.0.0.1:9/0"
UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:9/unreachable?connect_timeout=2"


def use_production_redis(settings, location: str) -> None:
    """The production cache configuration (settings.py with REDIS_URL set), pointed at `location`."""
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location, "KEY_PREFIX": "hsmc"}
    settings.CACHES = {
        "default": {**redis, "OPTIONS": {**settings.REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True}},
        "pages": {**redis, "OPTIONS": settings.REDIS_OPTIONS},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.PAGE_CACHE_ENABLED = True


@pytest.fixture(autouse=True)
def _closed_circuits():
    caching.breaker.reset()
    reset_circuits()
    yield
    caching.breaker.reset()
    reset_circuits()


@pytest.fixture
def unreachable_redis(settings):
    """The production cache configuration, pointed at a Redis that refuses connections."""
    use_production_redis(settings, CLOSED_REDIS)


@pytest.fixture
def hanging_redis(settings):
    """The production cache configuration, pointed at a Redis that accepts connections and never answers."""
    with StallingServer() as server:
        use_production_redis(settings, f"redis://127.0.0.1:{server.port}/0")
        yield


def test_a_hanging_redis_costs_one_timeout_not_one_per_call(hanging_redis, caplog):
    """Issue 22, item 3: every cache call used to wait for the socket timeout, and redis-py retried it."""
    with caplog.at_level(logging.WARNING, logger="pagecache.redis"):
        started = time.monotonic()
        for n in range(20):
            assert cache.get(f"key-{n}") is None  # a miss, as during any outage
            cache.set(f"key-{n}", n)
        elapsed = time.monotonic() - started

    assert elapsed < 2.5  # one 0.5 s timeout (with redis-py's own retry), then the circuit is open
    assert len([record for record in caplog.records if "not answering" in record.getMessage()]) == 1


@pytest.mark.django_db
def test_sign_in_stays_quick_when_redis_hangs(hanging_redis, content_editor):
    """Sessions and the sign-in throttle use the shared cache: they must not each wait for it."""
    client = Client()
    started = time.monotonic()
    for _ in range(3):
        client.force_login(content_editor)
        assert client.get(reverse("admin:index")).status_code == 200
        client.logout()
    assert time.monotonic() - started < 3.0


def test_redis_is_asked_again_after_the_retry_time(hanging_redis, settings):
    settings.CACHE_RETRY_SECONDS = 0
    cache.get("first")
    started = time.monotonic()
    cache.get("second")  # the circuit has closed again, so this one waits for the timeout too
    assert time.monotonic() - started >= 0.4


@pytest.mark.django_db
@pytest.mark.usefixtures("unreachable_redis")
def test_pages_are_served_from_the_database_when_redis_is_unreachable(client, caplog):
    programme = ProgrammeFactory(title="Still here without Redis")

    with caplog.at_level(logging.WARNING, logger="pagecache.middleware"):
        pages = [
            client.get(reverse("programmes:detail", args=[programme.slug])),
            client.get(reverse("programmes:list")),
            client.get(reverse("home")),
        ]

    for response in pages:
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    assert "Still here without Redis" in pages[0].content.decode()
    warnings = [record for record in caplog.records if "page cache is unreachable" in record.getMessage()]
    assert len(warnings) == 1  # logged once; the cache is left alone until the retry time


@pytest.mark.django_db
@pytest.mark.usefixtures("unreachable_redis")
def test_editors_can_publish_and_stay_signed_in_when_redis_is_unreachable(content_editor):
    editor = Client()
    editor.force_login(content_editor)

    programme = ProgrammeFactory(title="Published during the outage")  # every write tries to version a table
    response = editor.get(reverse("programmes:detail", args=[programme.slug]))

    assert response.status_code == 200
    assert "Published during the outage" in response.content.decode()
    assert editor.get(reverse("admin:index")).status_code == 200  # the session came from the database


@pytest.fixture(scope="module")
def database_down_server(server_env, tmp_path_factory):
    env = server_env(DATABASE_URL=UNREACHABLE_DATABASE)
    with Gunicorn(env, tmp_path_factory.mktemp("database-down") / "gunicorn.log") as server:
        yield server


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("programmes:list"),
        reverse("programmes:list") + "?sort=deadline",
        reverse("programmes:detail", args=["leading-integrated-care"]),
        reverse("workstreams:detail", args=["leadership-and-management"]),
        reverse("search:results") + "?q=leadership",
    ],
)
def test_public_pages_answer_a_styled_503_when_the_database_is_unreachable(database_down_server, url):
    response = database_down_server.get(url)

    assert response.status == 503
    assert response.header("Retry-After") == "60"
    assert "no-store" in response.header("Cache-Control")
    page = response.text
    assert "<h1>Sorry, the site is temporarily unavailable</h1>" in page
    assert 'href="#main-content"' in page  # the site's own chrome: base.html rendered without the database
    assert '<link rel="stylesheet" href="/static/css/site.' in page


def test_the_api_answers_its_503_in_json_when_the_database_is_unreachable(database_down_server):
    response = database_down_server.get(reverse("api:programme-list"))

    assert response.status == 503
    assert response.header("Content-Type") == "application/json"
    assert response.header("Retry-After") == "60"
    assert json.loads(response.body) == {"detail": "The service is briefly unavailable. Try again shortly."}


def test_health_check_answers_503_when_the_database_is_unreachable(database_down_server):
    response = database_down_server.get(reverse("healthz"))

    assert response.status == 503
    assert json.loads(response.body)["database"] == "unavailable"


def recycling_gunicorn(server_env, tmp_path, *, max_requests: int) -> Gunicorn:
    """One worker, recycled after exactly `max_requests` requests, on its own SQLite database, logging each boot."""
    env = server_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_MAX_REQUESTS=str(max_requests),
        GUNICORN_MAX_REQUESTS_JITTER="0",
        GUNICORN_LOG_LEVEL="info",
    )
    return Gunicorn(env, tmp_path / "gunicorn.log", workers=1)


def test_gunicorn_recycles_each_worker_after_a_bounded_number_of_requests(server_env, tmp_path):
    defaults = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert 0 < defaults["max_requests"] <= 50_000  # bounded, but rare enough not to stall requests
    assert defaults["max_requests_jitter"] > 0  # workers do not all restart at the same moment

    with recycling_gunicorn(server_env, tmp_path, max_requests=5) as server:
        statuses = [server.get(reverse("healthz")).status for _ in range(12)]
    log = server.log()

    assert statuses == [200] * 12
    assert log.count("Autorestarting worker after current request") >= 2
    assert log.count("Booting worker with pid") >= 3


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, from /proc/<pid>/stat (after the name, which may hold spaces)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads a worker's CPU time from /proc")
def test_a_recycled_worker_is_forked_ready_to_serve_without_loading_django_again(server_env, tmp_path):
    # Loading Django, the views and the templates takes a worker about a CPU second, which the requests meeting
    # a recycled worker waited for (the loadtest's p99 stalls). A worker forked from the loaded master does not.
    with recycling_gunicorn(server_env, tmp_path, max_requests=3) as server:
        # The start-up probe was the first worker's first request; its third recycles it.
        statuses = [server.get(reverse("healthz")).status for _ in range(3)]
        recycled = int(re.findall(r"Booting worker with pid: (\d+)", server.log())[-1])
        cpu = cpu_seconds(recycled)

    assert statuses == [200] * 3
    assert server.log().count("Autorestarting worker after current request") == 1
    assert cpu < 0.3, f"the recycled worker used {cpu:.2f} s of CPU to boot and answer one request"


@pytest.fixture(scope="module")
def database_hangs_server(server_env, tmp_path_factory):
    """Production settings with a PostgreSQL address that accepts connections and never answers."""
    with StallingServer() as database:
        env = server_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{database.port}/hangs")
        with Gunicorn(env, tmp_path_factory.mktemp("database-hangs") / "gunicorn.log", workers=1) as server:
            yield server


@pytest.mark.parametrize("url", [reverse("healthz"), reverse("programmes:list"), reverse("api:programme-list")])
def test_a_database_that_never_answers_gives_a_503_within_seconds(database_hangs_server, url):
    """Issue 22, item 2: gunicorn used to kill the worker after 30 s, and the visitor saw a bare 500."""
    started = time.monotonic()
    response = database_hangs_server.get(url, timeout=20)

    assert response.status == 503
    assert time.monotonic() - started < 6  # DB_CONNECT_TIMEOUT is 3 s
