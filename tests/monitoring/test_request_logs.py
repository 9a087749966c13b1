"""Each request gets an id, sent back as X-Request-ID, and one log line; production logs are JSON."""

import json
import logging

import pytest
from django.urls import reverse

from monitoring.logs import JsonFormatter, RequestIdFilter
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines(caplog):
    """The request log's records, stamped with the request id as the configured handlers stamp them."""
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="monitoring.requests")  # production's level

    def lines(logger="monitoring.requests"):
        return [json.loads(JsonFormatter().format(record)) for record in caplog.records if record.name == logger]

    return lines


def test_every_response_carries_a_request_id_that_its_log_line_shares(client, request_lines):
    response = client.get(reverse("programmes:list"), {"q": "someone's name"})

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = request_lines()
    assert line["request_id"] == request_id
    assert line["method"] == "GET"
    assert line["path"] == reverse("programmes:list")  # never the query string: it holds what people typed
    assert "someone" not in json.dumps(line)
    assert line["status"] == 200
    assert line["duration_ms"] > 0
    assert line["level"] == "INFO"


def test_the_line_says_whether_the_page_came_from_the_page_cache(client, settings, request_lines):
    settings.PAGE_CACHE_ENABLED = True
    url = reverse("programmes:detail", args=[ProgrammeFactory().slug])
    client.get(url)
    client.get(url)

    assert [line["cache"] for line in request_lines()] == ["miss", "hit"]


def test_an_id_from_the_load_balancer_is_kept_and_a_malformed_one_replaced(client, request_lines):
    kept = client.get(reverse("home"), headers={"x-request-id": "lb-7f3a9c1e-0001"})
    replaced = client.get(reverse("home"), headers={"x-request-id": "x\r\nfake: log line"})

    assert kept["X-Request-ID"] == "lb-7f3a9c1e-0001"
    assert replaced["X-Request-ID"] != "x\r\nfake: log line" and len(replaced["X-Request-ID"]) == 32


def test_other_records_made_during_the_request_carry_its_id(client, request_lines):
    response = client.get("/no-such-page/")

    [not_found] = request_lines(logger="django.request")
    assert not_found["request_id"] == response["X-Request-ID"]
    assert not_found["level"] == "WARNING"


def test_json_lines_hold_the_exception_and_records_outside_a_request_say_so():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("here",), exc_info=True)
        import sys

        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "failed here"
    assert line["request_id"] == "-"
    assert "ValueError: boom" in line["exception"]
