"""Text as editors type it and formats carry it: no control characters.

A line break pasted from Word arrives as U+000B, a page break as U+000C; XML 1.0 cannot carry them (Atom
and XCRI-CAP would fail), HTML validators reject them and no reader wants them. They are removed where
text enters, on every save of a record (`CleanTextModel`), and again where a format would break on a
value stored before this rule. Tab and newlines stay: they are text.
"""

import re

from django.db import models

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(value):
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class CleanTextModel(models.Model):
    """Every text field of the record loses its control characters on save, whichever way it came in:
    the admin and its inlines, a CSV import, the demo loader, a script."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                    setattr(self, field.attname, without_control_characters(value))
        super().save(*args, **kwargs)
