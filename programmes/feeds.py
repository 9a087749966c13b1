"""Atom feed of programmes recently published or updated, and helpers shared by the other feeds."""

import datetime
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page

from hsmc_site.seo import absolute_url

from .models import Intake, Programme

FEED_LENGTH = 50
# Seconds a browser, proxy or CDN may reuse a feed: new programmes reach aggregators within this time.
FEED_MAX_AGE = 900


def feed_view(view, *, max_age: int = FEED_MAX_AGE):
    """HTTP caching for a feed: public for `max_age` seconds, with an ETag and answers to conditional GETs."""
    return cache_control(public=True, max_age=max_age)(conditional_page(view))


def site_host() -> str:
    """The public host name, for identifiers that must not change with the address a request used."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def entry_id(kind: str, pk: int) -> str:
    """A permanent Atom entry id (RFC 4151 tag URI): survives a renamed slug, unlike the page address."""
    return f"tag:{site_host()},2025:{kind}-{pk}"


def last_change(model, *, depends_on_date: bool = False) -> datetime.datetime | None:
    """When the public view of a model last changed: the latest edit to any of its records.

    Drafts count too, because unpublishing a record is an edit that removes it from the feeds.
    Availability moves on at midnight (Europe/London), so feeds that show it change then as well.
    """
    stamps = [model.objects.aggregate(last=Max("updated_at"))["last"]]
    if depends_on_date:
        stamps.append(timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min)))
    return max((stamp for stamp in stamps if stamp is not None), default=None)


def cached_body(name: str, build) -> bytes:
    """A large feed built once per change of the catalogue, then served from the shared cache.

    The key holds the latest change to programmes, intakes (from their history, so deletions count)
    and work streams, and today's date; anything else an editor changes shows within FEED_MAX_AGE.
    """
    from workstreams.models import WorkStream

    version = "|".join(
        str(stamp)
        for stamp in (
            Programme.objects.aggregate(last=Max("updated_at"))["last"],
            Intake.history.aggregate(last=Max("history_date"))["last"],
            WorkStream.objects.aggregate(last=Max("updated_at"))["last"],
            timezone.localdate(),
        )
    )
    key = f"feeds:{name}:{hashlib.sha256(version.encode()).hexdigest()}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, FEED_MAX_AGE)
    return body


class CatalogueAtomFeed(Feed):
    feed_type = Atom1Feed
    author_name = settings.SITE_NAME

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


class ProgrammeFeed(CatalogueAtomFeed):
    title = f"{settings.SITE_NAME}: new and updated programmes"
    subtitle = "Programmes recently published or updated, newest first."

    def link(self):
        return absolute_url(reverse("programmes:list"))

    def feed_url(self):
        return absolute_url(reverse("feeds:programmes-atom"))

    def feed_guid(self):
        return entry_id("programmes-feed", 1)

    def items(self):
        return Programme.objects.published().order_by("-updated_at", "pk").prefetch_related("topics")[:FEED_LENGTH]

    def item_guid(self, item):
        return entry_id("programme", item.pk)

    def item_categories(self, item):
        return [item.get_kind_display(), *super().item_categories(item)]
