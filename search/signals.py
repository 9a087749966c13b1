"""Keep the search index in step with the records it is built from.

Like Wagtail's search signals, these receivers live in the search app and listen to the other apps'
models, so those apps know nothing about search. Besides the indexed records themselves they watch
everything whose text feeds a document: renaming a partner organisation, a person or a topic
reindexes the programmes, projects, people and work streams that mention it.

The receivers only note which records to reindex. Each is indexed once, when the transaction commits
(at once outside a transaction): an admin save that changes a programme, its partners, its leads and
three of its many-to-many fields writes its document once, not once per change.

Fixture loading (`raw` saves) is skipped: run `manage.py rebuild_search_index` afterwards.
"""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from faculty.models import Person
from organisations.models import Organisation
from programmes.models import Audience, Programme, ProgrammeLead, ProgrammePartner
from research.models import Investigator, ProjectOrganisation, ResearchOutput, ResearchProject
from topics.models import Topic
from workstreams.models import Goal, KeyContact, WorkStream, WorkStreamMember

from .documents import SOURCES
from .indexing import index_objects
from .tasks import reindex_records

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


def _mentioning(model, pks) -> list[tuple[type, set[int]]]:
    """The indexed records that mention these records of `model` by name."""
    found = []
    for indexed, lookup in MENTIONED_IN.get(model, []):
        mentioning = set(indexed.objects.filter(**{f"{lookup}__in": pks}).values_list("pk", flat=True).distinct())
        if mentioning:
            found.append((indexed, mentioning))
    return found


class Reindex:
    """The records to reindex when the current transaction commits, each once.

    Registered with `on_commit` by every receiver that adds to it, so that it also runs when only some
    of those registrations survive (a rolled-back savepoint drops its own); it does its work once.
    """

    def __init__(self):
        self.records: dict[type, set[int]] = defaultdict(set)
        self.mentioned: dict[type, set[int]] = defaultdict(set)
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        with transaction.atomic():
            for model, pks in self.mentioned.items():
                for indexed, mentioning in _mentioning(model, pks):
                    self.records[indexed] |= mentioning
            if sum(map(len, self.records.values())) > settings.SEARCH_REINDEX_INLINE_LIMIT:
                # A bulk change (a renamed topic, an import): the editor's request does not wait for it.
                records = {model._meta.label_lower: sorted(pks) for model, pks in self.records.items()}
                reindex_records.enqueue(records=records)
                return
            for model, pks in self.records.items():
                index_objects(model, pks)  # also forgets those deleted meanwhile


def _pending() -> Reindex:
    """This transaction's `Reindex`, or a new one (which runs at once outside a transaction)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # The latest registration is this transaction's, unless it ran already (a test that ran the
        # commit callbacks) or was rolled back with a savepoint.
        for _savepoints, callback, _robust in reversed(connection.run_on_commit):
            if isinstance(callback, Reindex):
                if not callback.done:
                    return callback
                break
    return Reindex()


def reindex_on_commit(model, pks, *, mentioning: bool = False) -> None:
    """Reindex these records of `model` once the transaction commits (forgetting any deleted by then),
    or with `mentioning`, the records that mention them by name, looked up then."""
    if pks:
        pending = _pending()
        (pending.mentioned if mentioning else pending.records)[model].update(pks)
        # Robust: the records are saved whatever happens to the index; a failure is logged, and
        # `rebuild_search_index` repairs it.
        transaction.on_commit(pending, robust=True)


def record_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_on_commit(sender, [instance.pk])


def record_deleted(sender, instance, **kwargs):
    reindex_on_commit(sender, [instance.pk])


def mentioned_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex_on_commit(sender, [instance.pk], mentioning=True)


def mentioned_deleting(sender, instance, **kwargs):
    # After the delete the links are gone, so look up now who mentioned it.
    for model, pks in _mentioning(sender, [instance.pk]):
        reindex_on_commit(model, pks)


def part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    model, foreign_key = PARTS[sender]
    reindex_on_commit(model, [getattr(instance, foreign_key)])


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
        reindex_on_commit(type(instance), [instance.pk])
    elif action == "post_clear":
        reindex_on_commit(model, getattr(instance, "_search_cleared", []))
    else:
        reindex_on_commit(model, pk_set or [])


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
    for model in PARTS:
        name = model.__name__
        post_save.connect(part_changed, sender=model, dispatch_uid=f"{uid}.part.saved.{name}")
        post_delete.connect(part_changed, sender=model, dispatch_uid=f"{uid}.part.deleted.{name}")
    for descriptor in MANY_TO_MANY:
        through = descriptor.through
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"{uid}.links.{through.__name__}")
