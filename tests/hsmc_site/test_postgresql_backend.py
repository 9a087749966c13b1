"""The PostgreSQL backend's health check, skipped for a connection used a moment ago (hsmc_site.postgresql)."""

import pytest
from django.db import connections

from hsmc_site.postgresql import base

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
connection = connections["default"]


@pytest.fixture
def checks(monkeypatch):
    done = []
    is_usable = base.DatabaseWrapper.is_usable
    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", lambda self: done.append(1) or is_usable(self))
    return done


def next_request():
    """What Django does between two requests (request_finished, request_started): the connection is kept."""
    connection.close_if_unusable_or_obsolete()


def query() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def test_a_connection_used_a_moment_ago_is_not_checked_again(checks):
    query()
    next_request()
    query()
    assert checks == []


def test_a_connection_unused_for_longer_is_checked_and_replaced_if_postgresql_dropped_it(checks):
    query()
    next_request()
    connection.last_used -= base.HEALTH_CHECK_IDLE_SECONDS
    query()
    assert checks == [1]

    dropped = connection.connection
    other = connection.get_new_connection(connection.get_connection_params())
    try:  # PostgreSQL ends the session, as a restart or an idle timeout on the way would
        other.execute("SELECT pg_terminate_backend(%s)", [dropped.info.backend_pid])
    finally:
        other.close()
    next_request()
    connection.last_used -= base.HEALTH_CHECK_IDLE_SECONDS
    assert query() == 1  # a new connection: the visitor never saw the dropped one
    assert connection.connection is not dropped
