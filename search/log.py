"""The search log, counted without a database write per search.

Each first-page search is recorded by `record()`, which the page cache calls whether the results page was
rendered or served from the cache (`pagecache.middleware.call_when_served`), so a search answered from the
cache is counted like any other, with the result count shown on that page. Entries wait in a buffer in the
shared cache (a Redis list, the same for every process and host) and are written to `LoggedSearch` in
batches: when BATCH_SIZE are waiting, when staff open the search log in the admin, and whenever
`manage.py flush_search_log` runs (from cron, every few minutes). With the page cache on but no Redis
(development and tests) the buffer is the process's own local-memory cache; with the page cache off,
the default without Redis, each search is written at once.

If the cache is unreachable, each search is written to the database at once, as before the buffer. An
entry is anonymous like the log itself: term, correction, type filter, result count and time, nothing else.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pagecache.middleware import breaker, page_cache

from .models import LoggedSearch

logger = logging.getLogger(__name__)

BUFFER_KEY = "searchlog:buffer"
# A request that brings the buffer to a multiple of this writes the batch: one INSERT per this many searches.
BATCH_SIZE = 100
# The most entries one INSERT writes when the buffer is flushed.
CHUNK_SIZE = 1000

# The local-memory buffer is read, changed and written back; threads of one process take turns.
_local_lock = threading.Lock()


def record(request, term: str, corrected_term: str, kind: str, result_count: int) -> None:
    """Count one search (the search page's `call_when_served` hook). A HEAD request is nobody searching."""
    if request.method != "GET":
        return
    entry = [term, corrected_term, kind, result_count, timezone.now().timestamp()]
    # The buffer spares each search a write (a transaction and a new version of the log's table). Without
    # Redis and without the page cache (the default in development) it would be a per-process list, lost
    # when its worker is recycled, so searches are written at once there.
    if (settings.PAGE_CACHE_ENABLED or _redis()[0] is not None) and breaker.closed():
        try:
            waiting = _push(entry)
        except Exception as exc:
            breaker.trip(exc)
        else:
            if waiting % BATCH_SIZE == 0:
                flush(chunks=1)
            return
    _save([entry])


def flush(*, chunks: int | None = None) -> int:
    """Write waiting searches to the log, CHUNK_SIZE at a time (at most `chunks` times); return how many.

    Safe in several processes at once: each takes its own entries. If the database refuses them they are
    put back to wait for the next flush.
    """
    written = 0
    while breaker.closed():
        try:
            entries = _take(CHUNK_SIZE)
        except Exception as exc:
            breaker.trip(exc)
            break
        if not entries:
            break
        if not _save(entries):
            try:
                _put_back(entries)
            except Exception as exc:
                breaker.trip(exc)
                logger.error("Lost %s searches: neither the database nor the cache could keep them.", len(entries))
            break
        written += len(entries)
        chunks = None if chunks is None else chunks - 1
        if len(entries) < CHUNK_SIZE or chunks == 0:
            break
    return written


def _save(entries: list[list]) -> bool:
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # A lost log line after a crash is acceptable; waiting for the disk on every batch is not.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            LoggedSearch.objects.bulk_create(
                LoggedSearch(
                    term=term,
                    corrected_term=corrected_term,
                    kind=kind,
                    result_count=result_count,
                    searched_at=datetime.datetime.fromtimestamp(searched_at, tz=datetime.UTC),
                )
                for term, corrected_term, kind, result_count, searched_at in entries
            )
    except DatabaseError:
        logger.warning("Could not write %s searches to the search log.", len(entries), exc_info=True)
        return False
    return True


# The buffer: a Redis list with django-redis, else a list kept in the (local-memory) cache. ---------------


def _redis():
    """The cache's Redis client and the buffer's key in it, or (None, key) for a cache that is not Redis."""
    cache = page_cache()
    client = getattr(cache, "client", None)
    if hasattr(client, "get_client"):  # django-redis
        return client.get_client(write=True), cache.make_key(BUFFER_KEY)
    return None, BUFFER_KEY


def _push(entry: list) -> int:
    """Add an entry at the end of the buffer; return how many are waiting."""
    client, key = _redis()
    if client is not None:
        return client.rpush(key, json.dumps(entry))
    with _local_lock:
        waiting = page_cache().get(key, [])
        waiting.append(entry)
        page_cache().set(key, waiting, timeout=None)
        return len(waiting)


def _take(count: int) -> list[list]:
    """Remove and return up to `count` entries from the start of the buffer, oldest first."""
    client, key = _redis()
    if client is not None:
        return [json.loads(raw) for raw in client.lpop(key, count) or ()]
    with _local_lock:
        waiting = page_cache().get(key, [])
        page_cache().set(key, waiting[count:], timeout=None)
        return waiting[:count]


def _put_back(entries: list[list]) -> None:
    """Return entries to the start of the buffer, in their order."""
    client, key = _redis()
    if client is not None:
        client.lpush(key, *(json.dumps(entry) for entry in reversed(entries)))
        return
    with _local_lock:
        page_cache().set(key, entries + page_cache().get(key, []), timeout=None)
