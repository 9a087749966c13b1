"""sitemap.xml sections: the site's public pages at their canonical addresses (SITE_URL), whatever host was asked.

The root URLconf assembles the sections (`hsmc_site/urls.py`), one per published model plus the named pages.
"""

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

    def __init__(self, model, *, priority: float):
        self.model = model
        self.priority = priority

    def items(self):
        return self.model.objects.published().order_by("pk").only("pk", "slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class NamedPagesSitemap(CanonicalSitemap):
    """Pages that are not records (the home page, the lists), by URL name."""

    changefreq = "weekly"

    def __init__(self, url_names: list[str]):
        self.url_names = url_names

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)
