import tomllib
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from monitoring.progress import Progress
from publishing.richtext import RichTextField
from sitecontent.models import CentreDetails, HomePage

DEMO_CONTENT = Path(__file__).resolve().parents[2] / "demo_content.toml"
CHANGE_REASON = "Demo content"


class Command(BaseCommand):
    """Brings the records in demo_content.toml (its header describes the format) back to the facts it states.

    Each save goes through the model's `save()`, so history and search follow; only what differs is saved.
    """

    help = (
        "Load the centre's Leadership and management page as published demo content. "
        "Safe to run again: records are matched by slug and only differences are saved."
    )

    def handle(self, *args, **options):
        with DEMO_CONTENT.open("rb") as data_file:
            self.sections = tomllib.load(data_file)
        self.new, self.updated, self.many_to_many = set(), 0, []
        self.progress = Progress(
            self.stderr,
            total=sum(len(section.get("records", [])) for section in self.sections.values()),
            label="Loading demo records",
        )
        self.load()
        self.progress.finish()
        created, updated = len(self.new), self.updated
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {created} records created, {updated} updated."))
        for model in map(apps.get_model, self.sections):
            self.stdout.write(f"  {model._meta.verbose_name_plural}: {model._default_manager.count()}")

    @transaction.atomic
    def load(self) -> None:
        # The centre's details and the home page: written by the first migration, again here after a flush.
        CentreDetails.objects.get_or_create_default()
        HomePage.objects.get_or_create_default()
        for label, section in self.sections.items():
            for record in section.get("records", []):
                self.load_record(apps.get_model(label), record)
                self.progress.advance()
        # Set once every record exists: a record may name one further down.
        for obj, field, slugs in self.many_to_many:
            manager = getattr(obj, field.name)
            targets = {field.related_model._default_manager.get(slug=slug) for slug in slugs}
            if set(manager.all()) != targets:
                manager.set(targets)
                if obj not in self.new:
                    self.updated += 1

    def load_record(self, model: type[models.Model], record: dict, owner: dict | None = None) -> models.Model:
        section = self.sections.get(model._meta.label, {})
        lookup, values, relations = dict(owner or {}), {}, {}
        for name, value in {**section.get("defaults", {}), **record}.items():
            field = model._meta.get_field(name)
            if field.many_to_many or field.one_to_many:
                relations[field] = value
            elif name in section.get("match", ["slug"]):
                lookup[name] = self.resolve(field, value)
            else:
                values[name] = self.resolve(field, value)
        obj = self.sync(model, lookup, values)
        for field, value in relations.items():
            if field.many_to_many:
                self.many_to_many.append((obj, field, value))
            else:
                self.sync_links(field, obj, value)
        return obj

    @staticmethod
    def resolve(field: models.Field, value):
        if field.many_to_one:
            return field.related_model._default_manager.get(slug=value) if value else None
        if isinstance(field, RichTextField):
            return field.normalise(value)  # the TOML's plain text, as the record stores it
        return None if value == "" and field.null else value

    def sync(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        obj = model._default_manager.filter(**lookup).first() or model(**lookup)
        is_new = obj._state.adding
        changed = {name: value for name, value in values.items() if is_new or getattr(obj, name) != value}
        if is_new or changed:
            for name, value in changed.items():
                setattr(obj, name, value)
            obj._change_reason = CHANGE_REASON
            obj.save()
            if is_new:
                self.new.add(obj)
            else:
                self.updated += 1
        return obj

    def sync_links(self, relation: models.ManyToOneRel, owner: models.Model, rows: list[dict]) -> None:
        """Make the rows linking `owner` to other records exactly `rows`, each taking its position as `order`."""
        model, owner_lookup = relation.related_model, {relation.field.name: owner}
        has_order = any(field.name == "order" for field in model._meta.fields)
        keep = [
            self.load_record(model, {"order": position, **row} if has_order else row, owner_lookup).pk
            for position, row in enumerate(rows)
        ]
        for obj in model._default_manager.filter(**owner_lookup).exclude(pk__in=keep):
            obj.delete()
            self.updated += 1
