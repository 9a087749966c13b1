"""The shared page cache for anonymous visitors, and the HTTP caching headers of every page.

Whole pages, not fragments: a catalogue page is the same for every anonymous visitor, so caching the
complete response lets a hit skip sessions, authentication, every SQL query and all template work, which
is what keeps the site up when thousands of people arrive at once. Pages that are personal never enter
the cache: staff (or anyone with a session), pages that set a cookie (forms with a CSRF token, messages),
pages that carry a CSP nonce, and views that say `private`, `no-cache` or `no-store` (`never_cache`).

Two opt-ins let a view whose page is the same for every anonymous visitor be cached all the same:
`cache_although_private(response)` stores a `private` response here while it stays private to every other
cache (proxies, CDNs), and `call_when_served(response, function, *args)` has the middleware call
`function(request, *args)` each time the page is sent, rendered or from the cache, for work that a
cached page must not skip. The search page uses both: what people search for is their own business,
and each search is counted in the search log (search.log).

Invalidation is by database table, across every process and host:

- Every write statement that Django sends to the database (INSERT, UPDATE, DELETE, TRUNCATE), from any
  process (a web worker, the admin, a management command, a CSV import, `QuerySet.update()`), gives the
  table a new random version token in the shared cache: immediately, and again when the transaction
  commits, which closes the window in which a concurrent reader could store data read before the commit.
- A page rendered for the cache records the tables its queries read, and is stored with the version
  tokens those tables had before rendering began.
- A stored page is served only while all of those tokens are unchanged. Publishing, editing or
  unpublishing a record therefore invalidates exactly the pages that read its table, everywhere, at once.
- Stored pages also expire after PAGE_CACHE_SECONDS. That bounds what no write announces: a scheduled
  publish-from time passing, and availability ("open for applications") that changes with the date.
- One request at a time renders a page: when a page has expired the others get the expired copy for
  up to STALE_SECONDS meanwhile; when it is missing or has changed they wait for it briefly. A popular
  page is never rendered by every worker at once, not even just after a publish.

Pages are keyed by scheme, host (without port), path and query string (without tracking parameters, in
a stable order: pagecache/normalise.py), and by the static files manifest, so that during a rolling
deploy each release serves only pages that link to its own hashed static files. At most
PAGE_CACHE_MAX_VARIANTS entries of one path are stored per page lifetime, so endless query strings
cannot fill the cache.

Shareable pages are stored gzipped and sent gzipped to clients that accept it (plain to the rest): a
catalogue page shrinks about tenfold, which matters more under load than the one compression per render.

If the cache (Redis) is unreachable, pages are served from the database: a warning is logged and the cache
is left alone for CACHE_RETRY_SECONDS before it is tried again.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gzip
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.module_loading import import_string
from django.utils.regex_helper import _lazy_re_compile
from isal import igzip

from .normalise import forget_unknown_session, key_url, strip_tracking_parameters

logger = logging.getLogger(__name__)

TABLE_KEY = "pagecache:table:"
# The entry's layout is part of the key, so that releases with different layouts never read each other's.
PAGE_KEY = "pagecache:page:v2:"
VARIANTS_KEY = "pagecache:variants:"
# Bookkeeping that no public page shows; versioning it would only cost a cache write per request.
UNTRACKED_TABLES = frozenset({"django_session"})
# Headers a cached page may vary on: the key already covers anonymous visitors, and each client is sent
# the encoding it accepts. Anything else (Accept, Origin, Accept-Language) keeps the page out of the cache.
SHAREABLE_VARY = frozenset({"cookie", "accept-encoding"})
UNCACHEABLE_DIRECTIVES = ("private", "no-cache", "no-store")
CACHE_STATUS_HEADER = "X-Page-Cache"
# Set per response when the page is sent, never stored.
UNSTORED_HEADERS = frozenset({"content-length", "content-encoding", CACHE_STATUS_HEADER.lower()})
MIN_GZIP_BYTES = 500
MAX_DEPENDENCY_HINTS = 10_000
# After its lifetime a page is kept this much longer, given to others while one request renders it again.
STALE_SECONDS = 30
# How long other requests wait for the one rendering a page, and how often they look; a claim left by a
# request that died expires after RENDER_CLAIM_SECONDS (gunicorn's timeout).
RENDER_WAIT_SECONDS = 5.0
RENDER_POLL_SECONDS = 0.02
RENDER_CLAIM_SECONDS = 30
# What lookup() found, also sent as the X-Page-Cache header (except PASS: a page that cannot be shared).
HIT, STALE, MISS, PASS = "hit", "stale", "miss", "pass"
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "image/svg+xml",
)

_WRITE_RE = _lazy_re_compile(
    r"\s*(INSERT\s+(?:OR\s+\w+\s+|IGNORE\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(.*)",
    re.I | re.S,
)
_QUOTED_NAME_RE = _lazy_re_compile(r'["`]([^"`]+)["`]')
_ACCEPTS_GZIP_RE = _lazy_re_compile(r"\bgzip\b")
_READ_RE = _lazy_re_compile(r'\b(?:FROM|JOIN)\s+["`]([^"`]+)["`]', re.I)

# The tables read while a page renders for the cache; None when no page is being recorded.
_tables_read: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("tables_read", default=None)
# True inside `versions_frozen()`: writes that will be rolled back, which no stored page needs to hear of.
_versions_frozen: contextvars.ContextVar[bool] = contextvars.ContextVar("versions_frozen", default=False)
# Inside a request for a page: the kept values and table versions read from the cache so far (key -> value,
# None when absent), so that a page's kept values come in one round trip (pagecache.fragments). Any write
# empties it: what the request reads afterwards is read again.
_request_reads: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request_reads", default=None)


def page_cache():
    """The cache that holds pages and table versions: a dedicated alias when configured, else the default.

    With Redis, the `pages` alias does not swallow errors (unlike `default`), so an outage is noticed,
    logged once and bridged instead of costing a timeout on every request.
    """
    return caches["pages" if "pages" in settings.CACHES else "default"]


class _Breaker:
    """Stops using an unreachable cache for a while, so an outage costs one timeout, not one per request."""

    def __init__(self):
        self.open_until = 0.0

    def closed(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self, exc: BaseException) -> None:
        retry = settings.CACHE_RETRY_SECONDS
        if self.closed():
            logger.warning(
                "The page cache is unreachable (%s: %s); serving pages from the database and retrying in %s s.",
                type(exc).__name__,
                exc,
                retry,
            )
        self.open_until = time.monotonic() + retry

    def reset(self) -> None:
        self.open_until = 0.0


breaker = _Breaker()


def wall_clock() -> float:
    """Seconds since the epoch: when stored pages stop being fresh, comparable across hosts."""
    return time.time()


# Table versions -------------------------------------------------------------------------------------


@functools.cache
def tracked_tables() -> frozenset[str]:
    """Every table a page could read: all installed models and their many-to-many tables."""
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True)) - UNTRACKED_TABLES


def written_tables(sql: str) -> list[str]:
    """The table(s) a write statement changes; [] for anything that is not a write."""
    head = sql.lstrip()[:8].upper()
    if not head.startswith(("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REPLACE")):
        return []
    match = _WRITE_RE.match(sql)
    if match is None:
        return []
    names = _QUOTED_NAME_RE.findall(match.group(2))
    return names if match.group(1).upper().startswith("TRUNCATE") else names[:1]


def _new_token() -> int:
    # An integer: django-redis stores and reads those without pickling, and a hit reads a dozen of them.
    return secrets.randbits(62)


def bump(tables: Iterable[str]) -> None:
    """Give each table a new version token, so that every stored page that read it is stale everywhere."""
    if (reads := _request_reads.get()) is not None:
        reads.clear()
    keys = [TABLE_KEY + table for table in set(tables) if table in tracked_tables()]
    if not keys or not breaker.closed():
        return
    token = _new_token()
    try:
        page_cache().set_many(dict.fromkeys(keys, token), timeout=None)
    except Exception as exc:  # a cache outage must never fail a database write
        breaker.trip(exc)


@contextlib.contextmanager
def versions_frozen():
    """Writes inside this block give their tables no new version: for work that is always rolled back, such
    as a preview that renders unpublished changes from the database and then discards them, and for writes
    that change nothing a page shows (data kept for pages that they would otherwise read themselves)."""
    token = _versions_frozen.set(True)
    try:
        yield
    finally:
        _versions_frozen.reset(token)


def invalidate_all_pages() -> None:
    """Make every stored page stale, for changes that reach the database without Django (raw psql, restores)."""
    bump(tracked_tables())


def _observe_queries(execute, sql, params, many, context):
    """Installed on every database connection: records what pages read and versions what anything writes."""
    if isinstance(sql, str):
        reads = _tables_read.get()
        if reads is not None:
            reads.update(_READ_RE.findall(sql))
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and not _versions_frozen.get() and (tables := written_tables(sql)):
        bump(tables)
        connection = context["connection"]
        if connection.in_atomic_block:
            transaction.on_commit(functools.partial(bump, tables), using=connection.alias, robust=True)
    return result


def install_query_observer(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver. Inserted first so that `execute_wrapper()` blocks, which pop the
    last wrapper when they end, never remove it."""
    if _observe_queries not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _observe_queries)


class DependencyHints:
    """Entry key -> the table version keys the entry depended on when this process last read or stored it.

    A stored page or fragment is only good while those versions are unchanged. With a hint, the entry and
    the current versions come back in one round trip to the cache instead of two; a wrong or missing hint
    costs the second trip and is corrected. A bound, not an LRU: workers are recycled anyway.
    """

    def __init__(self, limit: int = MAX_DEPENDENCY_HINTS):
        self.limit = limit
        self._hints: dict[str, tuple[str, ...]] = {}
        # The same few sets of tables for many keys (every programme card reads the same tables): one tuple each.
        self._shared: dict[tuple[str, ...], tuple[str, ...]] = {}

    def get(self, key: str) -> tuple[str, ...]:
        return self._hints.get(key, ())

    def note(self, key: str, table_keys) -> None:
        table_keys = tuple(sorted(table_keys))
        if self._hints.get(key) == table_keys:
            return
        if len(self._hints) >= self.limit:
            self._hints.clear()
            self._shared.clear()
        self._hints[key] = self._shared.setdefault(table_keys, table_keys)

    def read(self, cache, keys: list[str], hint: str) -> tuple[dict, dict]:
        """The stored entries of `keys`, and the current versions the hint for `hint` names (None if absent)."""
        hinted = self.get(hint)
        found = cache.get_many([*keys, *hinted])
        return {key: found[key] for key in keys if key in found}, {table: found.get(table) for table in hinted}


def _table_versions() -> dict[str, int] | None:
    """Current version token of every tracked table, creating any that are missing; None if unreachable."""
    cache = page_cache()
    keys = [TABLE_KEY + table for table in tracked_tables()]
    try:
        versions = cache.get_many(keys)
        for key in keys:
            if versions.get(key) is None:
                token = _new_token()
                if not cache.add(key, token, timeout=None):
                    token = cache.get(key)
                if token is None:
                    return None
                versions[key] = token
    except Exception as exc:
        breaker.trip(exc)
        return None
    return versions


# What a view may ask of the page cache ----------------------------------------------------------------


def cache_although_private(response) -> None:
    """Let the page cache store `response` and serve it to anonymous visitors, though it says `private`.

    For a page that is the same for every anonymous visitor but that no other cache should keep. The
    response stays `private` to browsers and proxies; `no-cache` and `no-store` still keep it out, and
    personal responses (staff, cookies, a CSP nonce) never get in whatever the view says.
    """
    response.page_cache_although_private = True


def call_when_served(response, function, *args) -> None:
    """Call `function(request, *args)` each time this response's page is sent: rendered or from the cache.

    The call is stored with the page as the function's dotted path and `args`, so the function must be
    defined at module level and the arguments be plain picklable data. It runs on every request for the
    page, hits included, so it must be quick; an exception in it is logged and the page still sent.
    """
    response.page_cache_on_serve = (f"{function.__module__}.{function.__qualname__}", args)


@functools.cache
def _served_hook(path: str):
    return import_string(path)


def _call_served_hook(request, response) -> None:
    on_serve = getattr(response, "page_cache_on_serve", None)
    if on_serve is None:
        return
    path, args = on_serve
    try:
        _served_hook(path)(request, *args)
    except Exception:
        logger.exception("%s failed for %s; the page was sent all the same.", path, request.path)


# Which requests and responses may be shared ------------------------------------------------------------


@functools.cache
def _admin_prefix() -> str:
    return "/" + settings.ADMIN_PATH.strip("/") + "/"


def is_anonymous_read(request) -> bool:
    """A GET or HEAD of a public page that carries nothing personal.

    A session cookie that names no session is dropped first (one session lookup), so that a made-up
    cookie cannot buy a fresh render of every page.
    """
    if request.method not in ("GET", "HEAD") or request.path_info.startswith(_admin_prefix()):
        return False
    meta = request.META
    if "HTTP_AUTHORIZATION" in meta or "HTTP_ORIGIN" in meta:
        return False
    forget_unknown_session(request)
    return not may_be_signed_in(request) and CookieStorage.cookie_name not in request.COOKIES


def may_be_signed_in(request) -> bool:
    """Whether someone may be signed in: only with a session cookie or an Authorization header.

    Asked instead of `request.user`, whose first use reads the session and checks the authenticator, 20 to
    30 microseconds of a page that nobody signed in asks for (issue 19). A view that signs someone in sets
    the session cookie on its response.
    """
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META


def _directives(response) -> set[str]:
    value = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in value.split(",") if part.strip()}


def _is_personal(request, response) -> bool:
    return bool(response.cookies) or may_be_signed_in(request)  # cookies: a CSRF token, a message, a session


def set_cache_headers(request, response) -> bool:
    """Mark personal responses private and anonymous pages public; return whether the page is shareable."""
    if _is_personal(request, response):
        patch_cache_control(response, private=True, no_store=True)
        return False
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
        return False
    if response.has_header("Cache-Control"):  # the view decided
        refused = set(UNCACHEABLE_DIRECTIVES)
        if getattr(response, "page_cache_although_private", False):  # cache_although_private()
            refused.discard("private")
        return not _directives(response) & refused
    patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
    return True


def _storable(request, response) -> bool:
    if request.method != "GET" or response.has_header("Content-Encoding"):
        return False
    if getattr(request, "_csp_nonce", None):  # a nonce in the page is valid for one response only
        return False
    if hasattr(response, "_csp_config") or hasattr(response, "_csp_ro_config"):  # a per-view policy
        return False
    vary = {field.strip().lower() for field in response.get("Vary", "").split(",") if field.strip()}
    return vary <= SHAREABLE_VARY


def _prepare(response) -> bool:
    """Give a shareable response its ETag, and Vary on Accept-Encoding if its body is worth gzipping; say if so."""
    if not response.has_header("ETag"):
        # SHA-1 where Django's set_response_etag() takes MD5: a third of the time on the CPUs that compute it
        # in hardware, as most servers' do (82 kB of a catalogue page at 1,000 programmes: 110 -> 43 µs; issue
        # 19). Any digest that changes with the body makes an ETag; neither is asked to resist an attacker.
        response.headers["ETag"] = quote_etag(hashlib.sha1(response.content, usedforsecurity=False).hexdigest())
    if (
        len(response.content) < MIN_GZIP_BYTES
        or response.has_header("Content-Encoding")
        or not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
    ):
        return False
    patch_vary_headers(response, ("Accept-Encoding",))
    return True


def gzip_to_store(body: bytes) -> bytes:
    """A page stored in the cache is compressed once and sent many times: worth zlib's slower, smaller level
    (174 microseconds for the demo catalogue's 21 kB, to 3.9 kB)."""
    return gzip.compress(body, compresslevel=6, mtime=0)


def gzip_to_send(body: bytes) -> bytes:
    """A page rendered for one response (the page cache missed, or is off) is compressed on every request:
    ISA-L's fastest level, a third of the CPU of zlib's fastest for fewer bytes (the demo catalogue 68 -> 21
    microseconds, 4.5 -> 4.4 kB; a work stream page 95 -> 24), and plain gzip to every client."""
    return igzip.compress(body, compresslevel=1, mtime=0)


def _encode(response, compress: Callable[[bytes], bytes]) -> tuple[bytes, bool]:
    """Prepare a shareable response (`_prepare`) and return its body: `compress`ed when that pays.

    Public pages carry no secret (nothing personal is shareable), so compressing them cannot leak
    one to a BREACH-style attack.
    """
    if not _prepare(response):
        return response.content, False
    return compress(response.content), True


def _accepts_gzip(request) -> bool:
    return bool(_ACCEPTS_GZIP_RE.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _send_gzipped(response, body: bytes) -> None:
    response.content = body
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(body))
    etag = response.get("ETag", "")
    if etag.startswith('"'):  # other bytes than the plain body's: a weak validator
        response.headers["ETag"] = "W/" + etag


# The middleware --------------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serves anonymous GET and HEAD requests from the shared cache, and stores what may be shared.

    Goes before the session, CSRF and authentication middleware, so that a hit costs none of them, and
    after ConditionalGetMiddleware, which answers If-None-Match with 304 from the stored ETag. Shareable
    responses are gzipped for clients that accept it, whether or not the page cache is on.

    One request at a time renders a given page: when a popular page is missing or has changed (a
    publish in the middle of a rush), the others wait up to RENDER_WAIT_SECONDS for it rather than all
    rendering it at once; when it has merely expired, they are given the expired copy meanwhile. A page
    that cannot be shared (a form, a 404, a private response) is remembered as such for its lifetime,
    so that its requests are neither held up nor charged for the cache's bookkeeping.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Pages link to hashed static files: each release keeps its own pages.
        self.release = getattr(staticfiles_storage, "manifest_hash", "") or ""
        self.dependency_hints = DependencyHints()

    def __call__(self, request):
        strip_tracking_parameters(request)
        response = self.serve(request)
        # Whichever way the page came, rendered or from the cache, the view's call_when_served() runs.
        _call_served_hook(request, response)
        return response

    def serve(self, request):
        if not (settings.PAGE_CACHE_ENABLED and breaker.closed() and is_anonymous_read(request)):
            return self.respond(request)
        key = self.key(request)
        state, cached = self.lookup(key, request)
        if state == HIT or (state == STALE and request.method == "HEAD"):
            return cached
        if state == PASS or request.method == "HEAD":  # a HEAD has no body to store
            return self.respond(request)
        if self.claim(key):
            try:
                return self.render(request, key)
            finally:
                self.unclaim(key)
        if state == STALE:
            return cached
        if (waited := self.wait(key, request)) is not None:
            return waited
        return self.render(request, key)

    def respond(self, request):
        """The response from the view, with caching headers and compression but without the cache."""
        response = self.get_response(request)
        if set_cache_headers(request, response):
            if _accepts_gzip(request):
                body, gzipped = _encode(response, gzip_to_send)
                if gzipped:
                    _send_gzipped(response, body)
            else:
                _prepare(response)
        return response

    def render(self, request, key: str):
        """Render the page for the cache: record the tables it reads, then store it, or mark it unshareable."""
        versions = _table_versions()
        recording = _tables_read.set(set())
        try:
            response = self.get_response(request)
            tables = _tables_read.get()
        finally:
            _tables_read.reset(recording)
        shareable = set_cache_headers(request, response)
        body, gzipped = _encode(response, gzip_to_store) if shareable else (b"", False)
        if versions is not None and self.admit_variant(request):
            table_keys = {TABLE_KEY + table for table in tables}
            depends_on = {table_key: versions[table_key] for table_key in table_keys & versions.keys()}
            if shareable and _storable(request, response):
                self.store(key, response, depends_on, body, gzipped)
            elif response.status_code < 500:  # an outage must not keep the page out of the cache
                self.store_pass(key, depends_on)
        if gzipped and _accepts_gzip(request):
            _send_gzipped(response, body)
        return response

    def key(self, request) -> str:
        url = f"{self.release}|{key_url(request)}"
        return PAGE_KEY + hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()

    def admit_variant(self, request) -> bool:
        """Whether one more entry for this path may be stored: at most PAGE_CACHE_MAX_VARIANTS a lifetime.

        Query strings are endless (`?q=` takes any words), so without a bound one path could fill Redis.
        Past it, pages are still rendered and sent, just not kept.
        """
        counter = VARIANTS_KEY + hashlib.md5(request.path.encode(), usedforsecurity=False).hexdigest()
        cache = page_cache()
        try:
            cache.add(counter, 0, timeout=settings.PAGE_CACHE_SECONDS + STALE_SECONDS)
            return cache.incr(counter) <= settings.PAGE_CACHE_MAX_VARIANTS
        except ValueError:  # the counter expired between the two calls: a new lifetime begins
            return True
        except Exception as exc:
            breaker.trip(exc)
            return False

    def lookup(self, key: str, request) -> tuple[str, HttpResponse | None]:
        """(HIT, page), (STALE, page) past its lifetime, (PASS, None) if unshareable, else (MISS, None).

        The page and the current versions of the tables it read last time are fetched together in one
        round trip; only when its tables changed since this process last saw it does a second follow.
        """
        cache = page_cache()
        try:
            stored, found = self.dependency_hints.read(cache, [key], key)
            entry = stored.get(key)
            if entry is None:
                return MISS, None
            depends_on, status, headers, body, gzipped, fresh_until, on_serve = entry
            if missing := [table_key for table_key in depends_on if table_key not in found]:
                found.update(cache.get_many(missing))
                self.dependency_hints.note(key, depends_on)
            if any(found.get(table_key) != token for table_key, token in depends_on.items()):
                return MISS, None
        except Exception as exc:
            breaker.trip(exc)
            return MISS, None
        state = HIT if wall_clock() < fresh_until else STALE
        if status is None:  # the marker of a page that cannot be shared
            return (PASS, None) if state == HIT else (MISS, None)
        response = HttpResponse(status=status)
        for name, value in headers:
            response.headers[name] = value
        if gzipped and _accepts_gzip(request):
            _send_gzipped(response, body)
        else:
            response.content = gzip.decompress(body) if gzipped else body
            response.headers["Content-Length"] = str(len(response.content))
        response.headers[CACHE_STATUS_HEADER] = state
        if on_serve is not None:
            response.page_cache_on_serve = on_serve
        return state, response

    def claim(self, key: str) -> bool:
        """Become the one request that renders this page; False if another request already is."""
        try:
            return page_cache().add(key + ":render", 1, timeout=RENDER_CLAIM_SECONDS)
        except Exception as exc:
            breaker.trip(exc)
            return True

    def unclaim(self, key: str) -> None:
        try:
            page_cache().delete(key + ":render")
        except Exception as exc:
            breaker.trip(exc)

    def wait(self, key: str, request) -> HttpResponse | None:
        """The page another request is rendering, once stored; None to render it here after all."""
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline and breaker.closed():
            time.sleep(RENDER_POLL_SECONDS)
            state, cached = self.lookup(key, request)
            if state in (HIT, STALE):
                return cached
            if state == PASS:
                return self.respond(request)
            try:
                if not page_cache().has_key(key + ":render"):  # it finished without storing the page
                    return None
            except Exception as exc:
                breaker.trip(exc)
        return None

    def store(self, key: str, response, depends_on: dict[str, int], body: bytes, gzipped: bool) -> None:
        headers = [(name, value) for name, value in response.headers.items() if name.lower() not in UNSTORED_HEADERS]
        lifetime = settings.PAGE_CACHE_SECONDS
        on_serve = getattr(response, "page_cache_on_serve", None)
        entry = (depends_on, response.status_code, headers, body, gzipped, wall_clock() + lifetime, on_serve)
        try:
            page_cache().set(key, entry, timeout=lifetime + STALE_SECONDS)
        except Exception as exc:
            breaker.trip(exc)
            return
        self.dependency_hints.note(key, depends_on)
        response.headers[CACHE_STATUS_HEADER] = MISS

    def store_pass(self, key: str, depends_on: dict[str, int]) -> None:
        """Remember that this page cannot be shared, until its lifetime ends or a table it read changes."""
        lifetime = settings.PAGE_CACHE_SECONDS
        try:
            marker = (depends_on, None, None, None, None, wall_clock() + lifetime, None)
            page_cache().set(key, marker, timeout=lifetime)
        except Exception as exc:
            breaker.trip(exc)
            return
        self.dependency_hints.note(key, depends_on)
