from hsmc_site.sitemaps import PublishedSitemap

from .models import WorkStream


class WorkStreamSitemap(PublishedSitemap):
    model = WorkStream
    priority = 0.7
