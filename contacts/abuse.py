"""Spam and abuse defences for the enquiry form: time-to-submit tokens and a per-client rate limit.

Both keep their state in the shared cache (Redis in production), so that they hold across processes and
hosts. Should it be unreachable, they fall back to this process's memory: weaker than shared, but not
off, as a flood during a Redis outage would otherwise meet no limit at all.
"""

import hashlib
import ipaddress
import logging
import math
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac

from security.clients import client_ip_address

logger = logging.getLogger(__name__)

_TOKEN_SALT = "contacts.enquiry-form.rendered-at"
# This process's stand-in for the shared cache while that is unreachable.
_local = LocMemCache("contacts.abuse.fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


class FormTokenElsewhere(signing.BadSignature):
    """A genuine token, but issued to another browser (another CSRF cookie) than the one sending it."""


def _binding(browser: str) -> str:
    return salted_hmac(_TOKEN_SALT, browser, algorithm="sha256").hexdigest()[:16]


def issue_form_token(*, browser: str = "", at: float | None = None) -> str:
    """A signed record of when the form was shown, and to which browser (its CSRF secret).

    The visitor cannot forge an earlier time, nor use the token from another browser, and
    `spend_form_token` accepts it once.
    """
    payload = {"t": time.time() if at is None else at, "b": _binding(browser), "n": secrets.token_urlsafe(9)}
    return signing.dumps(payload, salt=_TOKEN_SALT)


def seconds_since_token(token: str, *, browser: str = "", max_age: int) -> float:
    """Seconds since `issue_form_token` made `token` for `browser`.

    Raises signing.SignatureExpired for a token older than max_age, FormTokenElsewhere for one issued
    to another browser, and signing.BadSignature for anything not made by us.
    """
    payload = signing.loads(token, salt=_TOKEN_SALT)
    try:
        elapsed = time.time() - float(payload["t"])
        bound_to = str(payload["b"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("Malformed form token.") from error
    if elapsed > max_age:
        raise signing.SignatureExpired(f"Form token is {elapsed:.0f} seconds old (max {max_age}).")
    if not constant_time_compare(bound_to, _binding(browser)):
        raise FormTokenElsewhere("Form token issued to another browser.")
    return elapsed


def spend_form_token(token: str, *, max_age: int) -> bool:
    """Mark `token` used; False if it already was. Kept for as long as the token could be accepted."""
    key = "enquiry-form-token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    try:
        first = cache.add(key, 1, timeout=max_age + 60)
    except Exception:
        first = None
    if first is None:  # the shared cache is unreachable (django-redis answers None when told to ignore that)
        first = _local.add(key, 1, timeout=max_age + 60)
    return bool(first)


def client_address(request: HttpRequest) -> str:
    """The key a rate limit counts by: the client's address (see security.clients.client_ip_address).

    IPv6 clients are grouped by /64, the block one household or host usually controls, so rotating
    through the addresses of one network does not reset the count.
    """
    address = client_ip_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class RateLimitResult:
    limited: bool
    retry_after: int  # seconds until the current window ends


def hit_rate_limit(*, scope: str, key: str, limit: int, window: int, now: float | None = None) -> RateLimitResult:
    """Count one attempt for `key` in a fixed window, in the shared cache; limited once over `limit`.

    The cache key holds a keyed hash, never the raw address. With Redis the counter is shared by
    every process and host; while the cache is unreachable each process counts on its own, which still
    bounds a flood without turning real visitors away.
    """
    now = time.time() if now is None else now
    window_number = int(now // window)
    retry_after = max(1, math.ceil((window_number + 1) * window - now))
    digest = salted_hmac(f"ratelimit:{scope}", key, algorithm="sha256").hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window_number}"
    try:
        cache.add(cache_key, 0, timeout=window + 1)
        count = cache.incr(cache_key)
    except Exception:
        logger.warning("Shared rate-limit counter unavailable for %s; counting in this process.", scope, exc_info=True)
        count = None
    if count is None:  # an outage (django-redis with IGNORE_EXCEPTIONS answers None rather than raising)
        _local.add(cache_key, 0, timeout=window + 1)
        count = _local.incr(cache_key)
    return RateLimitResult(limited=count > limit, retry_after=retry_after)
