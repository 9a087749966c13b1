"""What of a request the page cache looks at: the same page for the same content, whatever the noise.

Before this, each new `?utm_source=` value rendered and stored a full page, a Host header with another
port or a reordered query string made a new entry, and any made-up session cookie skipped the cache
altogether: three ways to flood it or go round it.
"""

from __future__ import annotations

import re
from importlib import import_module

from django.conf import settings
from django.http import QueryDict
from django.http.request import split_domain_port
from django.utils.http import urlencode

# Parameters that campaign and click trackers add to links: they never change what a page shows.
TRACKING_PARAMETERS = frozenset(
    {
        "gclid",
        "gclsrc",
        "gbraid",
        "wbraid",
        "dclid",
        "fbclid",
        "msclkid",
        "twclid",
        "ttclid",
        "yclid",
        "igshid",
        "li_fat_id",
        "mkt_tok",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
    }
)
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "mtm_")
# What Django's session engines issue (get_random_string(32) of lowercase letters and digits).
_SESSION_KEY_RE = re.compile(r"[a-z0-9]{32}")


def is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def strip_tracking_parameters(request) -> None:
    """Take tracking parameters out of the request, so that neither the cache key nor the page holds them.

    Views, pagination and filter links read `request.GET`; the key reads the query string: both lose them.
    """
    query_string = request.META.get("QUERY_STRING", "")
    if not query_string:
        return
    query = QueryDict(query_string)
    kept = [(name, value) for name, values in query.lists() if not is_tracking_parameter(name) for value in values]
    if len(kept) == sum(len(values) for values in query.lists()):
        return
    request.META["QUERY_STRING"] = urlencode(kept)
    request.GET = QueryDict(request.META["QUERY_STRING"])


def key_url(request) -> str:
    """The request's address as the cache sees it: host without port, parameters in a stable order.

    A parameter's repeated values keep their order (`?topic=a&topic=b` is not `?topic=b&topic=a` to
    every view), but parameters are sorted by name.
    """
    domain, _port = split_domain_port(request.get_host())
    query = sorted(request.GET.lists(), key=lambda item: item[0])
    query_string = urlencode([(name, value) for name, values in query for value in values])
    return f"{request.scheme}://{domain}{request.path}" + (f"?{query_string}" if query_string else "")


def forget_unknown_session(request) -> None:
    """Drop a session cookie that names no session, so the request counts as anonymous.

    Anyone can send a made-up cookie; it must not buy a fresh render of every page. A well-formed key
    costs one session-store lookup (the cache first, with cached_db); anything else none.
    """
    name = settings.SESSION_COOKIE_NAME
    session_key = request.COOKIES.get(name)
    if session_key is None:
        return
    if _SESSION_KEY_RE.fullmatch(session_key) and _session_store().exists(session_key):
        return
    del request.COOKIES[name]


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore()
