import logging
import re
import time
import uuid

from .logs import current_request_id

logger = logging.getLogger("monitoring.requests")

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy or load balancer in front is kept, so that its log and ours share it; anything
# else (too long, odd characters that could forge log lines) is replaced.
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


class RequestLogMiddleware:
    """Gives each request an id and logs one line when it is answered.

    The line holds the method, path (never the query string, which can hold what a visitor searched
    for), status, duration and page-cache status. Goes first in MIDDLEWARE, so that the duration and the
    id cover everything else, a page served from the page cache included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _ACCEPTED_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared when the response is finished (monitoring.apps), not here: Django logs a 4xx or 5xx
        # ("Not Found: …", a traceback) after the middleware has returned, and those lines need the id too.
        current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[REQUEST_ID_HEADER] = request_id
        cache_status = response.get("X-Page-Cache", "-")
        logger.info(
            "%s %s %s %.1f ms cache=%s",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            cache_status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "cache": cache_status,
            },
        )
        return response
