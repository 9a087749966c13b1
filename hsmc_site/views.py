"""Site-wide views: home, health check and error pages."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from .context_processors import site as site_context

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "home.html"


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database did not answer.", exc_info=True)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the failure may lie in a context processor or the database itself.
    body = loader.get_template("500.html").render(site_context(None))
    return HttpResponseServerError(body)


class RobotsView(TemplateView):
    """robots.txt: where the sitemap is, and what crawlers should leave out of their indexes.

    A custom ADMIN_PATH is kept out: robots.txt is public, and listing a hidden admin address would
    publish it. The admin's own pages tell crawlers not to index them (`<meta name="robots">`).
    """

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["admin_path"] = "/" + settings.ADMIN_PATH if settings.ADMIN_PATH == "admin/" else ""
        return context
