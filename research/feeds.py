"""Atom feed of research projects recently published or updated."""

from django.urls import reverse

from publishing.feeds import FEED_LENGTH, CatalogueAtomFeed, entry_id
from publishing.seo import absolute_url

from .models import ResearchProject


class ResearchProjectFeed(CatalogueAtomFeed):
    subject = "new and updated research"
    subtitle = "Research projects recently published or updated, newest first."

    def link(self):
        return absolute_url(reverse("research:list"))

    def feed_url(self):
        return absolute_url(reverse("feeds:research-atom"))

    def feed_guid(self):
        return entry_id("research-feed", 1)

    def items(self):
        return (
            ResearchProject.objects.published().order_by("-updated_at", "pk").prefetch_related("topics")[:FEED_LENGTH]
        )

    def item_guid(self, item):
        return entry_id("research-project", item.pk)
