from django.apps import AppConfig


class HsmcSiteConfig(AppConfig):
    name = "hsmc_site"
    verbose_name = "HSMC site"
