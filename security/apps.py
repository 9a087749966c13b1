from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "Security"

    def ready(self):
        from django.db.models.signals import pre_save

        from .images import reencode_uploaded_images

        # Every uploaded image, whichever model and form it comes through, is stored without its metadata.
        pre_save.connect(reencode_uploaded_images, dispatch_uid="security.reencode_uploaded_images")
