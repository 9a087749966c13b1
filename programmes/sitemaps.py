from hsmc_site.sitemaps import PublishedSitemap

from .models import Programme


class ProgrammeSitemap(PublishedSitemap):
    model = Programme
    priority = 0.8
