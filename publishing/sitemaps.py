"""sitemap.xml sections: the site's public pages at their canonical addresses (SITE_URL), whatever host was asked.

The root URLconf assembles the sections (`hsmc_site/urls.py`), one per published model plus the named pages.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import centre
from .feeds import last_change, release_time


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

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        # The section changes when a record leaves it too (unpublished: an edit of a record not listed),
        # and an empty section must still say when, or the whole sitemap goes without Last-Modified.
        self.latest_lastmod = last_change(self.model) or release_time()
        return urls


class NamedPagesSitemap(CanonicalSitemap):
    """Pages that are not records (the home page, the lists), by URL name.

    They list and count the records of `shows`, and every page shows the centre's details, so each last
    changed when the latest of those did.
    """

    changefreq = "weekly"

    def __init__(self, url_names: list[str], *, shows):
        self.url_names = url_names
        self.shows = shows

    def items(self):
        stamps = [last_change(model) for model in self.shows] + [centre.current().updated_at]
        changed = max(filter(None, stamps), default=None)
        return [(url_name, changed) for url_name in self.url_names]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]
