from django.apps import AppConfig


class SiteContentConfig(AppConfig):
    name = "sitecontent"
    verbose_name = "Site content"

    def ready(self):
        from publishing import centre

        from .models import CentreDetails

        centre.provide(CentreDetails.objects.live_centre)
