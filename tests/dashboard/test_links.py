"""check_links: links to other sites in published records, asked once each, the broken ones on the dashboard."""

import http.server
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from dashboard.links import problem_with
from dashboard.models import BrokenLink
from publishing.models import Status
from sitecontent.models import CentreDetails
from tests.factories import OrganisationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, body: bool) -> None:
        if self.path == "/stalls":
            time.sleep(3)
        status = {"/ok": 200, "/gone": 404, "/no-head": 405 if self.command == "HEAD" else 200}.get(self.path, 200)
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_site(settings):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = True  # the stand-in for another site is on loopback
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_each_kind_of_answer_is_described(other_site):
    assert problem_with(f"{other_site}/ok") is None
    assert problem_with(f"{other_site}/no-head") is None  # HEAD refused, GET served
    assert problem_with(f"{other_site}/gone") == "answered 404 Not Found"
    assert problem_with(f"{other_site}/stalls", timeout=0.5) == "did not answer in time"


def test_private_addresses_are_not_asked_unless_allowed(settings):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = False
    assert problem_with("http://127.0.0.1:9/") == "not checked: it points into a private network"


def test_check_links_stores_the_broken_ones_and_the_dashboard_lists_them(other_site, content_editor, client):
    CentreDetails.objects.update(privacy_notice="")  # its link to ico.org.uk is not this test's business
    programme = ProgrammeFactory(
        title="Linked programme",
        apply_url=f"{other_site}/gone",
        overview=f"Read more at {other_site}/ok and {other_site}/gone.",
    )
    ProgrammeFactory(status=Status.DRAFT, apply_url=f"{other_site}/gone")  # drafts are not checked
    OrganisationFactory(website=f"{other_site}/ok")
    out = io.StringIO()

    call_command("check_links", "--timeout", "2", stdout=out)

    assert "Checked 2 address(es); 1 broken, in 2 place(s)." in out.getvalue()
    assert sorted(BrokenLink.objects.values_list("field", flat=True)) == ["apply_url", "overview"]
    client.force_login(content_editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'Broken links to other sites <span class="staff-dashboard__count">(2)</span>' in page
    assert reverse("admin:programmes_programme_change", args=[programme.pk]) in page

    programme.apply_url = ""
    programme.overview = ""
    programme.save()
    call_command("check_links", stdout=io.StringIO())
    assert not BrokenLink.objects.exists()  # each run replaces the last one's findings


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_an_editor_can_ask_for_a_check_from_the_dashboard_without_waiting(content_editor, enquiry_handler, client):
    client.force_login(content_editor)
    assert "Check links now" in client.get(reverse("admin:index")).content.decode()
    response = client.post(reverse("admin:check_links"), follow=True)
    assert "Links to other sites are being checked" in response.content.decode()
    assert DBTaskResult.objects.filter(task_path="dashboard.tasks.check_links_now").count() == 1

    handler = Client()
    handler.force_login(enquiry_handler)  # edits no content: no button, and no check
    assert handler.post(reverse("admin:check_links")).status_code == 403
    assert client.get(reverse("admin:check_links")).status_code == 405
