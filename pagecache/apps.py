from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .middleware import install_query_observer

        # Every connection, in every process, versions the tables it writes (see pagecache/middleware.py).
        connection_created.connect(install_query_observer, dispatch_uid="pagecache.install_query_observer")
