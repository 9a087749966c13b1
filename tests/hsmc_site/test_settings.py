"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-random-test-secret-key-that-is-not-used-anywhere-else-0123456789",
    "ALLOWED_HOSTS": "hsmc.example.ac.uk",
}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "REDIS_URL"}
    }
    clean_env.update(env, DJANGO_SETTINGS_MODULE="hsmc_site.settings")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=PROJECT_ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_development_defaults_to_sqlite_file_in_project_folder():
    result = run_django("from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['NAME'])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", str(PROJECT_ROOT / "db.sqlite3")]


def test_database_url_selects_postgresql():
    result = run_django(
        "from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
        DATABASE_URL="postgres://someone@db.internal:5432/catalogue",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["hsmc_site.postgresql", "catalogue", "db.internal"]


def test_postgresql_prepares_the_statements_a_connection_repeats_unless_told_not_to():
    code = (
        "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS'];"
        " print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    url = "postgres://someone@db.internal:5432/catalogue"
    prepared = run_django(code, DATABASE_URL=url)
    behind_a_pooler = run_django(code, DATABASE_URL=url, DB_PREPARED_STATEMENTS="off")
    assert prepared.returncode == 0 and behind_a_pooler.returncode == 0, prepared.stderr + behind_a_pooler.stderr
    assert prepared.stdout.split() == ["True", "5"]
    assert behind_a_pooler.stdout.split() == ["None", "None"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_query_that_a_connection_runs_again_and_again_is_planned_once():
    from django.db import connection

    from programmes.models import Programme

    for _ in range(6):  # a page's own query, with a new time for published() each time
        list(Programme.objects.published().filter(slug="the-same-page"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("programmes_programme" in statement and "slug" in statement for statement in prepared), prepared


def test_redis_url_selects_redis_cache():
    result = run_django(
        "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django_redis.cache.RedisCache", "redis://127.0.0.1:6379/3"]


def test_redis_replies_are_parsed_by_hiredis():
    """Every page reads its fragments in one MGET; redis-py's pure-Python parser costs a third more CPU."""
    result = run_django(
        "from django.core.cache import caches; "
        "pool = caches['pages'].client.get_client().connection_pool; "
        "print(type(pool.make_connection()._parser).__name__)",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["_HiredisParser"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secret(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run_django("print('started')", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set" in result.stderr
    assert "started" not in result.stdout


def test_production_turns_debug_off_and_uses_hashed_static_files():
    result = run_django(
        "from django.conf import settings as s; print(s.DEBUG, s.STORAGES['staticfiles']['BACKEND'])",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_production_compiles_each_template_once_per_process():
    # Parsing a template on every request would cost more than rendering it.
    result = run_django(
        "from django.template import engines; print(engines['django'].engine.loaders[0][0])", **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.template.loaders.cached.Loader"


def test_check_deploy_is_clean_under_production_settings():
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a real deployment never has it.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="hsmc_site.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
