"""Settings for the HSMC catalogue.

Everything that differs between machines is read from the environment here, and only here.
With nothing set, the site runs in development mode on a SQLite file in the project folder.
`DJANGO_ENV=production` turns DEBUG off and refuses to start without its secrets.
See `.env.example` for every variable. Settings are grouped by concern, each under a heading.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django_prose_editor.config import process_link
from js_asset import static_lazy

# ENVIRONMENT AND SECRETS
# ------------------------------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development").lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")
else:
    # A fixed, clearly insecure key for development only; production refuses to start without one.
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# APPS, MIDDLEWARE AND URLS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    # django.contrib.admin, with an admin site that can require two-factor sign-in (hsmc_site/admin_site.py).
    "hsmc_site.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "django_prose_editor",
    "imagekit",
    # Project apps, from the base up (each imports only those listed before it).
    "monitoring",
    "security",
    "pagecache",
    "publishing",
    "organisations",
    "topics",
    "faculty",
    "workstreams",
    "programmes",
    "research",
    "search",
    "contacts",
    "alerts",
    "api",
    "sitecontent",
    "dashboard",
    "hsmc_site",
    # Last, as its documentation asks: deletes the files of replaced and deleted images once the change commits.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    # First, so that its request id and duration cover everything below, cached pages included.
    "monitoring.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise so that static files get the security headers too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "security.middleware.SecurityHeadersMiddleware",
    # Before anything reads the address: a NUL byte in it is a 400, never a query that PostgreSQL refuses.
    "security.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers If-None-Match with 304, also for pages served from the page cache just below.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before sessions, CSRF and authentication, so that a cached page costs none of them.
    "pagecache.middleware.PageCacheMiddleware",
    # A page's kept values read from the shared cache in one round trip, when the page cache had no page.
    "pagecache.fragments.ReadTogetherMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "security.middleware.StaffSessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hsmc_site.urls"
WSGI_APPLICATION = "hsmc_site.wsgi.application"

# TEMPLATES AND FORMS
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "hsmc_site.context_processors.site",
                "publishing.context_processors.preview",
            ],
            # {% url %} with each path remembered for the life of the process, {% extends %} with the root
            # template's blocks found once per compiled template (issue 19).
            "builtins": ["publishing.templatetags.remembered_url", "publishing.templatetags.remembered_extends"],
        },
    },
]
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# DATABASE
# ------------------------------------------------------------------------------
# A SQLite file unless DATABASE_URL says otherwise (PostgreSQL in production and CI).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with the health check skipped for a connection used in the last second (issue 19).
    DATABASES["default"]["ENGINE"] = "hsmc_site.postgresql"
    # A database that accepts connections but never answers must cost a visitor seconds and a styled 503
    # (hsmc_site/resilience.py), not gunicorn's 30-second kill and a bare 500. The statement timeout also
    # bounds a query stuck behind a lock. Long maintenance (a migration, a full reindex) can lift it with
    # DB_STATEMENT_TIMEOUT_MS=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=env_int("DB_CONNECT_TIMEOUT", 3),
        options=f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 15_000)}",
    )
    if env_bool("DB_PREPARED_STATEMENTS", default=True):
        # Parameters sent apart from the SQL, and a statement that a connection runs again and again (a
        # page's own query) prepared after five runs: PostgreSQL then parses and plans it once per
        # connection, not on every request, which was a third to a half of its CPU per page (issue 19).
        # Off behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer before
        # 1.21, or without max_prepared_statements): docs/deployment.md.
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE AND PAGE CACHE
# ------------------------------------------------------------------------------
# Redis when REDIS_URL is set (shared by every process and host), otherwise local memory.
REDIS_URL = env("REDIS_URL")
# Sites (or test runs) that share one Redis database keep apart by prefix.
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX") or "hsmc"
# After a Redis error or timeout, every use of Redis is skipped for this long (pagecache/redis.py), so an
# outage, or a Redis that accepts connections and never answers, costs one timeout, not one per call.
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 30)
REDIS_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": 0.5,
    "SOCKET_TIMEOUT": 0.5,
    "CONNECTION_POOL_CLASS": "pagecache.redis.CircuitBreakerPool",
}
if REDIS_URL:
    CACHES = {
        # A Redis outage degrades to the database instead of failing requests.
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {**REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True},
        },
        # The page cache (pagecache/middleware.py) sees errors itself, so that it can serve from the database.
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": REDIS_OPTIONS,
        },
    }
    # The circuit breaker logs an outage once; django-redis would log every call skipped meanwhile.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
    # Sessions are read from Redis and written through to the database, so any host can serve any visitor
    # and a Redis restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # An admin CSV import is previewed in one request and confirmed in the next, perhaps on another host:
    # the uploaded file waits in Redis, not in one machine's temporary folder.
    IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole-page cache of anonymous GET responses, invalidated by every write to a table the page read
# (pagecache/middleware.py). On by default only with Redis: a per-process memory cache cannot tell the other
# processes that something was published.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=bool(REDIS_URL))
# How long a stored page may be served at most. This bounds what no database write announces: a
# scheduled publish-from time passing, and availability that changes with the date.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
# Values that every request of a page would compute alike and that grow with the catalogue (the facets'
# options and counts), kept in the same cache and invalidated by the same table versions as stored pages
# (pagecache/fragments.py). On by default where the page cache is: a per-process memory cache would not
# hear of writes made by other processes.
FRAGMENT_CACHE_ENABLED = env_bool("FRAGMENT_CACHE", default=bool(REDIS_URL))
# How many query-string variants of one path (filters, searches, pages) are stored per page lifetime.
PAGE_CACHE_MAX_VARIANTS = env_int("PAGE_CACHE_MAX_VARIANTS", 200)
# Cache-Control max-age of anonymous pages, for browsers, reverse proxies and CDNs.
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 60)

# STATIC FILES AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Formatted text (publishing.richtext): our Link replaces the editor's, so its dialog lists our pages.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {"js": [static_lazy("js/prose-own-links.js")], "extensions": {"OwnLink": process_link}},
]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Uploads are normally served by the object store or the proxy in front (docs/deployment.md). The app serves
# them itself in development, and where this is set: a single host with no proxy, the Lighthouse benchmark.
MEDIA_SERVED_BY_APP = env_bool("MEDIA_SERVED_BY_APP", default=DEBUG)
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads go through Django's storage API only, never open() on MEDIA_ROOT, so the backend is a setting.
# One host: the file system. Several hosts share an object store, e.g. S3 with django-storages[s3]:
# MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage and the MEDIA_S3_* variables (docs/deployment.md).
MEDIA_STORAGE_BACKEND = env("MEDIA_STORAGE_BACKEND") or "django.core.files.storage.FileSystemStorage"
MEDIA_STORAGE_OPTIONS = {}
if MEDIA_STORAGE_BACKEND.startswith("storages.backends.s3"):
    if not env("MEDIA_S3_BUCKET"):
        raise ImproperlyConfigured("MEDIA_S3_BUCKET must be set when MEDIA_STORAGE_BACKEND is S3.")
    MEDIA_STORAGE_OPTIONS = {
        "bucket_name": env("MEDIA_S3_BUCKET"),
        "region_name": env("MEDIA_S3_REGION") or None,
        "endpoint_url": env("MEDIA_S3_ENDPOINT_URL") or None,
        "custom_domain": env("MEDIA_S3_CUSTOM_DOMAIN") or None,
        # Photos are public: plain URLs a CDN can cache, and an upload never replaces another file.
        "querystring_auth": False,
        "file_overwrite": False,
    }
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION or env_bool("STATIC_MANIFEST")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Hashed static names never change content, so browsers and CDNs may keep them for a year.
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if PRODUCTION else 0

# LANGUAGE AND TIME ZONE
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# E-MAIL
# ------------------------------------------------------------------------------
# Django 6.1 MAILERS: printed to the console in development, SMTP in production.
EMAIL_BACKEND_PATH = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", default=True),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "HSMC <hsmc-noreply@example.ac.uk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ERROR REPORTING
# ------------------------------------------------------------------------------
# Sentry when SENTRY_DSN is set, with no personal data (monitoring/errors.py); otherwise Django e-mails
# each server error to ADMINS (comma-separated addresses).
ADMINS = [address.strip() for address in env("ADMINS", "").split(",") if address.strip()]
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    from monitoring.errors import scrub_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", DJANGO_ENV),
        release=env("SENTRY_RELEASE") or None,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=0.0,
    )

# THE CENTRE'S PUBLIC IDENTITY
# ------------------------------------------------------------------------------
# The public face of the centre, used in page chrome, structured data and feeds.
SITE_NAME = env("SITE_NAME", "Health Services Management Centre")
SITE_SHORT_NAME = env("SITE_SHORT_NAME", "HSMC")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CENTRE_EMAIL = env("CENTRE_EMAIL", "hsmc@example.ac.uk")
CENTRE_PHONE = env("CENTRE_PHONE", "")
CENTRE_ADDRESS = env("CENTRE_ADDRESS", "Health Services Management Centre, University of Birmingham")
CENTRE_POSTCODE = env("CENTRE_POSTCODE", "")
# Who awards the centre's qualifications, unless a programme names another body (XCRI-CAP awardedBy).
AWARDING_BODY = env("AWARDING_BODY", "University of Birmingham")

# ENQUIRIES
# ------------------------------------------------------------------------------
# The contacts app: routing, spam defences and data retention.
# Enquiries that no programme lead or work stream key contact can take go here.
ENQUIRY_FALLBACK_EMAIL = env("ENQUIRY_FALLBACK_EMAIL") or CENTRE_EMAIL
# Closed enquiries are deleted this many months after closing (manage.py purge_enquiries).
ENQUIRY_RETENTION_MONTHS = env_int("ENQUIRY_RETENTION_MONTHS", 24)
# At most ENQUIRY_RATE_LIMIT submissions per client address in ENQUIRY_RATE_WINDOW seconds (shared via the cache).
ENQUIRY_RATE_LIMIT = env_int("ENQUIRY_RATE_LIMIT", 5)
ENQUIRY_RATE_WINDOW = env_int("ENQUIRY_RATE_WINDOW", 600)
# A form sent sooner than this many seconds after it was shown is treated as automated.
ENQUIRY_MIN_SECONDS = env_int("ENQUIRY_MIN_SECONDS", 3)
# A form older than this many seconds must be sent again (what was typed is kept).
ENQUIRY_FORM_MAX_AGE = env_int("ENQUIRY_FORM_MAX_AGE", 60 * 60 * 24)

# E-MAIL ALERTS (alerts/): "e-mail me when applications open"
# A request must be confirmed within this many days; unconfirmed ones are then deleted (manage.py purge_alerts).
ALERT_CONFIRM_DAYS = env_int("ALERT_CONFIRM_DAYS", 7)
# How long the link to see and cancel one's alerts works.
ALERT_MANAGE_LINK_DAYS = env_int("ALERT_MANAGE_LINK_DAYS", 7)
# The reminder goes this many days before an intake's application deadline.
ALERT_REMINDER_DAYS = env_int("ALERT_REMINDER_DAYS", 14)
# An address is deleted this many months after the last alert sent to it (or after it subscribed, if none was).
ALERT_RETENTION_MONTHS = env_int("ALERT_RETENTION_MONTHS", 24)
# At most ALERT_RATE_LIMIT alert forms per client address in ALERT_RATE_WINDOW seconds (shared via the cache).
ALERT_RATE_LIMIT = env_int("ALERT_RATE_LIMIT", 5)
ALERT_RATE_WINDOW = env_int("ALERT_RATE_WINDOW", 600)

# EDITORIAL WORKFLOW AND BACKGROUND WORK
# ------------------------------------------------------------------------------
# publishing/workflow.py. With review on, content editors save drafts and submit them, and only Publishers
# publish, approve, reject and schedule; a small team can switch it off so that everyone who edits may publish.
PUBLISHING_REVIEW_REQUIRED = env_bool("PUBLISHING_REVIEW", default=True)
# Django's tasks framework (workflow e-mails). The immediate backend runs a task as soon as it is enqueued
# (after the transaction commits), so development and the tests need no worker.
# Django's tasks framework (e-mails, search reindexing after bulk changes). Production queues tasks in the
# database (django-tasks-db) for a worker process, `manage.py db_worker` (docs/deployment.md); development
# and the tests run them at once after the commit, so `make run` needs no worker.
TASKS_BACKEND = env("TASKS_BACKEND", "database" if PRODUCTION else "immediate")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# manage.py check_links asks only public addresses, never hosts on the site's own network (tests allow them).
LINK_CHECK_PRIVATE_ADDRESSES = env_bool("LINK_CHECK_PRIVATE_ADDRESSES", default=False)
# A change that touches more search documents than this is reindexed by a task, not in the request.
SEARCH_REINDEX_INLINE_LIMIT = env_int("SEARCH_REINDEX_INLINE_LIMIT", 50)
# Likewise the links kept for detail pages (pagecache/kept.py): past this many pages at once, a task keeps them.
KEPT_LINKS_INLINE_LIMIT = env_int("KEPT_LINKS_INLINE_LIMIT", 50)
# A failed e-mail is tried again after each of these many seconds, then marked failed in the admin.
TASK_RETRY_DELAYS = [int(seconds) for seconds in env("TASK_RETRY_DELAYS", "60,240,600").split(",") if seconds.strip()]

# API
# ------------------------------------------------------------------------------
# Read-only public JSON API (api/): anonymous, JSON only, so no session, CSRF or draft preview applies.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HSMC catalogue API",
    "DESCRIPTION": "Read-only JSON API of the published catalogue: programmes, research projects, people, "
    "work streams and organisations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "ProgrammeKindEnum": "programmes.models.Programme.Kind",
        "OrganisationKindEnum": "organisations.models.Organisation.Kind",
        "OutputKindEnum": "research.models.ResearchOutput.Kind",
    },
}
# CORS: anyone may read the API from a browser; nothing else on the site is shared cross-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]

# LOGGING
# ------------------------------------------------------------------------------
# Plain lines for people in development; in production one JSON object per line for the log pipeline,
# each with the id of the request it belongs to (monitoring/), which responses send as X-Request-ID.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'plain'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "monitoring.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "{levelname} {name}: {message}", "style": "{"},
        "json": {"()": "monitoring.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per request (monitoring/): production's access log; in development runserver prints its own.
        "monitoring.requests": {
            "level": env("REQUEST_LOG_LEVEL", env("LOG_LEVEL", "INFO") if PRODUCTION else "WARNING")
        },
        # django-axes announces itself at every start; its warnings (failed sign-ins, lockouts) still show.
        "axes.apps": {"level": "WARNING"},
    },
}

# HTTPS, PROXIES AND COOKIES
# ------------------------------------------------------------------------------
# Production hardening. Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER_NAME
# (for example HTTP_X_FORWARDED_PROTO) so Django knows the original request was HTTPS.
# See SECURITY.md for what each of these protects against and the production checklist.
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless Secure, host-only and Path=/.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    proxy_header = env("SECURE_PROXY_SSL_HEADER_NAME", "HTTP_X_FORWARDED_PROTO")
    if proxy_header:
        SECURE_PROXY_SSL_HEADER = (proxy_header, "https")
# Reverse proxies in front of the app that append to X-Forwarded-For (0: trust only REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Load balancers probe the health check over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# An absolute limit on any session; staff sessions also end after STAFF_SESSION_IDLE_MINUTES idle.
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True

# SECURITY HEADERS AND CSP
# ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's built-in CSP), in every environment so that developers see
# violations early. No 'unsafe-inline' and no 'unsafe-eval': every script and style is a static file.
# JSON-LD blocks (<script type="application/ld+json">) are data, not scripts, and need no exception.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if CSP_REPORT_URI := env("CSP_REPORT_URI"):
    SECURE_CSP["report-uri"] = [CSP_REPORT_URI]
# The admin alone (security.middleware.SecurityHeadersMiddleware applies it under ADMIN_PATH) gets
# narrow exceptions for Django's and third-party admin templates: the per-request nonce that Django's
# change list puts on its one <style> block, and the exact inline attributes of django-import-export's
# export page and django-simple-history's history page, allowed by hash ('unsafe-hashes' admits only
# these listed values, never any other inline code). tests/security/test_csp_browser.py proves it.
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    # The nonce admits the formatted-text editor's import map (an inline JSON <script type="importmap">
    # that django-js-asset renders with Django's nonce); every script it maps is a file of ours.
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [
        CSP.SELF,
        CSP.NONCE,
        # The one <style> block the editor's Tiptap core injects (its fixed base styles), by hash.
        "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",
    ],
    "style-src-attr": [
        CSP.UNSAFE_HASHES,
        "'sha256-mHgUAqxc8GPXM/QhzkHrHujcrQTU9fd6ZjWz+icxKcA='",  # padding: 0;
        "'sha256-+YWRMZ88jMyO7jVlBA52tZADiPobPIUA8LAWee68Fvs='",  # font-weight: bold;
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",  # border-top: 0
    ],
    "script-src-attr": [
        CSP.UNSAFE_HASHES,
        "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",  # onSelectToggleChange(event)
    ],
}
# Browser features the site never uses, switched off for it and for anything it might embed. Only names
# Chromium recognises (an unknown one logs a console warning; the browser test checks there is none).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "clipboard-read",
        "compute-pressure",
        "display-capture",
        "encrypted-media",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}
# Where to report a vulnerability, published at /.well-known/security.txt: a mailto: or https: URI.
SECURITY_CONTACT = env("SECURITY_CONTACT", CENTRE_EMAIL)
if "@" in SECURITY_CONTACT and not SECURITY_CONTACT.startswith(("mailto:", "https:")):
    SECURITY_CONTACT = f"mailto:{SECURITY_CONTACT}"

# STAFF ADMIN AND SIGN-IN
# ------------------------------------------------------------------------------
# Where the admin lives; SECURITY.md advises a non-obvious path in production.
ADMIN_PATH = env("ADMIN_PATH", "admin/").strip("/") + "/"
# Each record's History page can revert it to any earlier version.
SIMPLE_HISTORY_REVERT_DISABLED = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every sign-in first and refuses it while the account or the address is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# django-axes locks out an account, and separately a client address, after
# AXES_FAILURE_LIMIT failed attempts, for AXES_COOLOFF_MINUTES; staff unlock early in the admin
# ("Access attempts": delete the rows) or with `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "hsmc_site.admin_site.lockout_response"
# Behind TRUSTED_PROXY_COUNT proxies the client address comes from X-Forwarded-For, not the proxy's own.
AXES_CLIENT_IP_CALLABLE = "security.clients.client_ip_address"

# Two-factor sign-in (django-otp, TOTP apps such as Microsoft Authenticator). When required, every staff
# member must set up and use an authenticator app; when not, it still applies to anyone who has set one up.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", default=PRODUCTION)
OTP_TOTP_ISSUER = SITE_SHORT_NAME
# Admins can delete a lost device but never read another person's secret key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 30)
