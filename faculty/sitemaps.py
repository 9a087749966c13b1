from hsmc_site.sitemaps import PublishedSitemap

from .models import Person


class PersonSitemap(PublishedSitemap):
    model = Person
    priority = 0.5
