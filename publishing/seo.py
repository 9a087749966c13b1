"""Breadcrumbs and schema.org structured data shared by every public page.

A public view mixes in `PageMixin`, returns its trail from `get_crumbs()` and its schema.org
objects from `get_structured_data()`. The base template renders the breadcrumb trail and one
JSON-LD block (the page's objects plus a BreadcrumbList) from the context variables `crumbs`
and `structured_data`, so templates only fill the title and description blocks.
"""

from collections.abc import Callable, Iterable, Sequence

from django.conf import settings

from . import centre
from .paths import path_to

SCHEMA_CONTEXT = "https://schema.org"

Crumb = tuple[str, str]


def absolute_url(path: str) -> str:
    """A full address for machines (JSON-LD, Open Graph): SITE_URL plus a path from reverse()."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def centre_organization() -> dict:
    """The centre itself, as schema.org describes a provider of education and research."""
    details = centre.current()
    data = {
        "@type": "EducationalOrganization",
        "@id": absolute_url(path_to("home")) + "#organization",
        "name": details.name,
        "alternateName": details.short_name,
        "url": absolute_url(path_to("home")),
        "address": ", ".join(details.address_lines),
        "parentOrganization": {"@type": "CollegeOrUniversity", "name": "University of Birmingham"},
    }
    if details.email:
        data["email"] = details.email
    if details.phone:
        data["telephone"] = details.phone
    if social := [link.url for link in details.social_links if link.url.startswith("https://")]:
        data["sameAs"] = social
    return data


def centre_reference() -> dict:
    """A pointer to the centre's full Organization node, for `provider`, `affiliation` and the like."""
    return {
        "@type": "EducationalOrganization",
        "@id": absolute_url(path_to("home")) + "#organization",
        "name": centre.current().name,
    }


def breadcrumb_list(crumbs: Sequence[Crumb]) -> dict:
    """A schema.org BreadcrumbList for a trail that starts at the home page."""
    trail = [("Home", path_to("home")), *crumbs]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": label, "item": absolute_url(url)}
            for position, (label, url) in enumerate(trail, start=1)
        ],
    }


def item_list(
    name: str, page, *, total: int, label: Callable[[object], str], url: Callable[[object], str] | None = None
) -> dict:
    """A schema.org ItemList of one page of a list view: each record's address (`url(record)`, by default its
    `get_absolute_url()`) and `label(record)`."""
    url = url or (lambda record: record.get_absolute_url())
    return {
        "@type": "ItemList",
        "name": name,
        "numberOfItems": total,
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": page.start_index() + index,
                "url": absolute_url(url(record)),
                "name": label(record),
            }
            for index, record in enumerate(page.object_list)
        ],
    }


def graph(items: Iterable[dict]) -> dict:
    """Several schema.org nodes in one JSON-LD document."""
    return {"@context": SCHEMA_CONTEXT, "@graph": [item for item in items if item]}


class PageMixin:
    """Breadcrumbs and JSON-LD for a public page.

    Override `get_crumbs()` to return (label, url) pairs after Home, the last being the current
    page, and `get_structured_data()` to return a schema.org dict or a list of them.
    """

    def get_crumbs(self) -> list[Crumb]:
        return []

    def get_structured_data(self) -> dict | list[dict] | None:
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        crumbs = self.get_crumbs()
        data = self.get_structured_data() or []
        nodes = [data] if isinstance(data, dict) else list(data)
        if crumbs:
            nodes.append(breadcrumb_list(crumbs))
        context["crumbs"] = crumbs
        context["structured_data"] = graph(nodes) if nodes else None
        return context
