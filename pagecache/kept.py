"""What a page shows of the records linked to its own, kept as data in a row beside the record.

A detail page names records linked to its own (a programme's intakes and leads, a work stream's goals and
key contacts). Read as lists on every request they cost as much as the rest of the page, though they change
only when an editor writes one of those records. A `Keeper` keeps them in a row of a `KeptData` model, one
per record, which the page's query joins (`select_related`), and reads the lists itself only while that row
is empty. Reading a page never writes.

Whenever one of the records a row names is written, the receivers that `Keeper.watch()` connects empty the
rows of exactly the records concerned, in the writer's transaction (so the next page reads the change, and
the page cache, which versions the table, sees it at once), and `keep()` reads the lists again once it
commits (a task past KEPT_LINKS_INLINE_LIMIT records; filling a row moves the table's version too, as a
detail page's kept record carries its row: publishing.views). A row is filled only if it was not emptied
meanwhile (its `generation` is unchanged), so lists read before a change are never kept after it. What no
write announces is a record published from a later date: the row is stale from then (`stale_after`), pages
read the lists themselves, and a task queued for that time keeps them again. `keep_stale()` keeps every row
that is missing, empty or stale: the daily `refresh_availability` job runs it, as should whatever loads
data without the ORM's saves.

Only what the public may see goes in: `read` reads published records alone, whoever asks. Inside a preview
the pending change empties the row, the page reads the lists as previewed, and the preview's writes are
rolled back.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable, Iterable

import django
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.tasks import task
from django.utils import timezone

KEEPERS: dict[str, Keeper] = {}
# How many records' unpickled lists a process holds, per keeper: a programme's are about 19 KB, so at most
# about 10 MB.
UNPICKLED_HELD = 500


class KeptData(models.Model):
    """A record's kept lists: the concrete model adds a one-to-one primary key to the record."""

    # Raised each time the lists are emptied, so that lists read before a change are never kept after it.
    generation = models.PositiveBigIntegerField(default=0)
    lists = models.BinaryField(null=True)
    # When a record left out for now (published from a later date) appears.
    stale_after = models.DateTimeField(null=True)

    class Meta:
        abstract = True
        default_permissions = ()  # derived data: nobody edits it


class Keeper[T]:
    """Keeps `read(record_id)` in `model`, for the records its one-to-one primary key points to.

    `next_change(record_id)` is the earliest time a record that `read` leaves out for now appears, or None.
    Raise `version` whenever what `read` returns changes shape: rows kept in another shape are read again.
    """

    def __init__(
        self,
        name: str,
        model: type[KeptData],
        *,
        read: Callable[[int], T],
        next_change: Callable[[int], object],
        version: int = 1,
    ):
        self.name, self.model, self.read, self.next_change = name, model, read, next_change
        owner = model._meta.pk
        self.owner: type[models.Model] = owner.related_model
        self.related_name: str = owner.remote_field.get_accessor_name()
        # Kept first in each row, to be read before the lists: a release where they or Django's model
        # instances had another shape reads them again, never unpickles them wrongly.
        self.format = (name, version, django.__version__)
        # Lists unpickled by this process, by the bytes they came from: the same bytes are the same lists.
        self._unpickled: dict[bytes, T] = {}
        KEEPERS[name] = self

    def of(self, record: models.Model) -> T:
        """What `read` returns for the record: kept, or read now while it is not.

        Reads the row that the record's query selected with it (`select_related(keeper.related_name)`). Lists
        already unpickled from the same bytes are reused (a work stream page spent a sixth of its CPU
        unpickling them), so they are shared by requests and must be treated as read-only.
        """
        kept = getattr(record, self.related_name, None)
        if (
            kept is not None
            and kept.lists is not None
            and (kept.stale_after is None or timezone.now() < kept.stale_after)
        ):
            stored = bytes(kept.lists)
            if (lists := self._unpickled.get(stored)) is not None:
                return lists
            buffer = io.BytesIO(stored)
            if pickle.load(buffer) == self.format:
                lists = pickle.load(buffer)
                if len(self._unpickled) >= UNPICKLED_HELD:
                    self._unpickled.clear()
                self._unpickled[stored] = lists
                return lists
        return self.read(record.pk)

    def keep(self, record_ids: Iterable[int]) -> None:
        """Read and keep the lists of these records, each row only if no change emptied it meanwhile."""
        existing = list(self.owner._default_manager.filter(pk__in=list(record_ids)).values_list("pk", flat=True))
        # Pages show the same lists either way (they read them themselves while a row is empty), but the
        # table's version still moves: a detail page's kept record (publishing.views) carries its row, and
        # one kept while the row was empty would read the lists itself on every request until it expired.
        self.model.objects.bulk_create([self.model(pk=pk) for pk in existing], ignore_conflicts=True)
        for pk, generation in self.model.objects.filter(pk__in=existing).values_list("pk", "generation"):
            stale_after = self.next_change(pk)
            lists = pickle.dumps(self.format) + pickle.dumps(self.read(pk), protocol=pickle.HIGHEST_PROTOCOL)
            self.model.objects.filter(pk=pk, generation=generation).update(lists=lists, stale_after=stale_after)
            if stale_after is not None and keep_task.get_backend().supports_defer:
                keep_task.using(run_after=stale_after).enqueue(keeper=self.name, record_ids=[pk])

    def keep_stale(self) -> int:
        """Keep every record's lists that are missing, emptied or stale. Returns how many."""
        kept = self.related_name
        fresh = Q(**{f"{kept}__lists__isnull": False}) & (
            Q(**{f"{kept}__stale_after__isnull": True}) | Q(**{f"{kept}__stale_after__gt": timezone.now()})
        )
        record_ids = list(self.owner._default_manager.exclude(fresh).values_list("pk", flat=True))
        for start in range(0, len(record_ids), 500):  # a bounded IN list (SQLite's limit), and progress kept
            self.keep(record_ids[start : start + 500])
        return len(record_ids)

    def forget(self, record_ids: Iterable[int]) -> None:
        """Empty the lists of these records now, and keep them again once the transaction commits."""
        record_ids = set(record_ids)
        if not record_ids:
            return
        self.model.objects.filter(pk__in=record_ids).update(lists=None, generation=F("generation") + 1)
        pending = _pending(self)
        pending.record_ids |= record_ids
        transaction.on_commit(pending, robust=True)

    def watch(
        self,
        *,
        rows: dict[type[models.Model], str] | None = None,
        records: dict[type[models.Model], Callable[[models.Model], Iterable[int]]] | None = None,
        links: Iterable = (),
    ) -> None:
        """Connect the receivers that empty the rows a write changes. Call it once, from an app's ready().

        `rows`: models whose rows belong to one record, with the attribute holding its id (an intake's
        "programme_id"). `records`: models whose records a list names, with the ids of the records that name
        one (the programmes a person leads). `links`: the many-to-many fields, declared at either end, whose
        change from either end changes its lists (`Programme.audiences`, `ResearchProject.informs_programmes`).
        An app above the record's may add what its own models change (a call for each is fine).
        Fixture loading (`raw` saves) is skipped: run `keep_stale()` afterwards (the daily job does).
        """
        rows, records = rows or {}, records or {}

        def row_changed(sender, instance, raw=False, **kwargs):
            if not raw:
                self.forget([getattr(instance, rows[sender])])

        def record_changed(sender, instance, raw=False, **kwargs):
            if not raw:  # before a delete: the links that say which records named it go with it
                self.forget(records[sender](instance))

        def record_added(sender, instance, created, raw=False, **kwargs):
            if created and not raw:
                self.forget([instance.pk])

        uid = f"pagecache.kept.{self.name}"
        post_save.connect(record_added, sender=self.owner, dispatch_uid=f"{uid}.added", weak=False)
        for model in rows:
            post_save.connect(row_changed, sender=model, dispatch_uid=f"{uid}.row.{model.__name__}", weak=False)
            post_delete.connect(row_changed, sender=model, dispatch_uid=f"{uid}.row-gone.{model.__name__}", weak=False)
        for model in records:
            name = model.__name__
            post_save.connect(record_changed, sender=model, dispatch_uid=f"{uid}.record.{name}", weak=False)
            pre_delete.connect(record_changed, sender=model, dispatch_uid=f"{uid}.record-gone.{name}", weak=False)
        for descriptor in links:
            field = descriptor.field
            m2m_changed.connect(
                self._links_changed(field), sender=field.remote_field.through, dispatch_uid=f"{uid}.{field}", weak=False
            )

    def _links_changed(self, field: models.ManyToManyField):
        # The field may be declared on the record (a programme's audiences) or on the far side (the programmes
        # a research project informs); the link table has a column for each end.
        declared_here = field.model is self.owner
        columns = (field.m2m_field_name(), field.m2m_reverse_field_name())
        own_column, far_column = columns if declared_here else columns[::-1]
        through = field.remote_field.through

        def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
            if reverse != declared_here and action in ("post_add", "post_remove", "pre_clear"):
                self.forget([instance.pk])  # changed from the record's end
            elif action in ("post_add", "post_remove"):
                self.forget(pk_set)
            elif action == "pre_clear":  # from the far end: which records lose the link is known only now
                self.forget(
                    through.objects.filter(**{f"{far_column}_id": instance.pk}).values_list(
                        f"{own_column}_id", flat=True
                    )
                )

        return links_changed


class KeepOnCommit:
    """The records whose lists a keeper keeps when the transaction commits, each once (like search's Reindex)."""

    def __init__(self, keeper: Keeper):
        self.keeper = keeper
        self.record_ids: set[int] = set()
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        if len(self.record_ids) > settings.KEPT_LINKS_INLINE_LIMIT:
            # A bulk change (a renamed audience, an import): the editor's request does not wait for it.
            keep_task.enqueue(keeper=self.keeper.name, record_ids=sorted(self.record_ids))
        else:
            self.keeper.keep(self.record_ids)


def _pending(keeper: Keeper) -> KeepOnCommit:
    """This transaction's `KeepOnCommit` for the keeper, or a new one (which runs at once outside a transaction)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in reversed(connection.run_on_commit):
            if isinstance(callback, KeepOnCommit) and callback.keeper is keeper and not callback.done:
                return callback
    return KeepOnCommit(keeper)


def keep_stale() -> int:
    """Every keeper's `keep_stale()`: the daily job's. Returns how many rows were kept."""
    return sum(keeper.keep_stale() for keeper in KEEPERS.values())


@task
def keep_task(*, keeper: str, record_ids: list[int]) -> None:
    """`Keeper.keep()` as a task: for many records at once, and at the time a scheduled record appears."""
    KEEPERS[keeper].keep(record_ids)
