"""Production logs, as gunicorn writes them: one JSON object per line, tied to responses by request id."""

import json
import runpy

from django.urls import reverse

from .servers import PROJECT_ROOT, Gunicorn


def test_production_writes_one_json_line_per_request_with_its_id(server_env, tmp_path):
    env = server_env(LOG_LEVEL="INFO", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with Gunicorn(env, tmp_path / "gunicorn.log", workers=1) as server:
        response = server.get(reverse("healthz"), headers={"X-Request-ID": "probe-000000000042"})
        missing = server.get("/no-such-page/")
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]

    assert response.header("X-Request-ID") == "probe-000000000042"
    [health] = [line for line in lines if line["request_id"] == "probe-000000000042"]
    assert health["logger"] == "monitoring.requests" and health["status"] == 200
    for_missing = [line for line in lines if line["request_id"] == missing.header("X-Request-ID")]
    # The database is empty (never migrated), so the footer's centre details fall back to the settings,
    # which is said once, at WARNING, with the same request id.
    loggers = {line["logger"] for line in for_missing}
    assert loggers - {"publishing.centre"} == {"monitoring.requests", "django.request"}
    assert all(line.startswith("{") for line in server.log().splitlines() if "GET /" in line)


def test_gunicorn_leaves_the_access_log_to_django_unless_asked(monkeypatch):
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    assert runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["accesslog"] is None
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")
    assert runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["accesslog"] == "-"
