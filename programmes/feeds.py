"""Atom feed of programmes recently published or updated, and the cache the large programme feeds share."""

import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from publishing.feeds import FEED_LENGTH, FEED_MAX_AGE, CatalogueAtomFeed, entry_id
from publishing.seo import absolute_url
from workstreams.models import WorkStream

from .models import Intake, Programme


def cached_body(name: str, build) -> bytes:
    """A large feed built once per change of the catalogue, then served from the shared cache.

    The key holds the latest change to programmes, intakes (from their history, so deletions count)
    and work streams, and today's date; anything else an editor changes shows within FEED_MAX_AGE.
    """
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


class ProgrammeFeed(CatalogueAtomFeed):
    subject = "new and updated programmes"
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
