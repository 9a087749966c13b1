from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing"

    def ready(self):
        from django.db.models.signals import post_init
        from django_cleanup.signals import cleanup_pre_delete
        from imagekit.specs.sourcegroups import signal_router

        from .images import delete_renditions

        cleanup_pre_delete.connect(delete_renditions, dispatch_uid="publishing.images.delete_renditions")
        # imagekit listens to post_init of every model, to remember a hash of each image for its post_save to
        # compare. What it remembers is a hash of the model field, not of the file, so it never equals what
        # post_save computes: every save with an image makes the renditions again either way, as our
        # GenerateOnSave expects. The listener only cost each model instance on every page its time (about
        # 4 ms of a catalogue page's 14 ms of CPU).
        post_init.disconnect(signal_router.post_init_receiver, dispatch_uid="ik_spec_field_receivers")
