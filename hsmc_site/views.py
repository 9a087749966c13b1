"""Site-wide views: home, health check and error pages."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import DatabaseError, connection
from django.db.models import Count, F
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from pagecache.fragments import remember
from programmes.availability import Availability
from programmes.models import Audience, Programme
from publishing import centre
from publishing.feeds import release_time, with_last_modified
from publishing.paths import path_to
from publishing.seo import PageMixin, absolute_url, centre_organization, centre_reference
from sitecontent.models import HomePage
from workstreams.models import WorkStream

from .context_processors import site_defaults

logger = logging.getLogger(__name__)


class HomeView(PageMixin, TemplateView):
    """What the centre does, its work streams and the programmes a learner can act on now."""

    template_name = "home.html"
    featured_limit = 6

    def get_structured_data(self):
        home = absolute_url(path_to("home"))
        return [
            centre_organization(),
            {
                "@type": "WebSite",
                "@id": f"{home}#website",
                "url": home,
                "name": centre.current().name,
                "publisher": centre_reference(),
                # A plain SearchAction: "query-input" is not a schema.org property, and the sitelinks search
                # box that read it is retired.
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {
                        "@type": "EntryPoint",
                        "urlTemplate": absolute_url(path_to("search:results")) + "?q={search_term_string}",
                    },
                },
            },
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Editors' content and the work streams are the same for every visitor: read once per change.
        home, cards, chosen = remember("home:shown", HomePage.shown)
        # Counted over the whole catalogue, alike for every visitor: once per change of the data.
        kind_counts, audiences = remember("home:programme-counts", programme_counts)
        # The programmes editors chose come first, then those a learner can act on now.
        chosen_ids = [programme.pk for programme in chosen]
        acting_ids = remember(
            f"home:acting-now:{self.featured_limit}:{','.join(map(str, chosen_ids))}",
            lambda: acting_now(exclude=chosen_ids, limit=self.featured_limit),
        )
        featured_ids = [*chosen_ids, *acting_ids[: max(0, self.featured_limit - len(chosen_ids))]]
        context.update(
            home=home,
            cards=cards,
            featured_programmes=list(Programme.objects.cards(featured_ids).values()),
            programme_count=sum(kind_counts.values()),
            kind_counts=kind_counts,
            kinds=[
                {"value": value, "label": label, "count": kind_counts[value]}
                for value, label in Programme.Kind.choices
                if kind_counts.get(value)
            ],
            audiences=audiences,
            work_streams=remember("home:work-streams", lambda: list(WorkStream.objects.published())),
        )
        return context


# What a learner can still act on: apply now, apply soon, or join a cohort about to start.
HOME_AVAILABILITY = [Availability.OPEN, Availability.OPENING_SOON, Availability.STARTING_SOON]


def programme_counts() -> tuple[dict[str, int], list[dict]]:
    """Published programmes per kind, and the audiences that have any with how many."""
    published = Programme.objects.published()
    kinds = dict(published.order_by().values_list("kind").annotate(n=Count("pk")))
    audiences = (
        Audience.objects.filter(programmes__in=published)
        .annotate(programme_count=Count("programmes", distinct=True))
        .order_by("order", "name")
        .values("slug", "name", "programme_count")
    )
    return kinds, list(audiences)


def acting_now(*, exclude: list[int], limit: int) -> list[int]:
    """The ids of the programmes a learner can act on soonest (see HOME_AVAILABILITY), first `limit`."""
    return list(
        Programme.objects.published()
        .filter(availability__in=HOME_AVAILABILITY)
        .exclude(pk__in=exclude)
        .order_by("availability_rank", F("next_start_date").asc(nulls_last=True), "title")
        .values_list("pk", flat=True)[:limit]
    )


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


def answers_in_json(request) -> bool:
    """Clients of the JSON API get its errors in JSON, as its reference documents them, not our HTML pages."""
    return request is not None and request.path.startswith(reverse("api:api-root"))


def error_page(request, template: str, status: int, detail):
    if answers_in_json(request):
        return JsonResponse({"detail": detail}, status=status)
    return render(request, template, status=status)


def bad_request(request, exception=None):
    # The API documents its 400 answers as reasons listed under what was wrong. Only our own BadRequest
    # messages are shown: others (a suspicious Host header, say) may echo what the client sent.
    reason = str(exception) if isinstance(exception, BadRequest) and str(exception) else "Bad request."
    return error_page(request, "400.html", 400, [reason])


def permission_denied(request, exception=None):
    return error_page(request, "403.html", 403, "You do not have permission to see this.")


def page_not_found(request, exception=None):
    return error_page(request, "404.html", 404, "Not found.")


def server_error(request):
    if answers_in_json(request):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    # No request context: the failure may lie in a context processor or the database itself.
    body = loader.get_template("500.html").render(site_defaults())
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

    def render_to_response(self, context, **response_kwargs):
        # Made from a template and settings only: it changes with a release.
        return with_last_modified(super().render_to_response(context, **response_kwargs), release_time())
