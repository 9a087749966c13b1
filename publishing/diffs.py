"""Two snapshots of a record side by side: what compare pages and edit-conflict messages show.

Text is compared word by word (removed words in <del>, added in <ins>); choices, links and dates are shown
as the editor knows them (labels and names, not codes and ids); inline rows are matched by id and reported
as added, removed or changed, field by field.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils.formats import date_format
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from . import richtext, snapshots
from .richtext import RichTextField

_TOKENS = re.compile(r"\s*\S+|\s+")
EMPTY = "(empty)"


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    html: SafeString  # the inline diff
    before_image: str = ""  # for an image field: the address of each version, so the editor sees both
    after_image: str = ""


@dataclass
class RowChange:
    label: str
    action: str  # "added", "removed" or "changed"
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class RelationChanges:
    label: str
    rows: list[RowChange]


@dataclass
class Comparison:
    fields: list[FieldChange]
    relations: list[RelationChanges]
    is_new: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.fields and not self.relations

    def summary(self) -> str:
        """'Summary, Overview and intakes (1 added)': what changed, in one line."""
        parts = [change.label for change in self.fields]
        for relation in self.relations:
            counts = {}
            for row in relation.rows:
                counts[row.action] = counts.get(row.action, 0) + 1
            parts.append(f"{relation.label} ({', '.join(f'{n} {action}' for action, n in counts.items())})")
        return ", ".join(parts)


def word_diff(before: str, after: str) -> SafeString:
    """HTML of `after` with the words removed from `before` in <del> and the words added in <ins>."""
    old, new = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "equal":
            pieces.append(escape(removed))
            continue
        # Each word carries the space before it; keep that space outside the marks.
        space = (removed or added)[: len(removed or added) - len((removed or added).lstrip())]
        pieces.append(escape(space))
        if removed.strip():
            pieces.append(f"<del>{escape(removed.strip())}</del>")
        if removed.strip() and added.strip():
            pieces.append(" ")
        if added.strip():
            pieces.append(f"<ins>{escape(added.strip())}</ins>")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


class _Names:
    """Display names of related records, fetched once per model for a whole comparison."""

    def __init__(self):
        self.cache: dict[type, dict] = {}

    def load(self, model, pks) -> None:
        known = self.cache.setdefault(model, {})
        missing = {pk for pk in pks if pk is not None and pk not in known}
        if missing:
            known.update({obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=missing)})

    def name(self, model, pk) -> str:
        if pk is None:
            return EMPTY
        self.load(model, [pk])
        return self.cache[model].get(pk, f"(deleted {model._meta.verbose_name})")


def _display(field_: models.Field, value, names: _Names) -> str:
    if value in (None, ""):
        return EMPTY
    if field_.is_relation:
        return names.name(field_.related_model, value)
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(field_, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field_, RichTextField):
        return richtext.to_text(value, with_links=True)  # the words and addresses, not the tags
    decoded = snapshots.decode(field_, value)
    if isinstance(field_, models.DateTimeField):
        return date_format(decoded, "j M Y, H:i")
    if isinstance(field_, models.DateField):
        return date_format(decoded, "j M Y")
    return str(decoded)


def _label(field_: models.Field) -> str:
    return str(field_.verbose_name)[:1].upper() + str(field_.verbose_name)[1:]


def _field_changes(fields, before: dict, after: dict, names: _Names) -> list[FieldChange]:
    changes = []
    for field_ in fields:
        old, new = before.get(field_.attname), after.get(field_.attname)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        old_text, new_text = _display(field_, old, names), _display(field_, new, names)
        if isinstance(field_, models.TextField | models.CharField) and not field_.choices:
            html = word_diff("" if old_text == EMPTY else old_text, "" if new_text == EMPTY else new_text)
        else:
            html = format_html_join("", "<del>{}</del> <ins>{}</ins>", [(old_text, new_text)])
        change = FieldChange(_label(field_), old_text, new_text, html)
        if isinstance(field_, models.ImageField):
            change.before_image = field_.storage.url(old) if old else ""
            change.after_image = field_.storage.url(new) if new else ""
        changes.append(change)
    return changes


def _link_change(field_, before: list, after: list, names: _Names) -> FieldChange | None:
    if sorted(before) == sorted(after):
        return None
    model = field_.related_model
    names.load(model, [*before, *after])
    removed = [names.name(model, pk) for pk in before if pk not in after]
    added = [names.name(model, pk) for pk in after if pk not in before]
    html = format_html_join(" ", "<del>{}</del>", [(name,) for name in removed])
    html += mark_safe(" ") + format_html_join(" ", "<ins>{}</ins>", [(name,) for name in added])  # noqa: S308
    return FieldChange(
        _label(field_),
        ", ".join(names.name(model, pk) for pk in before) or EMPTY,
        ", ".join(names.name(model, pk) for pk in after) or EMPTY,
        html,
    )


def _row_label(relation: snapshots.Relation, row: dict, names: _Names) -> str:
    """A row as an editor would name it: its first two filled-in fields, e.g. 'Cohort 12, 1 Sep 2027'."""
    shown = [
        _display(field_, row.get(field_.attname), names)
        for field_ in relation.fields
        if field_.name != "order" and row.get(field_.attname) not in (None, "")
    ]
    return ", ".join(shown[:2]) or str(relation.model._meta.verbose_name).capitalize()


def compare(model: type[models.Model], before: dict | None, after: dict) -> Comparison:
    """What differs between two snapshots of a record of `model`; `before=None` for a record never published."""
    shape = snapshots.shape_of(model)
    names = _Names()
    is_new = before is None
    before = before or {"fields": {}, "links": {}, "rows": {}}
    fields = _field_changes(shape.fields, before["fields"], after["fields"], names)
    for link in shape.links:
        change = _link_change(link, before["links"].get(link.name, []), after["links"].get(link.name, []), names)
        if change is not None:
            fields.append(change)
    relations = []
    for relation in shape.relations:
        old_rows = {row["id"]: row for row in before["rows"].get(relation.name, []) if row["id"] is not None}
        new_rows = after["rows"].get(relation.name, [])
        rows = []
        for row in new_rows:
            old = old_rows.get(row["id"]) if row["id"] is not None else None
            if old is None:
                added = _field_changes(relation.fields, {}, row, names)
                rows.append(RowChange(_row_label(relation, row, names), "added", added))
            elif changed := _field_changes(relation.fields, old, row, names):
                rows.append(RowChange(_row_label(relation, row, names), "changed", changed))
        kept = {row["id"] for row in new_rows}
        for pk, row in old_rows.items():
            if pk not in kept:
                rows.append(RowChange(_row_label(relation, row, names), "removed", []))
        if rows:
            relations.append(RelationChanges(str(relation.model._meta.verbose_name_plural).capitalize(), rows))
    return Comparison(fields, relations, is_new=is_new)
