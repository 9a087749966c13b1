"""Writing records into the search index. Called by `search.signals` and `rebuild_search_index`."""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from .backends import get_backend
from .documents import SOURCES, Source, source_for
from .models import SearchDocument

BATCH_SIZE = 500
_TEXT_FIELDS = ["kind", "title", "keywords", "summary", "body", "related", "url", "status", "publish_from"]


def _write(source: Source, content_type: ContentType, objects: list[models.Model]) -> None:
    backend = get_backend()
    pks = [obj.pk for obj in objects]
    words_before = backend.words_of(SearchDocument.objects.filter(content_type=content_type, object_id__in=pks))
    documents = [
        SearchDocument(content_type=content_type, object_id=obj.pk, **source.document_fields(obj)) for obj in objects
    ]
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["content_type", "object_id"],
        update_fields=[*_TEXT_FIELDS, "indexed_at"],
    )
    written = SearchDocument.objects.filter(content_type=content_type, object_id__in=pks)
    backend.documents_written(written, documents)
    backend.words_left(words_before - backend.public_words(documents))


def index_objects(
    model: type[models.Model], pks: Iterable[int] | None = None, *, on_batch: Callable[[int], None] | None = None
) -> int:
    """(Re)index the given records of `model`, or all of them; forget any that no longer exist.

    Works in batches with the prefetching each source declares, so the number of queries grows with
    the number of batches, not of records; `on_batch(count)` hears of each. Returns how many records
    were indexed.
    """
    source = source_for(model)
    if source is None:
        return 0
    queryset = source.queryset()
    if pks is not None:
        pks = set(pks)
        if not pks:
            return 0
        queryset = queryset.filter(pk__in=pks)
    content_type = ContentType.objects.get_for_model(source.model)
    indexed: set[int] = set()
    batch: list[models.Model] = []
    for obj in queryset.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        batch.append(obj)
        if len(batch) == BATCH_SIZE:
            _write(source, content_type, batch)
            indexed.update(obj.pk for obj in batch)
            if on_batch:
                on_batch(len(batch))
            batch = []
    if batch:
        _write(source, content_type, batch)
        indexed.update(obj.pk for obj in batch)
        if on_batch:
            on_batch(len(batch))
    if pks is not None and (gone := pks - indexed):
        unindex_objects(source.model, gone)
    return len(indexed)


def unindex_objects(model: type[models.Model], pks: Iterable[int]) -> None:
    source = source_for(model)
    if source is None:
        return
    content_type = ContentType.objects.get_for_model(source.model)
    leaving = SearchDocument.objects.filter(content_type=content_type, object_id__in=list(pks))
    backend = get_backend()
    words_before = backend.words_of(leaving)
    leaving.delete()
    backend.words_left(words_before)


def rebuild_index(*, on_batch: Callable[[int], None] | None = None) -> dict[str, int]:
    """Rewrite the whole index from the records. Searches keep seeing the old index until it commits."""
    counts = {}
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        get_backend().index_cleared()
        for source in SOURCES:
            counts[source.kind.plural] = index_objects(source.model, on_batch=on_batch)
    return counts


def records_to_index() -> int:
    """How many records a rebuild will read (an estimate's denominator)."""
    return sum(source.queryset().count() for source in SOURCES)
