"""The client's address, as seen through the reverse proxies we trust (django-axes and rate limits use it)."""

import ipaddress

from django.conf import settings


def client_ip_address(request) -> str:
    """The address of the client, as seen by the outermost proxy we trust.

    With TRUSTED_PROXY_COUNT = 0 (no proxy) that is REMOTE_ADDR. Behind N proxies that each append the
    address they received from to X-Forwarded-For, it is the N-th entry from the right: anything further
    left was written by the client and may be forged. Used by django-axes and by rate limits.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
