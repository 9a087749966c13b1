import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import path, reverse
from lxml import html as lxml_html

from hsmc_site import urls as project_urls
from hsmc_site import views

from .test_settings import PROJECT_ROOT, run_django


def test_healthz_reports_ok_when_database_answers(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_503_when_database_is_unreachable():
    # A real connection attempt to a port where no database listens.
    result = run_django(
        "from django.test import Client; r = Client().get('/healthz'); print(r.status_code, r.content.decode())",
        DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere?connect_timeout=2",
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert '"database": "unavailable"' in body


def test_unknown_page_renders_styled_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content
    assert 'href="#main-content"' in content  # the base template's skip link
    assert '<main id="main-content"' in content


def raise_error(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", raise_error), *project_urls.urlpatterns]
handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_renders_styled_500(client, db):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "something went wrong on our side" in content
    assert 'lang="en-GB"' in content


@pytest.mark.parametrize(
    ("handler", "status", "text"),
    [
        (views.bad_request, 400, "could not understand that request"),
        (views.permission_denied, 403, "you cannot see this page"),
    ],
)
def test_error_handlers_render_with_base_template(rf, db, handler, status, text):
    request = rf.get("/")
    response = handler(request, Exception())
    assert response.status_code == status
    content = response.content.decode()
    assert text in content
    assert "Skip to main content" in content


def test_base_template_has_landmarks_navigation_and_search(client, db):
    content = client.get(reverse("home")).content.decode()
    for landmark in ("<header", '<nav class="site-nav" aria-label="Main"', "<main", "<footer"):
        assert landmark in content
    for label in ("Programmes", "Research", "People", "Work streams", "Contact"):
        assert f">{label}</a>" in content
    assert 'role="search"' in content
    assert '<meta name="description"' in content


@pytest.mark.parametrize(
    ("url_name", "section"),
    [("programmes:list", "Programmes"), ("research:list", "Research"), ("faculty:list", "People"), ("home", None)],
)
def test_main_navigation_marks_the_section_of_each_page(client, db, url_name, section):
    tree = lxml_html.fromstring(client.get(reverse(url_name)).content)

    current = tree.xpath('//nav[@aria-label="Main"]//a[@aria-current="page"]/text()')

    assert current == ([section] if section else [])


def test_static_files_resolve_through_the_manifest(tmp_path):
    env_code = (
        "from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0); "
        "from django.templatetags.static import static; print(static('css/site.css'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {env_code}"],
        cwd=PROJECT_ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "hsmc_site.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": "test-only-secret-key-for-the-manifest-check-0123456789abcdef",
            "ALLOWED_HOSTS": "hsmc.example.ac.uk",
            "STATIC_ROOT": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    hashed = result.stdout.strip()
    assert hashed.startswith("/static/css/site.") and hashed.endswith(".css")
    assert hashed != "/static/css/site.css"
    assert (tmp_path / hashed.removeprefix("/static/")).exists()
    assert (tmp_path / (hashed.removeprefix("/static/") + ".br")).exists()
