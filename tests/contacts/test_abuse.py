import os
import uuid

import pytest
from django.core import signing
from django.test import RequestFactory

from contacts.abuse import (
    FormTokenElsewhere,
    client_address,
    hit_rate_limit,
    issue_form_token,
    seconds_since_token,
    spend_form_token,
)


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("", "unknown"),
    ],
)
def test_client_address_groups_ipv6_by_network(remote, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)

    assert client_address(request) == expected


def test_form_token_measures_time_since_it_was_issued():
    token = issue_form_token(at=1_000_000_000.0)

    with pytest.raises(signing.SignatureExpired):
        seconds_since_token(token, max_age=60)
    assert seconds_since_token(issue_form_token(), max_age=60) < 5


def test_form_token_cannot_be_forged_to_look_older():
    value, signature = issue_form_token().split(":", 1)
    older = signing.b64_encode(b'{"t":0}').decode()

    with pytest.raises(signing.BadSignature):
        seconds_since_token(f"{older}:{signature}", max_age=10**10)


def test_rate_limit_allows_up_to_the_limit_in_a_window():
    key = f"test-{uuid.uuid4()}"
    results = [hit_rate_limit(scope="t", key=key, limit=3, window=600, now=1200.0).limited for _ in range(4)]

    assert results == [False, False, False, True]
    # The next window starts afresh.
    assert hit_rate_limit(scope="t", key=key, limit=3, window=600, now=1800.0).limited is False


def test_rate_limit_says_when_to_retry():
    result = hit_rate_limit(scope="t", key="k", limit=0, window=600, now=1250.0)

    assert result.limited
    assert result.retry_after == 550


def test_rate_limit_counts_in_this_process_when_the_cache_raises(monkeypatch):
    """Issue 22, item 10: with the cache down the limit used to turn off."""
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    key = f"client-{uuid.uuid4()}"

    results = [hit_rate_limit(scope="t", key=key, limit=2, window=600).limited for _ in range(3)]
    assert results == [False, False, True]


def test_rate_limit_counts_in_this_process_when_redis_is_unreachable(settings):
    """django-redis, told to ignore an outage, answers None instead of raising."""
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    settings.CACHES = {"default": {**redis, "OPTIONS": {**settings.REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True}}}
    key = f"client-{uuid.uuid4()}"

    results = [hit_rate_limit(scope="t", key=key, limit=1, window=600).limited for _ in range(2)]
    assert results == [False, True]


def test_a_form_token_is_accepted_once(settings):
    token = issue_form_token()
    assert spend_form_token(token, max_age=60) is True
    assert spend_form_token(token, max_age=60) is False
    assert spend_form_token(issue_form_token(), max_age=60) is True


def test_a_form_token_is_spent_once_even_while_redis_is_unreachable(settings):
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    settings.CACHES = {"default": {**redis, "OPTIONS": {**settings.REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True}}}
    token = issue_form_token()
    assert [spend_form_token(token, max_age=60) for _ in range(2)] == [True, False]


def test_a_form_token_belongs_to_the_browser_it_was_issued_to():
    token = issue_form_token(browser="csrf-secret-of-browser-a")
    assert seconds_since_token(token, browser="csrf-secret-of-browser-a", max_age=60) < 5
    with pytest.raises(FormTokenElsewhere):
        seconds_since_token(token, browser="csrf-secret-of-browser-b", max_age=60)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/N")
def test_rate_limit_is_shared_by_processes_through_redis(settings):
    """Two separate cache connections (as two gunicorn workers would have) see one counter."""
    from django.core.cache import caches

    prefix = f"hsmc-test-{uuid.uuid4().hex}"
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ["REDIS_URL"], "KEY_PREFIX": prefix}
    settings.CACHES = {"default": redis, "other": dict(redis)}
    key = f"client-{uuid.uuid4()}"
    first = hit_rate_limit(scope="t", key=key, limit=1, window=60)
    # The same counter, reached through a second, independent connection pool.
    other = caches["other"]
    assert other.get(next(iter(other.keys("*ratelimit:t:*")))) == 1
    second = hit_rate_limit(scope="t", key=key, limit=1, window=60)

    assert (first.limited, second.limited) == (False, True)
    caches["default"].delete_pattern("*")
