"""What a work stream's page shows of other records, kept with the work stream (pagecache.kept).

Its goals, focus areas and key contacts: three lists that change only when an editor writes one of those
records, kept in the work stream's `KeptLinks` row and emptied by any write to a record they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Min
from django.utils import timezone

from faculty.models import Person
from organisations.models import Organisation
from pagecache.kept import Keeper
from publishing.models import Status
from topics.models import Topic

from .models import Goal, KeptLinks, KeyContact, WorkStream


@dataclass
class Linked:
    """A work stream's goals, focus areas and key contacts the public may see, in page order."""

    goals: list[Goal] = field(default_factory=list)
    focus_areas: list[Topic] = field(default_factory=list)
    key_contact_roles: list[KeyContact] = field(default_factory=list)

    @classmethod
    def read(cls, work_stream_id: int) -> Linked:
        """From the database: the same lists, filtered the same way, as `WorkStream.objects.with_details()`."""
        return cls(
            goals=list(Goal.objects.filter(work_stream_id=work_stream_id)),
            focus_areas=list(Topic.objects.filter(work_streams=work_stream_id)),
            key_contact_roles=list(KeyContact.objects.shown().filter(work_stream_id=work_stream_id)),
        )


def next_appearance(work_stream_id: int):
    """The earliest time a key contact who is published from a later date appears on the page."""
    return KeyContact.objects.filter(
        work_stream_id=work_stream_id, person__status=Status.PUBLISHED, person__publish_from__gt=timezone.now()
    ).aggregate(at=Min("person__publish_from"))["at"]


def work_streams_naming(record) -> list[int]:
    """The work streams whose pages name a person, an organisation or a topic."""
    if isinstance(record, Person):
        return list(KeyContact.objects.filter(person=record).values_list("work_stream_id", flat=True))
    if isinstance(record, Organisation):
        contacts = KeyContact.objects.filter(person__affiliation=record)
        return list(contacts.values_list("work_stream_id", flat=True))
    return list(record.work_streams.values_list("pk", flat=True))


kept_links = Keeper("workstreams.linked", KeptLinks, read=Linked.read, next_change=next_appearance)


def connect() -> None:
    """Called once, from the app's ready()."""
    kept_links.watch(
        rows={Goal: "work_stream_id", KeyContact: "work_stream_id"},
        records=dict.fromkeys([Person, Organisation, Topic], work_streams_naming),
        links=[WorkStream.focus_areas],
    )
