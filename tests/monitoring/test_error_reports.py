"""A server error reaches Sentry without personal data (a stub Sentry server on loopback)."""

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import brotli

from monitoring.errors import scrub_event

PROJECT_ROOT = Path(__file__).resolve().parents[2]

FAIL_AND_FLUSH = """
import django, sentry_sdk
django.setup()
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.monitoring.error_urls", ALLOWED_HOSTS=["testserver"]):
    response = Client(raise_request_exception=False).post(
        "/fail/?q=my+own+name",
        {"email": "visitor@example.org", "message": "Please call me about my health, it is private"},
        HTTP_USER_AGENT="visitor-agent",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
assert response.status_code == 500, response.status_code
sentry_sdk.flush(timeout=10)
"""


class StubSentry(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), StubSentryHandler)
        self.envelopes: list[bytes] = []


class StubSentryHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_a_server_error_arrives_at_sentry_without_personal_data(tmp_path):
    with StubSentry() as stub:
        threading.Thread(target=stub.serve_forever, daemon=True).start()
        env = {
            **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SENTRY_"))},
            "DJANGO_SETTINGS_MODULE": "hsmc_site.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{stub.server_address[1]}/1",
        }
        result = subprocess.run(
            [sys.executable, "-c", FAIL_AND_FLUSH], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
        )
        stub.shutdown()

    assert result.returncode == 0, result.stderr[-3000:]
    sent = b"\n".join(stub.envelopes).decode()
    events = [json.loads(line) for line in sent.splitlines() if '"exception"' in line]
    assert events, sent[:2000]
    assert "RuntimeError" in sent and "Could not handle the enquiry" in sent
    for private in ("visitor@example.org", "Please call me", "my+own+name", "my own name", "203.0.113.77"):
        assert private not in sent


def test_the_scrubber_masks_addresses_anywhere_and_drops_what_the_visitor_sent():
    event = {
        "request": {
            "url": "https://hsmc.example.ac.uk/contact/?email=a@b.org",
            "data": {"message": "private"},
            "cookies": {"sessionid": "x"},
            "headers": {"Cookie": "x", "User-Agent": "Firefox", "X-Forwarded-For": "203.0.113.7"},
        },
        "user": {"email": "staff@example.ac.uk"},
        "logentry": {"message": "Could not send to someone@example.nhs.uk"},
    }

    scrubbed = scrub_event(event)

    assert scrubbed["request"] == {"url": "https://hsmc.example.ac.uk/contact/", "headers": {"User-Agent": "Firefox"}}
    assert "user" not in scrubbed
    assert scrubbed["logentry"]["message"] == "Could not send to [removed]"
    assert scrubbed["tags"]["request_id"] == "-"
