"""What each kind of record contributes to the index, and at which weight.

A document has four weighted parts: the title (A), a summary (B), the body text (C) and the names of
related records (D) such as partners, leads and topics. Each `Source` says how to read one model
into those parts, with the prefetching that keeps bulk indexing at a fixed number of queries.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch

from faculty.models import Person
from programmes.models import Programme, ProgrammeLead, ProgrammePartner
from publishing.models import Status
from publishing.richtext import to_text
from research.models import Investigator, ProjectOrganisation, ResearchProject
from topics.models import Topic
from workstreams.models import KeyContact, WorkStream, WorkStreamMember

from .models import Kind

_HYPHENATED = re.compile(r"\b\w+(?:[-‐‑–]\w+)+\b")


def title_keywords(title: str) -> str:
    """Joined spellings of hyphenated words, so 'intercalated' finds 'Inter-calated' and 'co-produce' 'coproduce'."""
    return " ".join(re.sub(r"[-‐‑–]", "", match) for match in _HYPHENATED.findall(title))


def _join(*parts: str | None) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


def _names(items: Iterable) -> str:
    return "; ".join(str(item) for item in _public(items))


def _organisation_names(organisations: Iterable) -> str:
    # Both the full name and the abbreviation people know it by (HEEWM, AMBS).
    return "; ".join(
        f"{org.name} {org.short_name}" if org.short_name and org.short_name != org.name else org.name
        for org in organisations
    )


def _public(items: Iterable) -> list:
    # A draft (a person, a work stream) must not make other records findable by its name.
    return [item for item in items if getattr(item, "is_public", True)]


@dataclass(frozen=True)
class Source:
    """How one model feeds the index."""

    model: type[models.Model]
    kind: Kind
    queryset: Callable[[], models.QuerySet]
    build: Callable[[models.Model], dict]

    @property
    def relations(self) -> list[str]:
        """The many-valued relations the document reads (the prefetched ones), e.g. 'partnerships'."""
        lookups = self.queryset()._prefetch_related_lookups
        names = (getattr(lookup, "prefetch_to", lookup) for lookup in lookups)
        return [name for name in names if "__" not in name]

    def document_fields(self, obj) -> dict:
        fields = {
            "kind": self.kind.value,
            "url": obj.get_absolute_url(),
            "status": getattr(obj, "status", Status.PUBLISHED),
            "publish_from": getattr(obj, "publish_from", None),
            **self.build(obj),
        }
        fields["title"] = fields["title"][:300]
        fields.setdefault("keywords", title_keywords(fields["title"]))
        return fields


def _programmes():
    return Programme.objects.prefetch_related(
        Prefetch("partnerships", queryset=ProgrammePartner.objects.select_related("organisation")),
        Prefetch("lead_roles", queryset=ProgrammeLead.objects.select_related("person")),
        "topics",
        "audiences",
        "work_streams",
    )


def _build_programme(programme: Programme) -> dict:
    return {
        "title": programme.title,
        "summary": programme.summary,
        "body": _join(
            programme.get_kind_display(),
            programme.qualification,
            to_text(programme.overview),
            to_text(programme.who_for),
            to_text(programme.outcomes),
            to_text(programme.structure),
            programme.get_level_display(),
            programme.get_study_mode_display(),
            programme.get_attendance_mode_display(),
            programme.location,
            programme.fees_and_funding,
        ),
        "related": _join(
            _organisation_names(link.organisation for link in programme.partnerships.all()),
            _names(role.person for role in programme.lead_roles.all()),
            _names(programme.topics.all()),
            _names(programme.audiences.all()),
            _names(programme.work_streams.all()),
        ),
    }


def _projects():
    return ResearchProject.objects.prefetch_related(
        Prefetch("organisation_roles", queryset=ProjectOrganisation.objects.select_related("organisation")),
        Prefetch("investigator_roles", queryset=Investigator.objects.select_related("person")),
        "outputs",
        "topics",
        "work_streams",
    )


def _build_project(project: ResearchProject) -> dict:
    return {
        "title": project.title,
        "summary": project.summary,
        "body": _join(to_text(project.description), _names(output.title for output in project.outputs.all())),
        "related": _join(
            _organisation_names(link.organisation for link in project.organisation_roles.all()),
            _names(role.person for role in project.investigator_roles.all()),
            _names(project.topics.all()),
            _names(project.work_streams.all()),
        ),
    }


def _people():
    return Person.objects.select_related("affiliation").prefetch_related("expertise")


def _build_person(person: Person) -> dict:
    affiliation = person.affiliation
    return {
        "title": person.full_name,
        # The line under a name in the directory: what they do and where. "harvard" finds the visitor.
        "summary": ", ".join(part for part in (person.job_title, affiliation.name if affiliation else "") if part),
        "body": _join(person.get_role_kind_display(), to_text(person.biography)),
        "related": _join(affiliation.short_name if affiliation else "", _names(person.expertise.all())),
    }


def _work_streams():
    return WorkStream.objects.prefetch_related(
        "goals",
        "focus_areas",
        Prefetch("key_contact_roles", queryset=KeyContact.objects.select_related("person")),
        Prefetch("memberships", queryset=WorkStreamMember.objects.select_related("person")),
    )


def _build_work_stream(work_stream: WorkStream) -> dict:
    return {
        "title": work_stream.title,
        "summary": work_stream.summary,
        "body": _join(
            to_text(work_stream.body), *(_join(goal.title, goal.description) for goal in work_stream.goals.all())
        ),
        "related": _join(
            _names(work_stream.focus_areas.all()),
            _names(role.person for role in work_stream.key_contact_roles.all()),
            _names(member.person for member in work_stream.memberships.all()),
        ),
    }


def _topics():
    return Topic.objects.all()


def _build_topic(topic: Topic) -> dict:
    return {"title": topic.name, "summary": topic.description, "body": "", "related": ""}


SOURCES: tuple[Source, ...] = (
    Source(Programme, Kind.PROGRAMME, _programmes, _build_programme),
    Source(ResearchProject, Kind.PROJECT, _projects, _build_project),
    Source(Person, Kind.PERSON, _people, _build_person),
    Source(WorkStream, Kind.WORK_STREAM, _work_streams, _build_work_stream),
    Source(Topic, Kind.TOPIC, _topics, _build_topic),
)


def source_for(model: type[models.Model]) -> Source | None:
    for source in SOURCES:
        if issubclass(model, source.model):
            return source
    return None
