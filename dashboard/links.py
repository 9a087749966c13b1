"""Checking links to other sites in published records (`manage.py check_links`).

Each address is asked once however many records hold it: HEAD first, GET where a server refuses HEAD,
with a short timeout and a few requests at a time, so that a check is quick and polite. Only http and
https addresses are asked; our own pages are checked on save instead (publishing.checks).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from publishing.models import Publishable

from .models import BrokenLink

_ADDRESS = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)
USER_AGENT = "HSMC catalogue link checker"
TIMEOUT_SECONDS = 10
PARALLEL_REQUESTS = 4


@dataclass(frozen=True)
class Place:
    """Where a link is: a record's field."""

    model: type[models.Model]
    pk: int
    field: str


def links_in_published_records() -> dict[str, list[Place]]:
    """Every http(s) address in a published record's URL and text fields, with where it is."""
    found: dict[str, list[Place]] = defaultdict(list)
    own_site = settings.SITE_URL.rstrip("/")
    for model in apps.get_models():
        if not issubclass(model, Publishable) or model._meta.proxy:  # a proxy (alerts' demand report) repeats its rows
            continue
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.URLField | models.TextField)]
        if not fields:
            continue
        for pk, *values in model.objects.published().values_list("pk", *fields):
            for field, value in zip(fields, values, strict=True):
                for url in _ADDRESS.findall(value or ""):
                    url = url.rstrip(".,;:)")
                    if not url.startswith(own_site):
                        found[url].append(Place(model, pk, field))
    return found


def _private(url: str) -> bool:
    """Whether `url` names a host on our own network: the checker must not be a way to probe it."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # unresolvable: the request itself will say so
    return any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses)


def problem_with(url: str, *, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """None when `url` answers with a success or a redirect to one; else what went wrong, in words."""
    if not settings.LINK_CHECK_PRIVATE_ADDRESSES and _private(url):
        return "not checked: it points into a private network"
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
                if response.status < 400:
                    return None
                problem = f"answered {response.status}"
        except urllib.error.HTTPError as error:
            problem = f"answered {error.code} {error.reason}"
            if method == "HEAD" and error.code in (403, 405, 501):
                continue  # some servers refuse HEAD but serve GET
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            problem = "did not answer in time" if "timed out" in str(reason) else f"could not be reached ({reason})"
        return problem
    return problem


def check_links(*, timeout: float = TIMEOUT_SECONDS) -> tuple[int, list[BrokenLink]]:
    """Check every link and store the broken ones in place of the last run's. Returns (checked, broken)."""
    links = links_in_published_records()
    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        problems = dict(zip(links, pool.map(lambda url: problem_with(url, timeout=timeout), links), strict=True))
    now = timezone.now()
    broken = [
        BrokenLink(
            content_type=ContentType.objects.get_for_model(place.model),
            object_id=place.pk,
            field=place.field,
            url=url,
            problem=problem[:300],
            checked_at=now,
        )
        for url, problem in problems.items()
        if problem
        for place in links[url]
    ]
    with transaction.atomic():
        BrokenLink.objects.all().delete()
        BrokenLink.objects.bulk_create(broken)
    return len(links), broken
