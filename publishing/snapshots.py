"""A record's editable content as plain data: what a pending change holds, what compare shows, what publishing writes.

A snapshot is a JSON-friendly dict of everything an editor edits on the record's admin page:

    {"fields": {attname: value}, "links": {m2m name: [pk, ...]}, "rows": {relation: [{"id": pk or None, ...}]}}

`fields` are the record's own editable columns (foreign keys by primary key); `links` its plain many-to-many
fields; `rows` the records edited inline with it (a programme's intakes, partners and leads), each row with its
own editable columns and its id (None for a row not yet saved). Publishing state (status, publish-from date)
and derived columns are not part of it: those change only by publishing, or follow from the rest.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import functools
from dataclasses import dataclass

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import _get_foreign_key

# Changed only by publishing, never by a pending change.
PUBLISHING_FIELDS = frozenset({"status", "publish_from"})


@dataclass(frozen=True)
class Relation:
    """Rows edited inline with a record: a programme's `intakes`, say."""

    name: str  # the accessor on the record, e.g. "intakes"
    model: type[models.Model]
    parent_field: models.ForeignKey
    fields: tuple[models.Field, ...]


@dataclass(frozen=True)
class Shape:
    """Which parts of a model an editor edits, read from the model and its admin page."""

    model: type[models.Model]
    fields: tuple[models.Field, ...]
    links: tuple[models.ManyToManyField, ...]
    relations: tuple[Relation, ...]


def _editable_columns(model, *, exclude=()) -> tuple[models.Field, ...]:
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in exclude
    )


@functools.cache
def shape_of(model: type[models.Model]) -> Shape:
    links = tuple(
        field
        for field in model._meta.local_many_to_many
        if field.editable and field.remote_field.through._meta.auto_created
    )
    relations = []
    model_admin = admin.site.get_model_admin(model) if admin.site.is_registered(model) else None
    for inline in getattr(model_admin, "inlines", ()):
        parent_field = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
        relations.append(
            Relation(
                name=parent_field.remote_field.get_accessor_name(),
                model=inline.model,
                parent_field=parent_field,
                fields=_editable_columns(inline.model, exclude={parent_field.name}),
            )
        )
    return Shape(
        model=model,
        fields=_editable_columns(model, exclude=PUBLISHING_FIELDS),
        links=links,
        relations=tuple(relations),
    )


# Values ------------------------------------------------------------------------------------------------


def encode(value):
    """A column's value as JSON: dates and decimals as text, files by name."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def decode(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, models.FileField):
        return value
    return field.to_python(value)


def _columns(obj, fields) -> dict:
    return {field.attname: encode(field.value_from_object(obj)) for field in fields}


# Reading -----------------------------------------------------------------------------------------------


def read(obj: models.Model) -> dict:
    """The record's content as it is in the database now."""
    shape = shape_of(type(obj))
    return {
        "fields": _columns(obj, shape.fields),
        "links": {field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True)) for field in shape.links},
        "rows": {
            relation.name: [
                {"id": row.pk, **_columns(row, relation.fields)} for row in getattr(obj, relation.name).all()
            ]
            for relation in shape.relations
        },
    }


def read_historical(obj: models.Model, record) -> dict:
    """The record's content as a django-simple-history version holds it, rows as they were at that moment.

    Many-to-many fields that history does not track keep their current value.
    """
    shape = shape_of(type(obj))
    snapshot = read(obj)
    snapshot["fields"] = _columns(record.instance, shape.fields)
    for field in getattr(record, "_history_m2m_fields", []):
        if field.name in snapshot["links"]:
            target = f"{field.related_model._meta.model_name}_id"
            through = getattr(record, field.name).all()
            snapshot["links"][field.name] = sorted(getattr(row, target) for row in through)
    for relation in shape.relations:
        history = getattr(relation.model, "history", None)
        if history is None:
            continue
        rows = history.as_of(record.history_date).filter(**{relation.parent_field.attname: obj.pk})
        snapshot["rows"][relation.name] = [{"id": row.pk, **_columns(row, relation.fields)} for row in rows]
    return snapshot


def read_forms(base: dict, form, formsets) -> dict:
    """What a validated admin form and its inline formsets would save over `base`, without saving it.

    Anything the form does not edit keeps its value in `base`. Newly uploaded files are stored now (under
    their final name), since a snapshot can only hold their name.
    """
    shape = shape_of(form._meta.model)
    snapshot = copy.deepcopy(base)
    edited = form.instance
    for field in shape.fields:
        if field.name in form.cleaned_data:
            if isinstance(field, models.FileField):
                field.pre_save(edited, add=False)  # stores a new upload, as a save would
            snapshot["fields"][field.attname] = encode(field.value_from_object(edited))
    for field in shape.links:
        if field.name in form.cleaned_data:
            snapshot["links"][field.name] = sorted(item.pk for item in form.cleaned_data[field.name])
    for formset in formsets:
        relation = next((r for r in shape.relations if r.model is formset.model), None)
        if relation is None:
            continue
        rows = []
        for row_form in formset.forms:
            if formset.can_delete and formset._should_delete_form(row_form):
                continue
            if row_form.instance.pk is None and not row_form.has_changed():
                continue  # an empty extra row
            row = row_form.instance
            rows.append({"id": row.pk, **_columns(row, relation.fields)})
        snapshot["rows"][relation.name] = rows
    return snapshot


# Writing -----------------------------------------------------------------------------------------------


class Conflict(ValidationError):
    """The content cannot be written as it stands: each message says where and why."""


def assign(obj: models.Model, snapshot: dict) -> models.Model:
    """Set the record's own columns from a snapshot, in memory only (for forms and previews)."""
    for field in shape_of(type(obj)).fields:
        if field.attname in snapshot["fields"]:
            setattr(obj, field.attname, decode(field, snapshot["fields"][field.attname]))
    return obj


def row_instances(obj: models.Model, relation: Relation, rows: list[dict]) -> list[models.Model]:
    """The rows of a snapshot as unsaved instances of the inline model, belonging to `obj`."""
    instances = []
    for row in rows:
        instance = relation.model(pk=row["id"])
        setattr(instance, relation.parent_field.attname, obj.pk)
        for field in relation.fields:
            if field.attname in row:
                setattr(instance, field.attname, decode(field, row[field.attname]))
        instances.append(instance)
    return instances


def _messages(model, label: str, error: ValidationError) -> list[str]:
    """Validation errors as sentences an editor can act on, each naming where the problem is."""
    if not hasattr(error, "error_dict"):
        return [f"{label}{message}" for message in error.messages]
    messages = []
    for name, errors in error.error_dict.items():
        try:
            field = model._meta.get_field(name)
        except LookupError:
            field = None
        where = f"{label}{field.verbose_name}: " if field is not None else label
        for problem in errors:
            if field is not None and field.is_relation and problem.code == "invalid":
                messages.append(f"{where}the {field.related_model._meta.verbose_name} it names no longer exists.")
            else:
                messages.extend(f"{where}{message}" for message in problem.messages)
    return [message[:1].upper() + message[1:] for message in messages]


def write(obj: models.Model, snapshot: dict, *, user=None) -> models.Model:
    """Make the record in the database exactly the snapshot: its columns, links and inline rows.

    Everything is validated as the admin would (constraints, unique slugs, links to records that still
    exist); if anything fails, nothing is written and `Conflict` lists every reason. `user` is recorded as
    the author of the versions this writes (django-simple-history). A model whose own columns are derived
    from the rows edited with it defines `rows_changed()`, called once after they are written.
    """
    shape = shape_of(type(obj))
    problems: list[str] = []
    with transaction.atomic():
        assign(obj, snapshot)
        if user is not None:
            obj._history_user = user
        try:
            obj.full_clean(exclude=[name for name in PUBLISHING_FIELDS if hasattr(obj, name)])
        except ValidationError as error:
            problems += _messages(type(obj), "", error)
        else:
            obj.save()
        for field in shape.links:
            wanted = set(snapshot["links"].get(field.name, []))
            found = set(field.related_model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
            if missing := wanted - found:
                problems.append(
                    f"{field.verbose_name.capitalize()}: {len(missing)} linked "
                    f"{field.related_model._meta.verbose_name_plural} no longer exist."
                )
            elif obj.pk:
                getattr(obj, field.name).set(found)
        for relation in shape.relations:
            if relation.name in snapshot["rows"] and obj.pk:
                problems += _write_rows(obj, relation, snapshot["rows"][relation.name], user=user)
        if problems:
            raise Conflict(problems)
        # Columns derived from the rows (a programme's availability, from its intakes) follow them.
        if shape.relations and hasattr(obj, "rows_changed"):
            obj.rows_changed()
    return obj


def _write_rows(obj, relation: Relation, rows: list[dict], *, user) -> list[str]:
    manager = getattr(obj, relation.name)
    kept = {row["id"] for row in rows if row["id"] is not None}
    manager.exclude(pk__in=kept).delete()
    existing = manager.in_bulk(kept)
    problems = []
    label = relation.model._meta.verbose_name_plural.capitalize()
    for position, row in enumerate(rows, start=1):
        # A row deleted meanwhile comes back as a new one: the change says it should be there.
        instance = existing.get(row["id"]) or relation.model(**{relation.parent_field.attname: obj.pk})
        for field in relation.fields:
            if field.attname in row:
                setattr(instance, field.attname, decode(field, row[field.attname]))
        try:
            instance.full_clean(exclude=[relation.parent_field.name])
        except ValidationError as error:
            problems += _messages(relation.model, f"{label}, row {position}: ", error)
            continue
        if user is not None:
            instance._history_user = user
        instance.save()
    return problems
