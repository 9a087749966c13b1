from hsmc_site.sitemaps import PublishedSitemap

from .models import ResearchProject


class ResearchProjectSitemap(PublishedSitemap):
    model = ResearchProject
    priority = 0.6
