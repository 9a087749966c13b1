from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HsmcSiteConfig(AppConfig):
    default = True
    name = "hsmc_site"
    verbose_name = "HSMC site"


# Referred to through its module: a class imported by name here would count as this app's config too.
class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a default site that can require two-factor sign-in."""

    default = False
    default_site = "hsmc_site.admin_site.StaffAdminSite"
