"""Two processes, as in production: the web server queues an enquiry's e-mails, the task worker sends them.

PostgreSQL (the queue is a table in it, django-tasks-db) and a local SMTP sink; runs in CI's PostgreSQL run.
"""

import re
import subprocess
import sys
import time

import pytest
from django.urls import reverse

from contacts.models import Enquiry
from tests.mailservers import SMTPSink

from .servers import PROJECT_ROOT, Gunicorn
from .test_two_servers import Editor, database_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),  # the server and the worker must see what the test commits
]


def test_the_worker_delivers_what_the_web_server_queued(server_env, tmp_path):
    with SMTPSink() as sink:
        env = server_env(
            DATABASE_URL=database_url(),
            TASKS_BACKEND="database",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            EMAIL_USE_TLS="false",
            ENQUIRY_MIN_SECONDS="0",
            ENQUIRY_FALLBACK_EMAIL="enquiries@example.ac.uk",
        )
        visitor = Editor()
        with Gunicorn(env, tmp_path / "web.log", workers=1) as web:
            contact = reverse("contacts:contact")
            page = visitor.request(web, "GET", contact).text
            form = {
                "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1),
                "rendered_at": re.search(r'name="rendered_at" value="([^"]+)"', page).group(1),
                "name": "Sam Commissioner",
                "email": "sam@example.nhs.uk",
                "kind": "other",
                "message": "Could we talk about a programme for our managers?",
                "consent": "on",
            }
            started = time.monotonic()
            response = visitor.request(web, "POST", contact, form=form)
            answered_in = time.monotonic() - started

        assert response.status == 302, response.text[:2000]
        enquiry = Enquiry.objects.get()
        assert enquiry.notification_status == Enquiry.Notification.PENDING  # queued, not sent by the web server
        assert sink.messages == []

        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2", "--no-startup-delay"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while len(sink.messages) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            worker.terminate()
            _out, worker_log = worker.communicate(timeout=30)

    assert sorted(tuple(to) for to, _message in sink.messages) == [
        ("enquiries@example.ac.uk",),
        ("sam@example.nhs.uk",),
    ], worker_log[-3000:]
    enquiry.refresh_from_db()
    assert enquiry.notification_status == enquiry.acknowledgement_status == Enquiry.Notification.SENT
    assert answered_in < 1.0
