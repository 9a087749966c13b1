"""sitemap.xml: the site's public pages at their canonical addresses (SITE_URL), whatever host was asked."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class CanonicalSitemap(Sitemap):
    """Addresses on SITE_URL, like the canonical links and feeds, not on the request's host."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PublishedSitemap(CanonicalSitemap):
    """Every published record of a model, with the time it last changed."""

    model = None

    def items(self):
        return self.model.objects.published().order_by("pk").only("pk", "slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class StaticViewSitemap(CanonicalSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "home",
            "programmes:list",
            "research:list",
            "faculty:list",
            "workstreams:list",
            "contacts:contact",
            "developers",
        ]

    def location(self, item):
        return reverse(item)


def sitemaps() -> dict:
    # Imported here because each app's sitemap module imports the base classes above.
    from faculty.sitemaps import PersonSitemap
    from programmes.sitemaps import ProgrammeSitemap
    from research.sitemaps import ResearchProjectSitemap
    from workstreams.sitemaps import WorkStreamSitemap

    return {
        "pages": StaticViewSitemap,
        "programmes": ProgrammeSitemap,
        "research": ResearchProjectSitemap,
        "people": PersonSitemap,
        "work-streams": WorkStreamSitemap,
    }
