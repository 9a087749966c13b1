"""What an error report may carry: the code's state, never a visitor's words or address.

Sentry (when SENTRY_DSN is set) is told to send no personal data, and every event passes through
`scrub_event` before it leaves: request bodies, cookies, query strings and identifying headers go, and any
e-mail address left in a message or an exception is masked. Local variables are not sent at all
(settings: include_local_variables=False), since a view's locals hold what the visitor typed.
"""

from __future__ import annotations

import re
from typing import Any

from .logs import current_request_id

EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MASK = "[removed]"
# Request headers that say nothing about a person.
KEPT_HEADERS = frozenset({"host", "user-agent", "accept", "accept-encoding", "accept-language", "content-type"})


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL_ADDRESS.sub(MASK, value)
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    return value


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """Sentry's before_send: take out what could identify a visitor or repeat what they typed."""
    if request := event.get("request"):
        for field in ("data", "cookies", "query_string", "env"):
            request.pop(field, None)
        if headers := request.get("headers"):
            request["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
        if url := request.get("url"):
            request["url"] = url.split("?", 1)[0]
    event.pop("user", None)
    event.setdefault("tags", {})["request_id"] = current_request_id.get()
    return _mask(event)
