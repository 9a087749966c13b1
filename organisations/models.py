from django.db import models
from simple_history.models import HistoricalRecords

from publishing.paths import path_to
from publishing.text import CleanTextModel


class Organisation(CleanTextModel):
    """A university, NHS body, commissioner, funder or other partner of the centre."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", "University"
        NHS_BODY = "nhs_body", "NHS body"
        COMMISSIONER = "commissioner", "Commissioner"
        FUNDER = "funder", "Funder"
        BUSINESS_SCHOOL = "business_school", "Business school"
        LEADERSHIP_ACADEMY = "leadership_academy", "Leadership academy"
        OTHER = "other", "Other"

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="Full name, e.g. Health Education England West Midlands.",
    )
    short_name = models.CharField(
        max_length=40,
        blank=True,
        help_text="Optional abbreviation people know it by, e.g. HEEWM or AMBS.",
    )
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in web addresses and filters.")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(blank=True, help_text="Optional. The organisation's own website.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"

    def __str__(self) -> str:
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

    def get_absolute_url(self) -> str:
        return f"{path_to('programmes:list')}?partner={self.slug}"

    @property
    def display_name(self) -> str:
        return self.__str__()
