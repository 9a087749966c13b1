"""Fast settings for the test suite; the database still comes from DATABASE_URL."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Room for every kept card of a large catalogue (benchmarks/render): at the default 300 entries the cache
# culls a third of itself at random, table versions included, and pages that should be kept are not.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 100_000}}}
# Pages go through the page cache as in production (whether or not REDIS_URL is set), so that a page
# which could be served stale fails its own tests. tests/conftest.py empties the cache for each test.
# PAGE_CACHE=off switches it off, for a benchmark that must measure rendering rather than the cache.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=True)  # noqa: F405
# Likewise the fragments the pages are made from (pagecache/fragments.py); FRAGMENT_CACHE=off measures without.
FRAGMENT_CACHE_ENABLED = env_bool("FRAGMENT_CACHE", default=True)  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# django-axes needs the request in authenticate(), which the test client's login() does not pass;
# the lockout tests (tests/security/test_staff_login.py) switch it on with override_settings.
AXES_ENABLED = False
