"""Delete uploaded images that nothing refers to any more, with their renditions.

django-cleanup deletes a record's image when it is replaced or the record is deleted. An image uploaded
into a draft that was then discarded was never any record's, so nothing deletes it; nor one whose record
was deleted outside Django. This finds them: files in the image folders that no record, no version in a
record's history and no pending change names, older than --older-than-hours (an upload whose draft is
being saved right now is never touched). Run it from cron, daily.
"""

import datetime

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone

from publishing.images import delete_renditions_of
from publishing.models import PendingChange


class Command(BaseCommand):
    help = "Delete uploaded images that no record, history version or pending change refers to."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=24)
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")

    def handle(self, *args, older_than_hours, dry_run, **options):
        fields = [
            (model, field)
            for model in apps.get_models()
            for field in model._meta.concrete_fields
            if isinstance(field, models.ImageField)
        ]
        referenced = set()
        folders = set()
        for model, field in fields:
            referenced.update(
                model._default_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
            )
            if not model.__name__.startswith("Historical"):
                folders.add(self.folder_of(model, field))
        image_names = {field.attname for _, field in fields}
        for snapshot in PendingChange.objects.filter(snapshot__isnull=False).values_list("snapshot", flat=True):
            referenced.update(
                value for name, value in snapshot.get("fields", {}).items() if name in image_names and value
            )

        cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
        deleted = 0
        for folder in sorted(folders - {""}):
            try:
                _, names = default_storage.listdir(folder)
            except FileNotFoundError:
                continue
            for name in names:
                path = f"{folder}/{name}"
                if path in referenced or default_storage.get_modified_time(path) > cutoff:
                    continue
                self.stdout.write(f"{'would delete' if dry_run else 'deleted'} {path}")
                if not dry_run:
                    delete_renditions_of(path, default_storage)
                    default_storage.delete(path)
                deleted += 1
        self.stdout.write(f"{deleted} orphaned image(s) {'found' if dry_run else 'deleted'}.")

    @staticmethod
    def folder_of(model, field) -> str:
        """The folder `upload_to` puts this field's files in, asked of the field itself."""
        return (
            field.generate_filename(model(), "probe.jpg").rsplit("/", 1)[0]
            if "/" in field.generate_filename(model(), "probe.jpg")
            else ""
        )
