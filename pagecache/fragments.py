"""Values computed from the database, shared by every process, and invalidated exactly like stored pages.

`remember(key, compute)` returns what `compute()` returned the last time, for as long as none of the tables
that `compute()` read has been written since (by anything, anywhere: the same table versions as the page
cache, pagecache/middleware.py) and at most PAGE_CACHE_SECONDS, which bounds what no write announces
(a scheduled publish-from time passing). A stored value is taken with the versions its tables had before it
was computed, so a write during the computation leaves it stale rather than wrong.

For work that costs the same on every request and grows with the catalogue (the options and counts of
the catalogue's facets, say), whether or not the whole page can be cached: a new filter combination, a
search or a crawler walking facets still misses the page cache, and should not pay for it again.

Only for what the public sees: a value must never depend on who asks. If the cache is unreachable the
value is computed each time, as if nothing were stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings

from . import middleware
from .middleware import TABLE_KEY, _table_versions, _tables_read, breaker, page_cache

FRAGMENT_KEY = "pagecache:fragment:v1:"


def remember[T](key: str, compute: Callable[[], T]) -> T:
    if not (settings.FRAGMENT_CACHE_ENABLED and breaker.closed()):
        return compute()
    cache = page_cache()
    try:
        stored = cache.get(FRAGMENT_KEY + key)
        if stored is not None:
            versions, expires, value = stored
            if expires > middleware.wall_clock() and cache.get_many(list(versions)) == versions:
                _record_reads(key.removeprefix(TABLE_KEY) for key in versions)
                return value
    except Exception as exc:
        breaker.trip(exc)
        return compute()
    before = _table_versions()
    reads: set[str] = set()
    token = _tables_read.set(reads)
    try:
        value = compute()
    finally:
        _tables_read.reset(token)
    _record_reads(reads)
    if before is not None:
        versions = {TABLE_KEY + table: before[TABLE_KEY + table] for table in reads if TABLE_KEY + table in before}
        try:
            cache.set(
                FRAGMENT_KEY + key,
                (versions, middleware.wall_clock() + settings.PAGE_CACHE_SECONDS, value),
                timeout=settings.PAGE_CACHE_SECONDS,
            )
        except Exception as exc:
            breaker.trip(exc)
    return value


def _record_reads(tables: Iterable[str]) -> None:
    """A page being rendered for the page cache depends on what the value was made from, hit or miss."""
    outer = _tables_read.get()
    if outer is not None:
        outer.update(tables)
