from django.db import models
from simple_history.models import HistoricalRecords

from publishing.paths import path_to
from publishing.text import CleanTextModel


class Topic(CleanTextModel):
    """A focus area shared by programmes, research projects, work streams and people's expertise."""

    name = models.CharField(max_length=120, unique=True, help_text="e.g. Medical leadership, System leadership.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in web addresses and filters.")
    description = models.TextField(blank=True, help_text="Optional. One or two sentences shown in search results.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "topic"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{path_to('programmes:list')}?topic={self.slug}"
