import functools
import os
import secrets
from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from hsmc_site.roles import CONTENT_EDITORS, ENQUIRY_HANDLERS, PUBLISHERS

from .factories import UserFactory


@pytest.fixture(params=["memory", "redis"])
def shared_caches(request, settings):
    """The page cache and fragments in process memory and, where REDIS_URL is set (CI's PostgreSQL run), on
    Redis as production has them; the test runs once on each."""
    from pagecache import middleware

    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/<db>")
        redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": f"t-{secrets.token_hex(4)}"}
        settings.CACHES = {"default": {**redis, "OPTIONS": {"IGNORE_EXCEPTIONS": True}}, "pages": redis}
    middleware.breaker.reset()
    yield request.param
    if request.param == "redis":
        # This test's keys only: clear() empties the whole database, under the feet of parallel test workers.
        middleware.page_cache().delete_pattern("*")
    else:
        middleware.page_cache().clear()
    middleware.breaker.reset()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache so cached pages never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_search_log_outbox(monkeypatch):
    """Each test its own outbox for the search log (search/log.py), emptied when it ends: a search left waiting in
    the process would otherwise be sent by the outbox's thread seconds later, under another test's settings
    and on the thread's own database connection, outside every test's transaction."""
    from search import log

    outbox = log._Outbox()
    monkeypatch.setattr(log, "_outbox", outbox)
    yield
    outbox.forget()


def staff_group(name: str) -> Group:
    """A staff group made by a data migration; a transactional test before this one may have flushed it away.

    If so it is made again by those migrations' own code, run against the migrated state as `migrate` runs
    it (never against the live app registry, whose app configs the migrations briefly alter).
    """
    if not Group.objects.filter(name=name).exists():
        migrated = MigrationLoader(connection).project_state().apps
        import_module("hsmc_site.migrations.0001_staff_groups").create_groups(migrated, None)
        import_module("hsmc_site.migrations.0002_publishers").create_publishers(migrated, None)
        import_module("hsmc_site.migrations.0003_publishers_view_search_log").grant_search_log(migrated, None)
        import_module("sitecontent.migrations.0002_defaults_and_permissions").grant_permissions(migrated, None)
        import_module("alerts.migrations.0002_staff_see_demand").grant_demand(migrated, None)
    return Group.objects.get(name=name)


@pytest.fixture
def committed(db, django_capture_on_commit_callbacks):
    """`with committed():` runs, when the block ends, what its writes would run when they commit.

    A test runs in one transaction that never commits, and production does some work only on commit:
    search indexing (`search.signals`), e-mail.
    """
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def content_editor(db):
    return UserFactory(username="content-editor", groups=[staff_group(CONTENT_EDITORS)])


@pytest.fixture
def enquiry_handler(db):
    return UserFactory(username="enquiry-handler", groups=[staff_group(ENQUIRY_HANDLERS)])


@pytest.fixture
def publisher(db):
    return UserFactory(username="publisher", email="publisher@example.ac.uk", groups=[staff_group(PUBLISHERS)])


@pytest.fixture
def editor_client(client, content_editor):
    client.force_login(content_editor)
    return client


@pytest.fixture
def publisher_client(publisher):
    """A second browser, signed in as a publisher (usable beside `editor_client`)."""
    from django.test import Client

    client = Client()
    client.force_login(publisher)
    return client


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test in this process (tests/browsers.py)."""
    from .browsers import chromium

    yield from chromium()


def pytest_collection_modifyitems(config, items):
    """Run PostgreSQL-only tests there, skip them on SQLite, and fail CI if it silently isn't PostgreSQL."""
    import os

    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if os.environ.get("REQUIRE_POSTGRES") and not on_postgres:
        raise pytest.UsageError("REQUIRE_POSTGRES is set but DATABASE_URL does not point at PostgreSQL.")
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def task_worker(db, settings, monkeypatch):
    """`task_worker()` runs production's task queue (django-tasks-db) once through, as `make worker` would.

    The worker closes database connections between tasks, as a long-running process should; inside a
    test's transaction that would close the test's own connection, so here it does not.
    """
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)

    return run
