"""Feed helpers shared by every machine-readable output: HTTP caching, permanent ids and a base Atom feed."""

import datetime
import functools
import os
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, parse_http_date_safe

from . import centre
from .seo import absolute_url
from .text import without_control_characters

FEED_LENGTH = 50
# Seconds a browser, proxy or CDN may reuse a feed: new programmes reach aggregators within this time.
FEED_MAX_AGE = 900


def cache_output(request, response, *, max_age: int = FEED_MAX_AGE):
    """HTTP caching for a machine-readable output (a feed, the sitemap, the API): the one way they all use.

    A successful answer is public for `max_age` seconds, carries an ETag of its body, and a conditional GET
    that matches it (or the Last-Modified the view set) gets 304 Not Modified. The shared page cache
    (pagecache) stores such public answers like any page.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render"):  # a TemplateResponse (the sitemap) or a DRF Response
        response.render()
    patch_cache_control(response, public=True, max_age=max_age)
    set_response_etag(response)
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(request, etag=response["ETag"], last_modified=last_modified, response=response)


def with_last_modified(response, stamp: datetime.datetime | None):
    """Say when the output last changed, so If-Modified-Since can be answered with 304 (cache_output)."""
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp.timestamp())
    return response


# Folders under BASE_DIR that are not the code a server runs.
NOT_RUNNING_CODE = {".git", ".venv", "node_modules", "staticfiles", "media", "tests", "benchmarks", "docs"}


@functools.cache
def release_time() -> datetime.datetime:
    """When the code that is running was installed: the newest of its Python files and templates.

    Outputs made from code and settings alone (robots.txt, the API's schema) change only with a release.
    Read once per process.
    """
    newest = 0.0
    for folder, subfolders, files in os.walk(settings.BASE_DIR):
        subfolders[:] = [name for name in subfolders if name not in NOT_RUNNING_CODE and not name.startswith(".")]
        for name in files:
            if name.endswith((".py", ".html", ".txt", ".xml")):
                newest = max(newest, (Path(folder) / name).stat().st_mtime)
    return datetime.datetime.fromtimestamp(int(newest), tz=datetime.UTC)


def feed_view(view, *, max_age: int = FEED_MAX_AGE):
    """A view whose answers are cached as `cache_output` says."""

    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        return cache_output(request, view(request, *args, **kwargs), max_age=max_age)

    return cached_view


def site_host() -> str:
    """The public host name, for identifiers that must not change with the address a request used."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def entry_id(kind: str, pk: int) -> str:
    """A permanent Atom entry id (RFC 4151 tag URI): survives a renamed slug, unlike the page address."""
    return f"tag:{site_host()},2025:{kind}-{pk}"


def last_change(model, *, depends_on_date: bool = False, also=()) -> datetime.datetime | None:
    """When the public view of a model last changed: the latest edit to any of its records.

    Drafts count too, because unpublishing a record is an edit that removes it from the feeds.
    Availability moves on at midnight (Europe/London), so feeds that show it change then as well.
    `also`: other times the output depends on (when the centre's details changed, say).
    """
    stamps = [model.objects.aggregate(last=Max("updated_at"))["last"], *also]
    if depends_on_date:
        stamps.append(timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min)))
    return max((stamp for stamp in stamps if stamp is not None), default=None)


class TextAtom1Feed(Atom1Feed):
    """Atom whose summaries are what editors typed: plain text, sent as type="text" (escaped), so a "<i>" in
    a summary reaches feed readers as the characters our pages show, never as markup."""

    def add_item_elements(self, handler, item):
        summary = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})


class CatalogueAtomFeed(Feed):
    feed_type = TextAtom1Feed
    # Subclasses say what the feed lists; the centre's published name goes before it.
    subject = ""

    def title(self):
        return f"{centre.current().name}: {self.subject}"

    def author_name(self):
        return centre.current().name

    def get_feed(self, obj, request):
        """Values stored before control characters were refused at input would make XML fail: drop them."""
        feed = super().get_feed(obj, request)
        for item in feed.items:
            for key in ("title", "description", "author_name"):
                item[key] = without_control_characters(item[key])
            item["categories"] = [without_control_characters(category) for category in item["categories"] or ()]
        return feed

    def author_link(self):
        return absolute_url(reverse("home"))

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        # When it went public: the scheduled time if there was one, otherwise when it was created.
        return item.publish_from or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]
