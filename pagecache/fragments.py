"""Values computed from the database, shared by every process, and invalidated exactly like stored pages.

`remember(key, compute)` returns what `compute()` returned the last time, for as long as none of the tables
that `compute()` read has been written since (by anything, anywhere: the same table versions as the page
cache, pagecache/middleware.py) and at most PAGE_CACHE_SECONDS, which bounds what no write announces
(a scheduled publish-from time passing). A stored value is taken with the versions its tables had before it
was computed, so a write during the computation leaves it stale rather than wrong.

For work that costs the same on every request and grows with the catalogue (the options and counts of
the catalogue's facets, say), whether or not the whole page can be cached: a new filter combination, a
search or a crawler walking facets still misses the page cache, and should not pay for it again.

`render_each(template, ids, read, ...)` does the same for rendered cards, one entry per record: a card
made for one page serves every page, filter combination and search that shows the record, and a page whose
cards are all stored reads none of their records.

Inside a request for a page (`ReadTogetherMiddleware`), the first kept value read also fetches every value
the same page read last time, with the versions of their tables, in the same round trip: a home page that
made six round trips to the cache makes one.

A value is made again a little before it expires, by one request in one process, not at the moment it
expires by every process that reads it (`_due`).

Each process also holds the entries it has read or stored. One whose tables' versions are unchanged is the
one in the cache (a value is made from those tables alone), so it is neither fetched nor unpickled again: a
page's round trip then carries its tables' versions and only what has changed. Values are shared by the
requests of a process and must be treated as read-only.

Only for what the public sees: a value must never depend on who asks. If the cache is unreachable, and
inside a preview (whose writes are rolled back: pagecache.middleware.versions_frozen), values are computed
each time, as if nothing were stored, and nothing is stored.
"""

from __future__ import annotations

import contextvars
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString

from . import middleware
from .middleware import (
    TABLE_KEY,
    DependencyHints,
    _request_reads,
    _table_versions,
    _tables_read,
    _versions_frozen,
    breaker,
    page_cache,
)

FRAGMENT_KEY = "pagecache:fragment:v1:"
# Which table versions a value, or a template's cards, were last made from: read with them in one round trip.
_hints = DependencyHints()
# Which kept values (key -> hint) each page, by path, read the last time it was rendered in this process.
# A bound, not an LRU, as for the hints.
MAX_PAGES_REMEMBERED = 500
_pages_read: dict[str, dict[str, str]] = {}
# The entries, (versions, expires, value), this process has read or stored, by key. Fetching and unpickling
# them again was most of a page's time in the cache (issue 19: the catalogue's options are 48 KB, a work
# stream page read 95 entries; 0.5 to 1 ms of CPU a page). A bound, not an LRU, as for the hints: a few
# thousand cards and lists, a few megabytes.
MAX_HELD = 5000
_held: dict[str, tuple] = {}
# In the last tenth of a value's lifetime, each read may make it again, with a chance that grows to certain at
# its expiry: one read somewhere does it, shortly into that tenth, and the others take what it stored. At
# expiry every worker made the catalogue's options again at once, which stalled all five for 150 to 200 ms
# once a minute (issue 19: the loadtest's p99).
REFRESH_AHEAD = 0.1


@dataclass
class _PageReads:
    path: str
    read: dict[str, str] = field(default_factory=dict)  # key -> hint, of every kept value this request reads


_this_page: contextvars.ContextVar[_PageReads | None] = contextvars.ContextVar("page_reads", default=None)


class ReadTogetherMiddleware:
    """For a GET or HEAD request, reads a page's kept values together: the first one read fetches, in the
    same round trip, all those the same path read last time, and their tables' versions (`_get_many`).

    Each value is still checked against its tables' versions read with it, so a value read early is as
    fresh as the request's start; a write during the request (which no public page makes) empties what
    was read (`pagecache.middleware.bump`). A round trip costs the worker about 0.1 ms of CPU and Redis
    0.04 ms: a home page made six, a work stream page five or six (issue 19).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        page = _PageReads(request.path)
        scope = (_this_page.set(page), _request_reads.set({}))
        try:
            return self.get_response(request)
        finally:
            _this_page.reset(scope[0])
            _request_reads.reset(scope[1])
            if page.read and _pages_read.get(page.path) != page.read:
                if len(_pages_read) >= MAX_PAGES_REMEMBERED:
                    _pages_read.clear()
                _pages_read[page.path] = page.read


def _get_many(cache, keys: list[str]) -> dict:
    """`cache.get_many(keys)`, inside a page's request from what it has read, fetching what it has not.

    A request's first read (or its first after a write) also fetches what the page read last time.
    """
    reads = _request_reads.get()
    if reads is None:
        return cache.get_many(keys)
    wanted = [key for key in keys if key not in reads]
    if wanted:
        if not reads and (page := _this_page.get()) is not None:
            before = _pages_read.get(page.path, {})
            # Of an entry this process holds, only its tables' versions: enough to tell it is still good.
            wanted += [key for key in before if key not in _held]
            wanted += [table for key in before if key in _held for table in _held[key][0]]
            wanted += [table for hint in set(before.values()) for table in _hints.get(hint)]
        wanted = list(dict.fromkeys(wanted))
        found = cache.get_many(wanted)
        reads.update({key: found.get(key) for key in wanted})
    return {key: reads[key] for key in keys if reads[key] is not None}


def _read(cache, keys: list[str], hint: str) -> tuple[dict, dict]:
    """The stored entries of `keys`, and the current versions of the tables that `hint` and the entries this
    process holds name (None if absent).

    A held entry whose tables are unchanged is used as it is; one that is not is fetched again, in a second
    round trip, which only a change (or its expiry) costs.
    """
    if (page := _this_page.get()) is not None:
        page.read.update(dict.fromkeys(keys, hint))
    held = {key: _held[key] for key in keys if key in _held}
    tables = list(dict.fromkeys([*_hints.get(hint), *(table for entry in held.values() for table in entry[0])]))
    found = _get_many(cache, [*(key for key in keys if key not in held), *tables])
    current = {table: found.get(table) for table in tables}
    if changed := [key for key, entry in held.items() if not _fresh(entry, current, middleware.wall_clock())]:
        for key in changed:
            del held[key]
        found.update(_get_many(cache, changed))
    fetched = {key: found[key] for key in keys if key in found}
    _hold(fetched)
    return {**held, **fetched}, current


def _hold(entries: dict[str, tuple]) -> None:
    if len(_held) + len(entries) > MAX_HELD:
        _held.clear()
    _held.update(entries)


def _fresh(entry: tuple, current: dict, now: float) -> bool:
    """Whether a (versions, expires, value) entry has not expired and its tables are as `current` has them."""
    return entry[1] > now and entry[0].items() <= current.items()  # every (table, version) pair, compared in C


def remember[T](key: str, compute: Callable[[], T]) -> T:
    if not _in_use():
        return compute()
    cache = page_cache()
    try:
        found, current = _read(cache, [FRAGMENT_KEY + key], key)
        stored = found.get(FRAGMENT_KEY + key)
        if stored is not None and _unchanged({key: stored}, cache, current, key):
            if _due(stored):
                stored = _made_again(cache, {FRAGMENT_KEY + key: stored}, current, key).get(FRAGMENT_KEY + key)
            if stored is not None:
                _record_reads(_tables_of(stored))
                return stored[2]
    except Exception as exc:
        breaker.trip(exc)
        return compute()
    versions, value = _computed(compute)
    if versions is not None:
        _store(cache, {FRAGMENT_KEY + key: (versions, _expiry(), value)})
        _hints.note(key, versions)
    return value


def render_each(
    template_name: str, ids: Sequence[int], read: Callable[[], QuerySet], *, as_name: str, **context
) -> dict[int, SafeString]:
    """Each record's rendering of `template_name`, by id in the order of `ids`, kept like `remember()`'s values.

    For the cards and list items that many pages show: a card rendered for one page serves every other
    page, filter combination and search that shows the same record, until a table it was made from is
    written. `read()` returns a QuerySet of the records that reads everything the template shows (its
    prefetches, say): it is filtered to the ids not stored and read, with the rendering, in one batch, so a
    page whose cards are all stored reads no record at all, and does not even build that QuerySet (with its
    prefetches, a tenth to a quarter of a millisecond). An id that the QuerySet does not hold (unpublished
    meanwhile) is left out.

    The rendering must depend on the record alone, whatever the QuerySet is filtered by: it is shared by
    every page that shows the record. `context` (simple values such as a heading level) is passed to the
    template and is part of the key, and so is the date, for what a record says of today ("current",
    "closes in 3 days").
    """
    template = get_template(template_name)

    def render(missing: list[int]) -> dict[int, SafeString]:
        return {record.pk: template.render({as_name: record, **context}) for record in read().filter(pk__in=missing)}

    if not _in_use():
        return _in_order(ids, render(list(ids)))
    cache = page_cache()
    shown_with = ",".join(f"{name}={value}" for name, value in sorted(context.items()))
    hint = f"each:{template_name}:{shown_with}"
    prefix = f"{FRAGMENT_KEY}{hint}:{timezone.localdate()}:"
    keys = {pk: f"{prefix}{pk}" for pk in ids}
    try:
        stored, current = _read(cache, list(keys.values()), hint)
        valid = _unchanged({pk: stored[key] for pk, key in keys.items() if key in stored}, cache, current, hint)
        if due := {keys[pk]: entry for pk, entry in valid.items() if _due(entry)}:
            again = _made_again(cache, due, current, hint)
            left = due.keys() - again.keys()  # made here, as missing ones are
            valid = {pk: again.get(keys[pk], entry) for pk, entry in valid.items() if keys[pk] not in left}
    except Exception as exc:
        breaker.trip(exc)
        return _in_order(ids, render(list(ids)))
    html = {pk: entry[2] for pk, entry in valid.items()}
    for entry in valid.values():
        _record_reads(_tables_of(entry))
    if missing := [pk for pk in ids if pk not in html]:
        versions, rendered = _computed(lambda: render(missing))
        html.update(rendered)
        if versions is not None:
            expires = _expiry()
            _store(cache, {keys[pk]: (versions, expires, fragment) for pk, fragment in rendered.items()})
            _hints.note(hint, versions)
    return _in_order(ids, html)


def _due(entry: tuple) -> bool:
    """Whether this read should make the entry's value again: never before the last `REFRESH_AHEAD` of its
    lifetime, then with a chance that grows to certain at its expiry (after which it is not used at all)."""
    ahead = settings.PAGE_CACHE_SECONDS * REFRESH_AHEAD * random.random()  # noqa: S311 - not for secrets
    return middleware.wall_clock() >= entry[1] - ahead


def _made_again(cache, due: dict[str, tuple], current: dict, hint: str) -> dict[str, tuple]:
    """Of the `due` entries (key -> entry), those another process has made again since: read from the cache
    itself, not from what this request or process has read. The rest are for the caller to make."""
    stored = cache.get_many(list(due))
    newer = {key: entry for key, entry in stored.items() if entry[1] > due[key][1] and not _due(entry)}
    newer = _unchanged(newer, cache, current, hint)
    _hold(newer)
    return newer


def _in_use() -> bool:
    """Not while the cache is unreachable, nor inside a preview: what it reads will be rolled back (never
    stored, for the public would see it) and its own changes are not in what is stored."""
    return settings.FRAGMENT_CACHE_ENABLED and breaker.closed() and not _versions_frozen.get()


def _in_order[K, V](keys: Iterable[K], values: dict[K, V]) -> dict[K, V]:
    return {key: values[key] for key in keys if key in values}


def _computed[T](compute: Callable[[], T]) -> tuple[dict[str, str] | None, T]:
    """`compute()`, with the versions that the tables it read had before it began.

    None instead of versions when the value must not be kept: the cache is unreachable, or `compute()` read
    no table, so that nothing would ever say the value changed.
    """
    before = _table_versions()
    reads: set[str] = set()
    token = _tables_read.set(reads)
    try:
        value = compute()
    finally:
        _tables_read.reset(token)
    _record_reads(reads)
    if before is None or not reads:
        return None, value
    return {TABLE_KEY + table: before[TABLE_KEY + table] for table in reads if TABLE_KEY + table in before}, value


def _unchanged[K](entries: dict[K, tuple], cache, current: dict, hint: str) -> dict[K, tuple]:
    """Those of the stored (versions, expires, value) entries that have not expired and whose tables are unchanged.

    `current` holds the versions read with the entries (`DependencyHints.read`); one more round trip reads
    the versions of any other tables they need, however many entries, and corrects the hint.
    """
    now = middleware.wall_clock()
    fresh = {key: entry for key, entry in entries.items() if entry[1] > now}
    needed = {table for entry in fresh.values() for table in entry[0]}
    if missing := needed - current.keys():
        current = {**current, **_get_many(cache, list(missing))}
        _hints.note(hint, needed)
    return {key: entry for key, entry in fresh.items() if _fresh(entry, current, now)}


def _tables_of(entry: tuple) -> Iterable[str]:
    return (key.removeprefix(TABLE_KEY) for key in entry[0])


def _expiry() -> float:
    return middleware.wall_clock() + settings.PAGE_CACHE_SECONDS


def _store(cache, entries: dict) -> None:
    try:
        cache.set_many(entries, timeout=settings.PAGE_CACHE_SECONDS)
    except Exception as exc:
        breaker.trip(exc)
        return
    _hold(entries)
    if (reads := _request_reads.get()) is not None:
        reads.update(entries)  # what this request reads again is what it has just stored


def _record_reads(tables: Iterable[str]) -> None:
    """A page being rendered for the page cache depends on what the value was made from, hit or miss."""
    outer = _tables_read.get()
    if outer is not None:
        outer.update(tables)
