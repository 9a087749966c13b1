from django.apps import AppConfig


class WorkstreamsConfig(AppConfig):
    name = "workstreams"
    verbose_name = "Work streams"

    def ready(self):
        from . import linked

        linked.connect()
