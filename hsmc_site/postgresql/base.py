"""Django's PostgreSQL backend, with the connection health check skipped for a connection in use a moment ago.

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` before the first query of every request that reuses a
persistent connection, so that a connection PostgreSQL dropped while it sat idle (a restart, a failover, an
idle timeout on the way) is replaced instead of failing a visitor's request. That is a second round trip for
a page that makes one query (search): 50 µs of the worker's CPU and 30 of PostgreSQL's (issue 19). A
connection that answered a query less than `HEALTH_CHECK_IDLE_SECONDS` ago is as alive as the check could
show, so it is checked only after that long unused, as connection pools do (HikariCP's "alive bypass
window"). A connection that breaks within the window fails that query, which Django closes the connection
for, as without health checks; the next request connects again.
"""

import time

from django.db.backends.postgresql import base

# Unused this long, a connection is checked before the first query of the next request that reuses it.
HEALTH_CHECK_IDLE_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    last_used = float("-inf")

    def close_if_health_check_failed(self):
        if self.connection is not None and time.monotonic() - self.last_used < HEALTH_CHECK_IDLE_SECONDS:
            self.health_check_done = True
        super().close_if_health_check_failed()

    def _cursor(self, name=None):
        cursor = super()._cursor(name)
        self.last_used = time.monotonic()
        return cursor
