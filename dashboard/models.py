from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class BrokenLink(models.Model):
    """A link to another site, in a published record, that did not answer well when `check_links` last ran.

    Replaced wholesale by each run; the dashboard lists them so that an editor can fix the record.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=100, help_text="The field of the record that holds the link.")
    url = models.URLField(max_length=2000)
    problem = models.CharField(max_length=300, help_text="What the other site answered, or why it did not.")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["content_type", "object_id", "field"]
        verbose_name = "broken link"

    def __str__(self) -> str:
        return f"{self.url}: {self.problem}"
