"""A circuit breaker for every use of the shared Redis: a hanging Redis costs one timeout, not one per call.

A Redis that refuses connections fails at once, but one that accepts them and never answers costs the
socket timeout on every cache call, and redis-py retries each call: sessions, the sign-in throttle, the
enquiry rate limit and the feeds' caches each paid it, several times a request. After one connection
error or timeout this pool's connections fail at once for CACHE_RETRY_SECONDS, which django-redis turns
into a cache miss (IGNORE_EXCEPTIONS) and the page cache into serving from the database; then Redis is
tried again.

Used by naming the pool class in the cache's OPTIONS: `"CONNECTION_POOL_CLASS": "pagecache.redis.CircuitBreakerPool"`.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.conf import settings
from redis import ConnectionPool
from redis.connection import AbstractConnection, Connection
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)


class CircuitOpen(ConnectionError):
    """Raised instead of talking to a Redis that failed within the last CACHE_RETRY_SECONDS."""


class _Circuit:
    """Open for a while after a failure; shared by every connection to the same server in this process."""

    def __init__(self, server: str):
        self.server = server
        self.open_until = 0.0
        self._lock = threading.Lock()

    def check(self) -> None:
        if time.monotonic() < self.open_until:
            raise CircuitOpen(f"Redis at {self.server} failed recently; not asking it again yet.")

    def trip(self, exc: BaseException) -> None:
        retry = settings.CACHE_RETRY_SECONDS
        with self._lock:
            newly_open = time.monotonic() >= self.open_until
            self.open_until = time.monotonic() + retry
        if newly_open:
            logger.warning(
                "Redis at %s is unreachable or not answering (%s: %s); the shared cache is bypassed for %s s.",
                self.server,
                type(exc).__name__,
                exc,
                retry,
            )

    def reset(self) -> None:
        self.open_until = 0.0


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()


def circuit_for(server: str) -> _Circuit:
    with _circuits_lock:
        return _circuits.setdefault(server, _Circuit(server))


def reset_circuits() -> None:
    """Close every circuit (tests, and a process that knows Redis is back)."""
    for circuit in list(_circuits.values()):
        circuit.reset()


class _GuardedConnection:
    """Mixed into redis-py's connection class for the URL's scheme (TCP, TLS or Unix socket)."""

    @functools.cached_property
    def circuit(self) -> _Circuit:
        server = getattr(self, "path", None) or f"{self.host}:{self.port}"
        return circuit_for(server)

    def connect_check_health(self, *args, **kwargs):
        self.circuit.check()
        try:
            return super().connect_check_health(*args, **kwargs)
        except (ConnectionError, TimeoutError) as exc:
            if not isinstance(exc, CircuitOpen):
                self.circuit.trip(exc)
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (ConnectionError, TimeoutError) as exc:
            self.circuit.trip(exc)
            raise


@functools.cache
def _guarded(connection_class: type[AbstractConnection]) -> type[AbstractConnection]:
    return type(f"Guarded{connection_class.__name__}", (_GuardedConnection, connection_class), {})


class CircuitBreakerPool(ConnectionPool):
    """redis-py's pool, handing out connections that go through the server's circuit."""

    def __init__(self, connection_class: type[AbstractConnection] = Connection, **kwargs):
        super().__init__(connection_class=_guarded(connection_class), **kwargs)
