from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HsmcSiteConfig(AppConfig):
    default = True
    name = "hsmc_site"
    verbose_name = "HSMC site"

    def ready(self):
        from django.db.models.signals import pre_save

        from .security import reencode_uploaded_images

        # Every uploaded image, whichever model and form it comes through, is stored without its metadata.
        pre_save.connect(reencode_uploaded_images, dispatch_uid="hsmc_site.reencode_uploaded_images")

        from django.db.backends.signals import connection_created

        from .caching import install_query_observer

        # Every connection, in every process, versions the tables it writes (see hsmc_site/caching.py).
        connection_created.connect(install_query_observer, dispatch_uid="hsmc_site.caching")


# Referred to through its module: a class imported by name here would count as this app's config too.
class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a default site that can require two-factor sign-in."""

    default = False
    default_site = "hsmc_site.admin_site.StaffAdminSite"
