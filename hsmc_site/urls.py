from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve

from api.views import DevelopersView
from faculty.models import Person
from programmes import calendar, xcri
from programmes.feeds import ProgrammeFeed
from programmes.models import Programme
from publishing.feeds import feed_view
from publishing.sitemaps import NamedPagesSitemap, PublishedSitemap
from research.feeds import ResearchProjectFeed
from research.models import ResearchProject
from workstreams.models import WorkStream

from . import views, wellknown

# Machine-readable outputs, all listed on /developers/.
feed_patterns = [
    path("programmes.atom", feed_view(ProgrammeFeed()), name="programmes-atom"),
    path("research.atom", feed_view(ResearchProjectFeed()), name="research-atom"),
    path("programmes.ics", calendar.catalogue_calendar, name="calendar"),
    path("programmes/<slug:slug>.ics", calendar.programme_calendar, name="programme-calendar"),
    path("xcri-cap.xml", xcri.xcri_cap_feed, name="xcri-cap"),
]

sitemaps = {
    "pages": NamedPagesSitemap(
        [
            "home",
            "programmes:list",
            "research:list",
            "faculty:list",
            "workstreams:list",
            "contacts:contact",
            "developers",
        ],
        shows=[Programme, ResearchProject, Person, WorkStream],
    ),
    "programmes": PublishedSitemap(Programme, priority=0.8),
    "research": PublishedSitemap(ResearchProject, priority=0.6),
    "people": PublishedSitemap(Person, priority=0.5),
    "work-streams": PublishedSitemap(WorkStream, priority=0.7),
}

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("programmes/", include("programmes.urls")),
    path("people/", include("faculty.urls")),
    path("work-streams/", include("workstreams.urls")),
    path("research/", include("research.urls")),
    path("search/", include("search.urls")),
    path("contact/", include("contacts.urls")),
    path("alerts/", include("alerts.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("feeds/", include((feed_patterns, "feeds"))),
    path("api/", include("api.urls")),
    path("developers/", DevelopersView.as_view(), name="developers"),
    path("sitemap.xml", feed_view(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", feed_view(views.RobotsView.as_view(), max_age=86400), name="robots"),
    path(".well-known/security.txt", wellknown.security_txt, name="security-txt"),
]


def media_patterns() -> list:
    """Uploads served by the app itself, when MEDIA_SERVED_BY_APP says so (development, a single host)."""
    if not settings.MEDIA_SERVED_BY_APP:
        return []
    # Uploads and renditions have names that never change meaning (random, or a hash), so browsers keep them.
    serve_media = cache_control(public=True, max_age=365 * 86400, immutable=True)(serve)
    prefix = settings.MEDIA_URL.lstrip("/")
    return [re_path(rf"^{prefix}(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT})]


urlpatterns += media_patterns()

handler400 = "hsmc_site.views.bad_request"
handler403 = "hsmc_site.views.permission_denied"
handler404 = "hsmc_site.views.page_not_found"
# A styled 503 when the database is unreachable, the styled 500 otherwise.
handler500 = "hsmc_site.resilience.server_error"
