"""The index follows the records: saves, renames of related records, links, deletions and rebuilds."""

import io
import re

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models.signals import post_save
from django.urls import reverse

from programmes.models import Programme, ProgrammePartner
from search.backends.base import KIND_WEIGHTS, KindWeight
from search.models import Kind, SearchDocument
from search.selectors import search
from tests.factories import (
    AudienceFactory,
    GoalFactory,
    InvestigatorFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeLeadFactory,
    ProgrammePartnerFactory,
    ProjectOrganisationFactory,
    ResearchOutputFactory,
    ResearchProjectFactory,
    TopicFactory,
    WorkStreamFactory,
)


def titles(query: str, kind: str | None = None) -> list[str]:
    return [hit.title for hit in search(query, kind=kind)[0:50]]


def test_renaming_a_partner_organisation_updates_the_programmes_it_partners(client, seed, committed):
    academy = seed.organisations["academy"]
    assert titles("collaborative") == []
    academy.name = "National Leadership Collaborative"
    with committed():
        academy.save()
    assert set(titles("collaborative")) == {"Nye Bevan programme", "Elizabeth Garrett Anderson programme"}
    # And what visitors see, through the page.
    response = client.get(reverse("search:results"), {"q": "collaborative"})
    assert "Elizabeth Garrett Anderson programme" in response.content.decode()
    # The old name is gone from the partner list (the programmes' own text still says "NHS Leadership Academy").
    academy.name = "Ridgeway Partnership"
    with committed():
        academy.save()
    assert titles("collaborative") == []
    assert set(titles("ridgeway")) == {"Nye Bevan programme", "Elizabeth Garrett Anderson programme"}


def test_renaming_a_partner_updates_research_projects_and_people_affiliated_with_it(committed):
    with committed():
        organisation = OrganisationFactory(name="Kingsmead Health Trust")
        project = ResearchProjectFactory(title="Ward leadership study")
        ProjectOrganisationFactory(project=project, organisation=organisation)
        PersonFactory(given_name="Ada", family_name="Visitor", affiliation=organisation)
    assert set(titles("kingsmead")) == {"Ward leadership study", "Ada Visitor"}
    organisation.name = "Riverside Health Trust"
    with committed():
        organisation.save()
    assert titles("kingsmead") == []
    assert set(titles("riverside")) == {"Ward leadership study", "Ada Visitor"}


def test_renaming_a_person_updates_the_programmes_projects_and_work_streams_they_appear_in(seed, committed):
    weir = seed.people["weir"]
    with committed():
        project = ResearchProjectFactory(title="Board effectiveness review")
        InvestigatorFactory(project=project, person=weir)
    weir.family_name = "Okonkwo"
    with committed():
        weir.save()
    found = set(titles("okonkwo"))
    assert {"Belinda Okonkwo", "Aspiring Healthcare Leaders", "Board effectiveness review"} <= found
    assert "Leadership and management" in found  # key contact of the work stream
    assert titles("weir") == []


def test_a_draft_person_does_not_make_others_findable_by_their_name(committed):
    with committed():
        hidden = PersonFactory(given_name="Quentin", family_name="Unpublished", status="draft")
        ProgrammeLeadFactory(programme=ProgrammeFactory(title="Quiet programme"), person=hidden)
    assert titles("quiet") == ["Quiet programme"]
    assert titles("unpublished") == []


def test_a_draft_work_stream_does_not_make_its_programmes_findable_by_its_title(committed):
    with committed():
        work_stream = WorkStreamFactory(title="Quantum governance", status="draft")
        ProgrammeFactory(title="Board programme").work_streams.add(work_stream)
    assert titles("quantum") == []
    work_stream.status = "published"
    with committed():
        work_stream.save()
    assert set(titles("quantum")) == {"Quantum governance", "Board programme"}


def test_links_added_or_removed_from_either_end_reindex_the_record(committed):
    with committed():
        programme = ProgrammeFactory(title="Team coaching")
        topic = TopicFactory(name="Resilience")
    with committed():
        programme.topics.add(topic)
    assert "Team coaching" in titles("resilience")
    with committed():
        programme.topics.remove(topic)
    assert "Team coaching" not in titles("resilience")
    with committed():
        topic.programmes.add(programme)
    assert "Team coaching" in titles("resilience")
    with committed():
        topic.programmes.clear()
    assert "Team coaching" not in titles("resilience")
    with committed():
        audience = AudienceFactory(name="Pharmacists")
        audience.programmes.add(programme)
    assert titles("pharmacists") == ["Team coaching"]


def test_renaming_or_deleting_a_topic_updates_what_it_tagged(committed):
    with committed():
        programme = ProgrammeFactory(title="Team coaching")
        topic = TopicFactory(name="Resilience")
        programme.topics.add(topic)
    topic.name = "Wellbeing"
    with committed():
        topic.save()
    assert set(titles("wellbeing")) == {"Wellbeing", "Team coaching"}
    with committed():
        topic.delete()
    assert titles("wellbeing") == []


def test_partner_links_goals_and_outputs_feed_their_record(committed):
    with committed():
        programme = ProgrammeFactory(title="Team coaching")
        link = ProgrammePartnerFactory(programme=programme, organisation=OrganisationFactory(name="Northgate Trust"))
    assert titles("northgate") == ["Team coaching"]
    with committed():
        link.delete()
    assert titles("northgate") == []
    with committed():
        work_stream = WorkStreamFactory(title="Integrated care")
        GoalFactory(work_stream=work_stream, title="Joined-up commissioning")
    assert "Integrated care" in titles("commissioning")
    with committed():
        project = ResearchProjectFactory(title="Hospital boards")
        ResearchOutputFactory(project=project, title="Final report on board assurance")
    assert titles("assurance") == ["Hospital boards"]


def test_a_commissioner_is_findable_by_its_abbreviation(seed):
    found = titles("heewm")
    assert {"Systems Leadership", "Evaluation of leadership development programmes"} <= set(found)


def test_deleting_a_record_removes_its_document(committed):
    with committed():
        programme = ProgrammeFactory(title="Team coaching")
        ProgrammePartnerFactory(programme=programme, role=ProgrammePartner.Role.COMMISSIONER)
    assert titles("coaching") == ["Team coaching"]
    with committed():
        programme.delete()
    assert not SearchDocument.objects.exists()
    assert titles("coaching") == []


def test_rebuild_command_recreates_the_index_from_the_records(seed):
    SearchDocument.objects.all().delete()
    SearchDocument.objects.create(
        content_type=ContentType.objects.get_for_model(Programme),
        object_id=999999,
        kind="programme",
        title="A programme that no longer exists",
        url="/programmes/gone/",
        status="published",
    )
    output = io.StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert "7 programmes, 1 research projects, 10 people, 1 work streams, 4 topics" in output.getvalue()
    assert titles("exists") == []
    assert titles("nye bevan")[0] == "Nye Bevan programme"


def test_fixture_loading_leaves_indexing_to_the_rebuild_command(committed):
    programme = ProgrammeFactory(title="Team coaching")
    SearchDocument.objects.all().delete()
    with committed():
        post_save.send(Programme, instance=programme, created=False, raw=True, update_fields=None, using="default")
    assert not SearchDocument.objects.exists()


def test_a_bulk_change_is_reindexed_by_a_task_not_in_the_request(committed, settings, task_worker):
    """Renaming a topic that many records name queues their reindexing; the worker does it."""
    from django_tasks_db.models import DBTaskResult

    settings.SEARCH_REINDEX_INLINE_LIMIT = 2
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with committed():
        topic = TopicFactory(name="Resilience")
        for n in range(3):
            ProgrammeFactory(title=f"Team coaching {n}").topics.add(topic)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    with committed():
        topic.name = "Endurance"
        topic.save()
    assert titles("endurance") == []  # queued, not yet done
    assert DBTaskResult.objects.ready().count() == 1

    task_worker()
    assert sorted(titles("endurance")) == ["Endurance", "Team coaching 0", "Team coaching 1", "Team coaching 2"]


def test_each_kind_of_document_is_weighted_as_kind_weights_says(committed):
    with committed():
        ProgrammeFactory()
        PersonFactory()
        ResearchProjectFactory()
        WorkStreamFactory()
        TopicFactory()
    weights = dict(SearchDocument.objects.annotate(weight=KindWeight()).values_list("kind", "weight"))
    assert weights == {kind.value: weight for kind, weight in KIND_WEIGHTS.items()}
    # The kinds are written into KindWeight's SQL as literals: only letters and hyphens may be.
    assert all(re.fullmatch(r"[a-z-]+", kind.value) for kind in Kind)
