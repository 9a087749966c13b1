"""A content check when an editor saves: what hurts readers is pointed out, never refused.

The admin shows each finding as a warning after a save (publishing.admin.WorkflowAdmin). Checked:
a summary missing or longer than search results show, a heading level skipped in formatted text, and a
link to one of our own pages that does not exist or is not published.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve

from .richtext import RichTextField

# Search engines show about this many characters of a page description before cutting it off.
SEARCH_SNIPPET_LENGTH = 155
_HEADING = re.compile(r"<h([1-6])\b", re.IGNORECASE)
# A web address, or a path of ours written on its own or in an href ("/programmes/…").
_LINK = re.compile(r"""https?://[^\s"'<>]+|(?:^|(?<=[\s"'(]))/[\w\-./%?=&#]*""", re.IGNORECASE)


def content_warnings(model: type[models.Model], values: dict) -> list[str]:
    """What a reader would trip over in `values` (a form's cleaned_data) for a record of `model`."""
    warnings = []
    fields = {field.name: field for field in model._meta.get_fields() if field.concrete}
    if "summary" in fields:
        summary = (values.get("summary") or "").strip()
        if not summary:
            warnings.append("There is no summary: cards, search results and search engines show it.")
        elif len(summary) > SEARCH_SNIPPET_LENGTH:
            warnings.append(
                f"The summary is {len(summary)} characters long; search engines show about "
                f"{SEARCH_SNIPPET_LENGTH}, so its end may be cut off."
            )
    for name, field in fields.items():
        if not isinstance(field, models.TextField) or not isinstance(text := values.get(name), str):
            continue
        label = field.verbose_name
        # Formatted text sits under the page's own section heading, one level above its first allowed level.
        section_level = min(field.heading_levels) - 1 if isinstance(field, RichTextField) else None
        if skipped := _skipped_heading(text, section_level):
            warnings.append(
                f"In {label}, a level-{skipped[1]} heading follows a level-{skipped[0]} one: "
                "screen-reader users navigate by heading levels, so use each level in turn."
            )
        for link in _broken_own_links(text):
            warnings.append(f"In {label}, the link to {link} goes to a page that does not exist or is not published.")
    return warnings


def _skipped_heading(text: str, section_level: int | None = None) -> tuple[int, int] | None:
    levels = [int(level) for level in _HEADING.findall(text)]
    if section_level and levels:
        levels.insert(0, section_level)
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            return before, after
    return None


def _own_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme and parts.netloc != urlsplit(settings.SITE_URL).netloc:
        return None  # another site's page: checked by check_links, not here
    return parts.path or "/"


def _broken_own_links(text: str) -> list[str]:
    broken = []
    for url in dict.fromkeys(match.rstrip(".,;:)") for match in _LINK.findall(text)):
        path = _own_path(url)
        if path is None or not path.startswith("/") or path.startswith(settings.STATIC_URL):
            continue
        if not _is_published_page(path):
            broken.append(url)
    return broken


def _is_published_page(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    model = getattr(getattr(match.func, "view_class", None), "model", None)
    slug = match.kwargs.get("slug")
    if model is None or slug is None or not hasattr(model.objects, "published"):
        return True  # a page that is not a record's (a list, the search page): it exists
    return model.objects.published().filter(slug=slug).exists()
