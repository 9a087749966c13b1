"""Reindexing too large for the request that caused it (renaming a topic that hundreds of records name)."""

from django.apps import apps
from django.db import transaction
from django.tasks import task

from .indexing import index_objects


@task
def reindex_records(*, records: dict[str, list[int]]) -> int:
    """Reindex {"app_label.model_name": [pk, …]}; forgets records deleted meanwhile. Returns how many."""
    with transaction.atomic():
        return sum(index_objects(apps.get_model(label), pks) for label, pks in records.items())
