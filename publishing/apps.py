from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing"

    def ready(self):
        from django_cleanup.signals import cleanup_pre_delete

        from .images import delete_renditions

        cleanup_pre_delete.connect(delete_renditions, dispatch_uid="publishing.images.delete_renditions")
