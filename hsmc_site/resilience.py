"""What visitors see when the database is unreachable: a styled 503 that asks them to come back, not a 500.

Django turns an exception raised anywhere in a request (a view, a template, a middleware) into a call to
`handler500` while the exception is being handled. `server_error` looks at that exception: a lost or
refused database connection answers 503 with Retry-After, so load balancers, CDNs and crawlers know the
outage is temporary; anything else is the ordinary styled 500.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

from . import views
from .context_processors import site_defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
# The last resort, should the styled page itself fail to render.
PLAIN_503 = (
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Service unavailable</title></head>'
    "<body><main><h1>Sorry, the site is temporarily unavailable</h1>"
    "<p>Please try again in a few minutes.</p></main></body></html>"
)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True when the database refused, dropped or timed out a connection (also as the cause of another error)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def service_unavailable(request=None) -> HttpResponse:
    """The styled 503 page, rendered from settings alone: no request context, so no session or query.

    The JSON API answers in JSON, with the same Retry-After.
    """
    if views.answers_in_json(request):
        response = JsonResponse({"detail": "The service is briefly unavailable. Try again shortly."}, status=503)
    else:
        response = HttpResponse(styled_503_body(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def styled_503_body() -> str:
    try:
        body = loader.get_template("503.html").render(site_defaults())
    except Exception:
        logger.exception("The styled 503 page failed to render; sending the plain one.")
        body = PLAIN_503
    return body


def server_error(request):
    """handler500: 503 when the database is unavailable, the styled 500 for anything else."""
    if is_database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return views.server_error(request)
