"""Keep the search index in step with the records it is built from.

Like Wagtail's search signals, these receivers live in the search app and listen to the other apps'
models, so those apps know nothing about search. Besides the indexed records themselves they watch
everything whose text feeds a document: renaming a partner organisation, a person or a topic
reindexes the programmes, projects, people and work streams that mention it.

Fixture loading (`raw` saves) is skipped: run `manage.py rebuild_search_index` afterwards.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from faculty.models import Person
from organisations.models import Organisation
from programmes.models import Audience, Programme, ProgrammeLead, ProgrammePartner
from research.models import Investigator, ProjectOrganisation, ResearchOutput, ResearchProject
from topics.models import Topic
from workstreams.models import Goal, KeyContact, WorkStream, WorkStreamMember

from .documents import SOURCES
from .indexing import index_new, index_objects, unindex_objects

# Records whose names appear in other documents: (indexed model, lookup from it to the record).
MENTIONED_IN = {
    Organisation: [
        (Programme, "partnerships__organisation"),
        (ResearchProject, "organisation_roles__organisation"),
        (Person, "affiliation"),
    ],
    Person: [
        (Programme, "lead_roles__person"),
        (ResearchProject, "investigator_roles__person"),
        (WorkStream, "key_contact_roles__person"),
        (WorkStream, "memberships__person"),
    ],
    Topic: [
        (Programme, "topics"),
        (ResearchProject, "topics"),
        (Person, "expertise"),
        (WorkStream, "focus_areas"),
    ],
    Audience: [(Programme, "audiences")],
    WorkStream: [(Programme, "work_streams"), (ResearchProject, "work_streams")],
}

# Rows that belong to one indexed record and feed its text: model -> (indexed model, foreign key).
PARTS = {
    ProgrammePartner: (Programme, "programme_id"),
    ProgrammeLead: (Programme, "programme_id"),
    ProjectOrganisation: (ResearchProject, "project_id"),
    Investigator: (ResearchProject, "project_id"),
    ResearchOutput: (ResearchProject, "project_id"),
    Goal: (WorkStream, "work_stream_id"),
    KeyContact: (WorkStream, "work_stream_id"),
    WorkStreamMember: (WorkStream, "work_stream_id"),
}

# Plain many-to-many fields feeding the text of the model that declares them.
MANY_TO_MANY = [
    Programme.topics,
    Programme.audiences,
    Programme.work_streams,
    ResearchProject.topics,
    ResearchProject.work_streams,
    Person.expertise,
    WorkStream.focus_areas,
]


def _mentioning(instance) -> list[tuple[type, list[int]]]:
    found = []
    for model, lookup in MENTIONED_IN.get(type(instance), []):
        pks = list(model.objects.filter(**{lookup: instance.pk}).values_list("pk", flat=True).distinct())
        if pks:
            found.append((model, pks))
    return found


def record_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    if created:
        index_new(instance)
    else:
        index_objects(sender, [instance.pk])


def record_deleted(sender, instance, **kwargs):
    unindex_objects(sender, [instance.pk])


def mentioned_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for model, pks in _mentioning(instance):
        index_objects(model, pks)


def mentioned_deleting(sender, instance, **kwargs):
    # After the delete the links are gone, so note now who mentioned it.
    instance._search_mentioned_in = _mentioning(instance)


def mentioned_deleted(sender, instance, **kwargs):
    for model, pks in getattr(instance, "_search_mentioned_in", []):
        index_objects(model, pks)


def part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    model, foreign_key = PARTS[sender]
    index_objects(model, [getattr(instance, foreign_key)])


def links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A many-to-many field changed, from either end (`programme.topics.add()` or `topic.programmes.add()`)."""
    if action == "pre_clear" and reverse:
        # `clear()` from the far end does not say which records lost the link; remember them first.
        field_name = next(descriptor.field.name for descriptor in MANY_TO_MANY if descriptor.through is sender)
        instance._search_cleared = list(model.objects.filter(**{field_name: instance.pk}).values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        index_objects(type(instance), [instance.pk])
    elif action == "post_clear":
        index_objects(model, getattr(instance, "_search_cleared", []))
    else:
        index_objects(model, pk_set or [])


def connect() -> None:
    """Called from SearchConfig.ready()."""
    uid = "search.signals"
    for source in SOURCES:
        post_save.connect(record_saved, sender=source.model, dispatch_uid=f"{uid}.saved.{source.model.__name__}")
        post_delete.connect(record_deleted, sender=source.model, dispatch_uid=f"{uid}.deleted.{source.model.__name__}")
    for model in MENTIONED_IN:
        name = model.__name__
        post_save.connect(mentioned_saved, sender=model, dispatch_uid=f"{uid}.mentioned.saved.{name}")
        pre_delete.connect(mentioned_deleting, sender=model, dispatch_uid=f"{uid}.mentioned.deleting.{name}")
        post_delete.connect(mentioned_deleted, sender=model, dispatch_uid=f"{uid}.mentioned.deleted.{name}")
    for model in PARTS:
        name = model.__name__
        post_save.connect(part_changed, sender=model, dispatch_uid=f"{uid}.part.saved.{name}")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"{uid}.part.deleted.{name}")
    for descriptor in MANY_TO_MANY:
        through = descriptor.through
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"{uid}.links.{through.__name__}")
