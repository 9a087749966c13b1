"""Previews of pending changes, rendered by the very view, templates and structured data the public page uses.

The pending change is written to the database inside a transaction that is always rolled back: the public
view renders the page from it, reading everything exactly as it will once published (derived availability,
published-only relations, facets), and then nothing of it remains. Other requests never see it: it is never
committed. The response is for staff only: never cached, `noindex`, framed only by our own admin.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP
from django.utils.html import escape

from pagecache.middleware import versions_frozen

from . import centre, snapshots
from .models import Status

# The widths the preview page frames the page at.
WIDTHS = {"phone": ("Phone", 390), "desktop": ("Desktop", 1280)}


class _RolledBack(Exception):
    pass


def render(request, obj, change) -> HttpResponse:
    """The public page of `obj` with its pending change applied, as anyone will see it once published."""
    response = None
    try:
        # Nothing written here is ever committed, so no stored page needs to learn of it.
        with versions_frozen(), transaction.atomic():
            if change is not None and change.snapshot is not None:
                snapshots.write(obj, change.snapshot)
            if hasattr(obj, "status"):
                obj.status = Status.PUBLISHED
                obj.publish_from = None
                obj.save(update_fields=["status", "publish_from"])
            centre.forget()  # the centre's details may be what this preview changes
            response = _render_public_page(request, obj)
            raise _RolledBack
    except _RolledBack:
        pass
    except snapshots.Conflict as conflict:
        response = _cannot_preview(conflict.messages)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Framed by the admin's preview page (phone and desktop widths), and by nothing else.
    response["X-Frame-Options"] = "SAMEORIGIN"
    response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
    return response


def _render_public_page(request, obj) -> HttpResponse:
    page_path = obj.get_absolute_url()
    path, _, query = page_path.partition("?")
    try:
        match = resolve(path)
    except Resolver404:
        return _cannot_preview(["This record has no public page of its own."])
    public_request = copy.copy(request)
    public_request.path = public_request.path_info = path
    public_request.GET = public_request.GET.__class__(query)
    public_request.resolver_match = match
    public_request.publishing_preview = True
    response = match.func(public_request, *match.args, **match.kwargs)
    if hasattr(response, "render"):
        response.render()  # inside the transaction: the template reads the pending change
    return response


def _cannot_preview(reasons: list[str]) -> HttpResponse:
    items = "".join(f"<li>{escape(reason)}</li>" for reason in reasons)
    return HttpResponse(
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Cannot preview</title></head>'
        f"<body><main><h1>These changes cannot be previewed as they stand</h1><ul>{items}</ul>"
        "<p>Edit them and try again.</p></main></body></html>",
        status=409,
    )
