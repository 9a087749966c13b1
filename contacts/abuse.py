"""Spam and abuse defences for the enquiry form: time-to-submit tokens and a per-client rate limit."""

import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from security.clients import client_ip_address

logger = logging.getLogger(__name__)

_TOKEN_SALT = "contacts.enquiry-form.rendered-at"


def issue_form_token(*, at: float | None = None) -> str:
    """A signed record of when the form was shown; the visitor cannot forge an earlier time."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=_TOKEN_SALT)


def seconds_since_token(token: str, *, max_age: int) -> float:
    """Seconds since `issue_form_token` made `token`.

    Raises signing.SignatureExpired for a token older than max_age and signing.BadSignature
    for anything not made by us.
    """
    payload = signing.loads(token, salt=_TOKEN_SALT)
    try:
        elapsed = time.time() - float(payload["t"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BadSignature("Malformed form token.") from error
    if elapsed > max_age:
        raise signing.SignatureExpired(f"Form token is {elapsed:.0f} seconds old (max {max_age}).")
    return elapsed


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
    every process and host; if the cache is unreachable the form stays open (fail open) rather than
    turning every visitor away.
    """
    now = time.time() if now is None else now
    window_number = int(now // window)
    retry_after = max(1, math.ceil((window_number + 1) * window - now))
    digest = salted_hmac(f"ratelimit:{scope}", key, algorithm="sha256").hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window_number}"
    try:
        cache.add(cache_key, 0, timeout=window + 1)
        count = cache.incr(cache_key)
    except Exception:  # any cache outage: a missing counter must never block real visitors
        logger.warning("Rate-limit counter unavailable for %s; allowing the request.", scope, exc_info=True)
        return RateLimitResult(limited=False, retry_after=retry_after)
    if count is None:  # django-redis with IGNORE_EXCEPTIONS returns None when Redis is down
        return RateLimitResult(limited=False, retry_after=retry_after)
    return RateLimitResult(limited=count > limit, retry_after=retry_after)
