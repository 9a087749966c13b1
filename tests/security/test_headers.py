"""Every response carries the security headers; production adds HTTPS enforcement and hardened cookies.

The production tests run Django in a subprocess with DJANGO_ENV=production, because those settings are
decided when the settings module is imported. A TLS-terminating proxy is simulated with
X-Forwarded-Proto, as the real one in front of gunicorn sends it.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest
from django.urls import reverse

from tests.hsmc_site.test_settings import PRODUCTION_ENV, PROJECT_ROOT

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
FEATURES_OFF = ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")

# Run inside the production subprocess: a throwaway SQLite database, a staff member, and the responses
# to a few requests, printed as JSON.
PRODUCTION_PROBE = textwrap.dedent(
    """
    import json
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from django.contrib.auth import get_user_model
    from django.test import Client

    get_user_model().objects.create_user("editor", password="a-long-staff-password-1", is_staff=True)
    https = {"HTTP_X_FORWARDED_PROTO": "https"}
    host = {"HTTP_HOST": "hsmc.example.ac.uk"}
    client = Client(**host)

    def record(response):
        return {
            "status": response.status_code,
            "headers": dict(response.headers),
            "cookies": [morsel.OutputString() for morsel in response.cookies.values()],
        }

    results = {
        "home_https": record(client.get("/", **https)),
        "home_http": record(client.get("/programmes/?page=2")),
        "healthz_http": record(client.get("/healthz")),
        "login_page": record(client.get("/admin/login/", **https)),
        "static_file": record(client.get("/static/css/site.css", **https)),
    }
    csrf = client.cookies["__Host-csrftoken"].value
    results["login"] = record(
        client.post(
            "/admin/login/",
            {
                "username": "editor",
                "password": "a-long-staff-password-1",
                "csrfmiddlewaretoken": csrf,
                "next": "/admin/",
            },
            HTTP_REFERER="https://hsmc.example.ac.uk/admin/login/",
            **https,
        )
    )
    results["admin_index"] = record(client.get("/admin/", **https))
    print(json.dumps(results))
    """
)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith(("SECURE_", "STAFF_", "AXES_"))
    }
    workdir = tmp_path_factory.mktemp("production")
    env.update(
        PRODUCTION_ENV,
        DJANGO_SETTINGS_MODULE="hsmc_site.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        STATIC_ROOT=str(workdir / "static"),
        LOG_LEVEL="ERROR",
        STAFF_2FA_REQUIRED="true",
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_every_security_header_over_https(production):
    headers = production["home_https"]["headers"]
    assert production["home_https"]["status"] == 200
    assert headers["Content-Security-Policy"] == EXPECTED_CSP
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-site"
    assert headers["X-Frame-Options"] == "DENY"
    policy = headers["Permissions-Policy"]
    for feature in FEATURES_OFF:
        assert f"{feature}=()" in policy


def test_production_csp_has_no_unsafe_sources(production):
    csp = production["home_https"]["headers"]["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "nonce-" not in csp  # public pages need no nonce at all


def test_production_redirects_plain_http_to_https_with_a_permanent_redirect(production):
    response = production["home_http"]
    assert response["status"] == 301
    assert response["headers"]["Location"] == "https://hsmc.example.ac.uk/programmes/?page=2"
    assert "Strict-Transport-Security" not in response["headers"]  # HSTS only ever over HTTPS


def test_production_health_check_answers_plain_http_for_load_balancers(production):
    assert production["healthz_http"]["status"] == 200


def test_production_cookies_are_secure_httponly_samesite_and_host_only(production):
    csrf_cookie = next(c for c in production["login_page"]["cookies"] if c.startswith("__Host-csrftoken="))
    session_cookie = next(c for c in production["login"]["cookies"] if c.startswith("__Host-sessionid="))
    for cookie in (csrf_cookie, session_cookie):
        flags = [flag.strip().lower() for flag in cookie.split(";")[1:]]
        assert "secure" in flags
        assert "httponly" in flags
        assert "samesite=lax" in flags
        assert "path=/" in flags
        assert not any(flag.startswith("domain=") for flag in flags)


def test_production_staff_password_alone_does_not_open_the_admin(production):
    assert production["login"]["status"] == 302
    assert production["login"]["headers"]["Location"] == "/admin/"
    # Two-factor sign-in is on by default in production: the admin asks for the second step first.
    admin_index = production["admin_index"]
    assert admin_index["status"] == 302
    assert admin_index["headers"]["Location"] == "/admin/two-factor/?next=%2Fadmin%2F"


# In every environment (development and tests too, so violations show up early).


def test_every_environment_sends_the_strict_csp_and_permissions_policy(client, db):
    response = client.get(reverse("home"))
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_static_files_carry_the_security_headers_too(production):
    response = production["static_file"]
    assert response["status"] == 200
    assert response["headers"]["Content-Security-Policy"] == EXPECTED_CSP
    assert response["headers"]["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" in response["headers"]


def test_admin_csp_adds_only_a_nonce_and_hashed_style_attributes(client, db):
    response = client.get(reverse("admin:login"))
    csp = response["Content-Security-Policy"]
    directives = dict(part.split(" ", 1) for part in csp.split("; "))
    # The nonce admits the formatted-text editor's import map; the hash, the editor's one <style> block.
    assert re.fullmatch(r"'self' 'nonce-[\w-]+'", directives["script-src"])
    assert re.fullmatch(r"'self' 'nonce-[\w-]+' 'sha256-[\w+/=]+'", directives["style-src"])
    assert directives["style-src-attr"].startswith("'unsafe-hashes' 'sha256-")
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == "'none'"


def test_public_pages_do_not_get_the_admin_exceptions(client, db):
    csp = client.get(reverse("home"))["Content-Security-Policy"]
    assert "nonce-" not in csp and "style-src-attr" not in csp


def test_anonymous_pages_set_no_cookie_and_do_not_vary_on_cookie(client, db):
    response = client.get(reverse("home"))
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_security_txt_says_where_to_report_a_vulnerability(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@example.ac.uk"
    response = client.get(reverse("security-txt"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@example.ac.uk"
    assert fields["Canonical"] == f"{settings.SITE_URL}/.well-known/security.txt"
    expires = datetime.datetime.fromisoformat(fields["Expires"])
    assert datetime.timedelta(days=30) < expires - datetime.datetime.now(datetime.UTC) < datetime.timedelta(days=365)
