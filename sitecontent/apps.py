from django.apps import AppConfig


class SiteContentConfig(AppConfig):
    name = "sitecontent"
    verbose_name = "Site content"

    def ready(self):
        from pagecache.fragments import remember
        from publishing import centre

        from .models import CentreDetails

        # Every page shows the centre's details: read once per change, not on every request.
        centre.provide(lambda: remember("sitecontent:centre", CentreDetails.objects.live_centre))
