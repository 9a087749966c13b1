"""What a programme's page shows of other records, kept with the programme (pagecache.kept).

A programme page names its intakes, leads, partners, audiences, topics, work streams and research. Read as seven
lists on every request they were most of the page's cost (about 6 ms of 10 at 1,000 programmes), though they change
only when an editor writes one of those records. `kept_links` keeps them in the programme's `KeptLinks` row,
emptied by any write to a record the lists name, for exactly the programmes that name it.
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
from workstreams.models import WorkStream

from .models import Audience, Intake, KeptLinks, Programme, ProgrammeLead, ProgrammePartner, organisations_in

# The research app links its projects to the programmes they inform, and is above this one: its records are read
# through the relation, never imported, and research.apps tells `kept_links` which of its writes change them.
RESEARCH = Programme._meta.get_field("related_research")


def informing_research():
    return RESEARCH.related_model.objects


@dataclass
class Linked:
    """A programme's intakes, leads, partners, audiences, topics, and the work streams and research projects the
    public may see, in page order."""

    intakes: list[Intake] = field(default_factory=list)
    lead_roles: list[ProgrammeLead] = field(default_factory=list)
    partnerships: list[ProgrammePartner] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    work_streams: list[WorkStream] = field(default_factory=list)
    research: list = field(default_factory=list)  # published research projects that inform it

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
            research=list(informing_research().published().filter(**{RESEARCH.field.name: programme_id})),
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
        informing_research()
        .filter(**{RESEARCH.field.name: programme_id}, status=Status.PUBLISHED, publish_from__gt=now)
        .aggregate(at=Min("publish_from"))["at"],
    ]
    return min((time for time in times if time is not None), default=None)


def programmes_naming(record) -> list[int]:
    """The programmes whose pages name a person, an organisation, an audience, a topic or a work stream."""
    if isinstance(record, Person):
        return list(ProgrammeLead.objects.filter(person=record).values_list("programme_id", flat=True))
    if isinstance(record, Organisation):
        partners = ProgrammePartner.objects.filter(organisation=record).values_list("programme_id", flat=True)
        leads = ProgrammeLead.objects.filter(person__affiliation=record).values_list("programme_id", flat=True)
        return [*partners, *leads]
    return list(record.programmes.values_list("pk", flat=True))


kept_links = Keeper("programmes.linked", KeptLinks, read=Linked.read, next_change=next_appearance)


def connect() -> None:
    """Called once, from the app's ready()."""
    kept_links.watch(
        rows={Intake: "programme_id", ProgrammeLead: "programme_id", ProgrammePartner: "programme_id"},
        records=dict.fromkeys([Person, Organisation, Audience, Topic, WorkStream], programmes_naming),
        links=[Programme.audiences, Programme.topics, Programme.work_streams],
    )
