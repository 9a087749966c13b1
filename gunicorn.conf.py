"""Gunicorn settings; every value can be overridden by a GUNICORN_* environment variable.

Sync workers, one request each, sized to the CPU count: the site's requests are short and CPU-bound, and
a worker per request cannot be stalled by another. They expect a buffering proxy or load balancer in front
(docs/deployment.md); GUNICORN_THREADS above 1 switches to threaded workers where there is none.
"""

import gc
import ipaddress
import multiprocessing
import os
from pathlib import Path
from urllib.parse import urlsplit

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")


def database_on_this_host(url: str) -> bool:
    """Whether the database shares this host's cores: SQLite, a Unix socket or a loopback address."""
    parts = urlsplit(url)
    if not parts.scheme or parts.scheme.startswith("sqlite"):
        return True
    host = parts.hostname or ""
    if not host or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: another machine, or another container
        return False


# With the database on another host (the reference topology), each request waits on a network round trip per
# query, which twice the cores and one fill. Where it shares this host's cores, the workers, PostgreSQL and
# Redis compete for them, and cores + 1 served 15 to 20% more with a fifth to a quarter shorter p99
# (benchmarks/loadtest, docs/deployment.md): five CPU-bound workers on two cores queue in the scheduler.
cores = multiprocessing.cpu_count()
workers = int(
    os.environ.get("GUNICORN_WORKERS")
    or (cores + 1 if database_on_this_host(os.environ.get("DATABASE_URL", "")) else cores * 2 + 1)
)
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# A request stuck this long is killed and its worker replaced; pages answer in milliseconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers after a bounded number of requests so a slow leak can never grow unchecked; the
# jitter keeps them from all restarting at the same moment. Each restart loads Django again (about a
# second of CPU) and stalls the requests that meet it: at 2,000 a worker serving static files restarted
# every few seconds, which was the static file's p99 of 1 s (4 ms without). Workers stay near 120 MB
# resident after 10,000 mixed requests at 10,000 programmes (benchmarks/loadtest, docs/deployment.md), so a
# restart every 20,000 is ample.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 2000))
# The master loads Django, the URLs and the templates once and forks every worker from it, so a worker
# recycled after max_requests answers at once instead of spending that CPU second again while the others
# wait for the cores (it was the loadtest's p99 stalls). The price: `kill -HUP` restarts workers with the
# code the master loaded, so a deploy restarts the master (docs/deployment.md). GUNICORN_PRELOAD=false
# loads the application in each worker instead.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in {"0", "false", "no", "off"}
# Worker heartbeats in memory, not on a disk that may block under load (containers especially).
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"
# Django logs one line per request itself (monitoring/middleware.py: with the request id, the duration and
# the page-cache status), so gunicorn's own access log is off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    if server.cfg.preload_app:
        from hsmc_site.wsgi import warm_up

        warm_up()


def pre_fork(server, worker):
    # What the master loaded never changes: freezing it keeps it out of the workers' garbage collections,
    # which would otherwise walk it on every full collection and copy its memory pages as they go.
    gc.freeze()
