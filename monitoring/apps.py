from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self):
        from django.core.signals import request_finished

        from .logs import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="monitoring.forget_request_id")
