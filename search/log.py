"""The search log, counted without a database write per search.

Each first-page search is recorded by `record()`, which the page cache calls whether the results page was
rendered or served from the cache (`pagecache.middleware.call_when_served`), so a search answered from the
cache is counted like any other, with the result count shown on that page. Entries wait in a buffer in the
shared cache (a Redis list, the same for every process and host) and are written to `LoggedSearch` in
batches: when BATCH_SIZE are waiting, when staff open the search log in the admin, and whenever
`manage.py flush_search_log` runs (from cron, every few minutes). With the page cache on but no Redis
(development and tests) the buffer is the process's own local-memory cache; with the page cache off,
the default without Redis, each search is written at once.

On their way to a Redis buffer, a process's searches wait in its outbox and go PUSH_EVERY at a time, in
one round trip, or within PUSH_AFTER seconds if fewer come, and when the process exits
(`_Outbox`): a round trip for each search was 0.15 ms of a search's 1.8 ms of CPU, and 0.12 of the 0.53 ms
of one served from the page cache (issue 19). A process killed outright (SIGKILL) loses what its outbox held,
as a crash loses the last log lines that PostgreSQL had not written to disk (`_save`).

If the cache is unreachable, each search is written to the database at once, as before the buffer. An
entry is anonymous like the log itself: term, correction, type filter, result count and time, nothing else.
"""

from __future__ import annotations

import atexit
import datetime
import json
import logging
import os
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from pagecache.middleware import breaker, page_cache

from .models import LoggedSearch

logger = logging.getLogger(__name__)

BUFFER_KEY = "searchlog:buffer"
# A request that brings the buffer to a multiple of this writes the batch: one INSERT per this many searches.
BATCH_SIZE = 100
# What an entry holds, in order: a LoggedSearch's fields.
ENTRY_FIELDS = ("term", "corrected_term", "kind", "result_count", "searched_at")
# The most entries one INSERT writes when the buffer is flushed.
CHUNK_SIZE = 1000
# A process sends its searches to a Redis buffer this many at a time, or within this many seconds of their making.
PUSH_EVERY = 20
PUSH_AFTER = 5.0

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
    if not breaker.closed():
        _save([entry])
    elif _redis()[0] is not None:
        _outbox.add(entry)
    elif settings.PAGE_CACHE_ENABLED:
        _send([entry])  # to the process's local-memory buffer
    else:
        _save([entry])


def flush(*, chunks: int | None = None) -> int:
    """Write waiting searches to the log, this process's outbox first, CHUNK_SIZE at a time (at most `chunks`
    times); return how many.

    Safe in several processes at once: each takes its own entries. If the database refuses them they are
    put back to wait for the next flush.
    """
    _outbox.send()
    return _write_waiting(chunks=chunks)


def _send(entries: list[list]) -> None:
    """Add entries to the buffer, writing a batch when they bring it to BATCH_SIZE (or another multiple of it)
    waiting; or write them to the database at once if the cache is unreachable."""
    if breaker.closed():
        try:
            waiting = _push(entries)
        except Exception as exc:
            breaker.trip(exc)
        else:
            if waiting // BATCH_SIZE > (waiting - len(entries)) // BATCH_SIZE:
                _write_waiting(chunks=1)
            return
    _save(entries)


def _write_waiting(*, chunks: int | None) -> int:
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


class _Outbox:
    """This process's searches on their way to the Redis buffer: sent PUSH_EVERY at a time by the request that
    makes the last of them, and by a thread of the process every PUSH_AFTER seconds, and at exit, whatever waits.

    The thread starts with the process's first search (after gunicorn forks its workers) and only wakes to
    send; if it has to write to the database (the cache unreachable), it closes its connection afterwards.
    """

    def __init__(self):
        self._entries: list[list] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, entry: list) -> None:
        with self._lock:
            self._entries.append(entry)
            full = len(self._entries) >= PUSH_EVERY
            if self._thread is None:
                self._thread = threading.Thread(target=self._send_every_few_seconds, name="search-log", daemon=True)
                self._thread.start()
        if full:
            self.send()

    def send(self) -> None:
        with self._lock:
            entries, self._entries = self._entries, []
        if entries:
            _send(entries)

    def _send_every_few_seconds(self) -> None:
        while True:
            time.sleep(PUSH_AFTER)
            try:
                self.send()
            except Exception:
                logger.exception("Could not send the waiting searches to the search log.")
            finally:
                connections.close_all()  # only this thread's, opened if the searches were written at once

    def forget(self) -> None:
        """In a forked child: the parent's searches are the parent's to send, and its thread is not here."""
        self._entries, self._lock, self._thread = [], threading.Lock(), None


_outbox = _Outbox()
atexit.register(_outbox.send)
os.register_at_fork(after_in_child=_outbox.forget)


def _save(entries: list[list]) -> bool:
    rows = [
        (term, corrected_term, kind, result_count, datetime.datetime.fromtimestamp(searched_at, tz=datetime.UTC))
        for term, corrected_term, kind, result_count, searched_at in entries
    ]
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy(rows)
            else:
                LoggedSearch.objects.bulk_create(
                    LoggedSearch(**dict(zip(ENTRY_FIELDS, row, strict=True))) for row in rows
                )
    except DatabaseError:
        logger.warning("Could not write %s searches to the search log.", len(entries), exc_info=True)
        return False
    return True


def _copy(rows: list[tuple]) -> None:
    """Write rows with PostgreSQL's COPY: a batch of a hundred cost 4 to 6 ms of CPU with bulk_create, whose
    INSERT of five hundred parameters Django builds and psycopg adapts one by one (issue 19).

    COPY is not an SQL statement that the page cache sees (pagecache.middleware._observe_queries), so it
    gives the log's table no new version: no page shows the log, as none shows the sessions.
    """
    table = connection.ops.quote_name(LoggedSearch._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(LoggedSearch._meta.get_field(name).column) for name in ENTRY_FIELDS)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # A lost log line after a crash is acceptable; waiting for the disk on every batch is not.
        cursor.execute("SET LOCAL synchronous_commit = off")
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


# The buffer: a Redis list with django-redis, else a list kept in the (local-memory) cache. ---------------


def _redis():
    """The cache's Redis client and the buffer's key in it, or (None, key) for a cache that is not Redis."""
    cache = page_cache()
    client = getattr(cache, "client", None)
    if hasattr(client, "get_client"):  # django-redis
        return client.get_client(write=True), cache.make_key(BUFFER_KEY)
    return None, BUFFER_KEY


def _push(entries: list[list]) -> int:
    """Add entries at the end of the buffer; return how many are waiting."""
    client, key = _redis()
    if client is not None:
        return client.rpush(key, *(json.dumps(entry) for entry in entries))
    with _local_lock:
        waiting = page_cache().get(key, [])
        waiting.extend(entries)
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
