"""What a programme's page shows of other records, kept as data and read with the programme in one query.

A programme page names its intakes, leads, partners, audiences, topics and work streams. Read as six lists on
every request they cost half of the page (about 5 ms of 10 at 1,000 programmes), though they change only when
an editor writes one of those records. So the writer keeps them: `linked_to(programme)` reads them from the
programme's `KeptLinks` row, which the page's query joins, and reads the lists themselves only while that row
is empty. Reading a page never writes.

Whenever one of the records a row names is written, the receivers below empty the row of exactly the
programmes concerned, in the writer's transaction (so the next page reads the change), and `keep()` reads
the lists again once it commits (a task past KEPT_LINKS_INLINE_LIMIT programmes). A row is filled only if it
was not emptied meanwhile (its `generation` is unchanged), so lists read before a change are never kept
after it. What no write announces is a person or work stream published from a later date: the row is stale
from then (`stale_after`), pages read the lists themselves, and a task queued for that time keeps them again.
The daily `refresh_availability` job keeps any row that is missing, empty or stale (after a bulk load, say).

Only what the public may see goes in: the lists are read from published records alone, whoever asks, as the
page has always shown them. Inside a preview the pending change empties the row, the page reads the lists
as previewed, and the preview's writes are rolled back.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field

import django
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.tasks import task
from django.utils import timezone

from faculty.models import Person
from organisations.models import Organisation
from pagecache.middleware import versions_frozen
from publishing.models import Status
from topics.models import Topic
from workstreams.models import WorkStream

from .models import (
    Audience,
    Intake,
    KeptLinks,
    Programme,
    ProgrammeLead,
    ProgrammePartner,
    organisations_in,
)

# Kept first in each row, to be read before the lists: rows kept by a release where `Linked` or Django's model
# instances had another shape are read again, never unpickled wrongly. Raise the number when `Linked` changes.
FORMAT = ("programmes.linked", 1, django.__version__)


@dataclass
class Linked:
    """A programme's intakes, leads, partners, audiences, topics and published work streams, in page order."""

    intakes: list[Intake] = field(default_factory=list)
    lead_roles: list[ProgrammeLead] = field(default_factory=list)
    partnerships: list[ProgrammePartner] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    work_streams: list[WorkStream] = field(default_factory=list)

    @classmethod
    def read(cls, programme_id: int) -> Linked:
        """From the database: the same lists, filtered the same way, as `Programme.objects.with_details()`."""
        return cls(
            intakes=list(Intake.objects.filter(programme_id=programme_id)),
            lead_roles=list(ProgrammeLead.objects.shown().filter(programme_id=programme_id)),
            partnerships=list(ProgrammePartner.objects.shown().filter(programme_id=programme_id)),
            audiences=list(Audience.objects.filter(programmes=programme_id)),
            topics=list(Topic.objects.filter(programmes=programme_id)),
            work_streams=list(WorkStream.objects.published().filter(programmes=programme_id)),
        )

    @property
    def leads(self) -> list[Person]:
        return [role.person for role in self.lead_roles]

    @property
    def delivery_partners(self) -> list[Organisation]:
        return organisations_in(self.partnerships, ProgrammePartner.Role.DELIVERY_PARTNER)

    @property
    def commissioners(self) -> list[Organisation]:
        return organisations_in(self.partnerships, ProgrammePartner.Role.COMMISSIONER)


def linked_to(programme: Programme) -> Linked:
    """The programme's linked records as its page shows them: kept, or read now while they are not.

    Reads the `kept_links` that the programme's query selected with it (`select_related("kept_links")`).
    """
    kept = getattr(programme, "kept_links", None)
    if kept is not None and kept.lists is not None and (kept.stale_after is None or timezone.now() < kept.stale_after):
        stored = io.BytesIO(kept.lists)
        if pickle.load(stored) == FORMAT:
            return pickle.load(stored)
    return Linked.read(programme.pk)


def keep(programme_ids: Iterable[int]) -> None:
    """Read and keep the links of these programmes, each row only if no change emptied it meanwhile."""
    existing = Programme.objects.filter(pk__in=list(programme_ids)).values_list("pk", flat=True)
    # Keeping what pages already show (they read the lists themselves while a row is empty) changes none of them.
    with versions_frozen():
        KeptLinks.objects.bulk_create([KeptLinks(programme_id=pk) for pk in existing], ignore_conflicts=True)
        generations = KeptLinks.objects.filter(programme__in=existing).values_list("programme_id", "generation")
        for programme_id, generation in generations:
            stale_after = next_appearance(programme_id)
            KeptLinks.objects.filter(programme=programme_id, generation=generation).update(
                lists=pickle.dumps(FORMAT) + pickle.dumps(Linked.read(programme_id), protocol=pickle.HIGHEST_PROTOCOL),
                stale_after=stale_after,
            )
            if stale_after is not None and keep_links.get_backend().supports_defer:
                keep_links.using(run_after=stale_after).enqueue(programme_ids=[programme_id])


def keep_stale() -> int:
    """Keep every programme's links that are missing, emptied or stale: the daily job's. Returns how many."""
    fresh = Q(kept_links__lists__isnull=False) & (
        Q(kept_links__stale_after__isnull=True) | Q(kept_links__stale_after__gt=timezone.now())
    )
    programme_ids = list(Programme.objects.exclude(fresh).values_list("pk", flat=True))
    keep(programme_ids)
    return len(programme_ids)


def forget(programme_ids: Iterable[int]) -> None:
    """Empty the kept links of these programmes now, and keep them again once the transaction commits."""
    programme_ids = set(programme_ids)
    if not programme_ids:
        return
    KeptLinks.objects.filter(programme__in=programme_ids).update(lists=None, generation=F("generation") + 1)
    pending = _pending()
    pending.programme_ids |= programme_ids
    transaction.on_commit(pending, robust=True)


class KeepOnCommit:
    """The programmes whose links to keep when the transaction commits, each once (like search.signals' Reindex)."""

    def __init__(self):
        self.programme_ids: set[int] = set()
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        if len(self.programme_ids) > settings.KEPT_LINKS_INLINE_LIMIT:
            # A bulk change (a renamed audience, an import): the editor's request does not wait for it.
            keep_links.enqueue(programme_ids=sorted(self.programme_ids))
        else:
            keep(self.programme_ids)


def _pending() -> KeepOnCommit:
    """This transaction's `KeepOnCommit`, or a new one (which runs at once outside a transaction)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in reversed(connection.run_on_commit):
            if isinstance(callback, KeepOnCommit) and not callback.done:
                return callback
    return KeepOnCommit()


@task
def keep_links(*, programme_ids: list[int]) -> None:
    """`keep()` as a task: for many programmes at once, and at the time a scheduled record appears."""
    keep(programme_ids)


def next_appearance(programme_id: int):
    """The earliest time a lead or work stream that is published from a later date appears on the page."""
    now = timezone.now()
    times = [
        ProgrammeLead.objects.filter(
            programme_id=programme_id, person__status=Status.PUBLISHED, person__publish_from__gt=now
        ).aggregate(at=Min("person__publish_from"))["at"],
        WorkStream.objects.filter(programmes=programme_id, status=Status.PUBLISHED, publish_from__gt=now).aggregate(
            at=Min("publish_from")
        )["at"],
    ]
    return min((time for time in times if time is not None), default=None)


# Which programmes name a record -------------------------------------------------------------------------------


def _programmes_of_row(sender, instance, raw=False, **kwargs) -> None:
    """An intake, lead or partnership: its programme's."""
    if not raw:
        forget([instance.programme_id])


def _programme_added(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        forget([instance.pk])


def _programmes_naming(instance: models.Model) -> Iterable[int]:
    if isinstance(instance, Person):
        return ProgrammeLead.objects.filter(person=instance).values_list("programme_id", flat=True)
    if isinstance(instance, Organisation):
        partners = ProgrammePartner.objects.filter(organisation=instance).values_list("programme_id", flat=True)
        leads = ProgrammeLead.objects.filter(person__affiliation=instance).values_list("programme_id", flat=True)
        return {*partners, *leads}
    # An audience, topic or work stream: linked to programmes directly.
    return instance.programmes.values_list("pk", flat=True)


def _programmes_naming_record(sender, instance, raw=False, **kwargs) -> None:
    """A person, organisation, audience, topic or work stream, renamed, unpublished or about to be deleted.

    Fixture loading (`raw` saves) is skipped: run `manage.py refresh_availability` afterwards.
    """
    if not raw:
        forget(_programmes_naming(instance))


def _programmes_of_links(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A programme's audiences, topics or work streams, changed from either end."""
    if action in ("post_add", "post_remove"):
        forget(pk_set if reverse else [instance.pk])
    elif action == "pre_clear":
        forget(_programmes_naming(instance) if reverse else [instance.pk])


def connect() -> None:
    """Called once, from the app's ready()."""
    post_save.connect(_programme_added, sender=Programme, dispatch_uid="linked-Programme-save")
    for model in (Intake, ProgrammeLead, ProgrammePartner):
        post_save.connect(_programmes_of_row, sender=model, dispatch_uid=f"linked-{model.__name__}-save")
        post_delete.connect(_programmes_of_row, sender=model, dispatch_uid=f"linked-{model.__name__}-delete")
    for model in (Person, Organisation, Audience, Topic, WorkStream):
        post_save.connect(_programmes_naming_record, sender=model, dispatch_uid=f"linked-{model.__name__}-save")
        # Before: the links that say which programmes named it go with it.
        pre_delete.connect(_programmes_naming_record, sender=model, dispatch_uid=f"linked-{model.__name__}-delete")
    for through in (Programme.audiences.through, Programme.topics.through, Programme.work_streams.through):
        m2m_changed.connect(_programmes_of_links, sender=through, dispatch_uid=f"linked-{through.__name__}")
