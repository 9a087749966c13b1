"""published() is the one definition of what the public sees, shared by every public model."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from faculty.models import Person
from programmes.models import Programme
from publishing.models import Status
from research.models import ResearchProject
from tests.factories import (
    PersonFactory,
    ProgrammeFactory,
    ResearchProjectFactory,
    UserFactory,
    WorkStreamFactory,
)
from workstreams.models import WorkStream

pytestmark = pytest.mark.django_db

PUBLIC_MODELS = [
    (Programme, ProgrammeFactory),
    (Person, PersonFactory),
    (WorkStream, WorkStreamFactory),
    (ResearchProject, ResearchProjectFactory),
]
IDS = [model._meta.model_name for model, _ in PUBLIC_MODELS]


@pytest.mark.parametrize(("model", "factory"), PUBLIC_MODELS, ids=IDS)
def test_published_hides_drafts(model, factory):
    live = factory(status=Status.PUBLISHED)
    factory(status=Status.DRAFT)

    assert list(model.objects.published()) == [live]


@pytest.mark.parametrize(("model", "factory"), PUBLIC_MODELS, ids=IDS)
def test_published_hides_records_scheduled_for_later_until_their_time(model, factory):
    now = timezone.now()
    already = factory(status=Status.PUBLISHED, publish_from=now - datetime.timedelta(minutes=1))
    scheduled = factory(status=Status.PUBLISHED, publish_from=now + datetime.timedelta(days=1))

    assert list(model.objects.published()) == [already]
    assert not scheduled.is_public
    assert already.is_public


def test_a_published_listing_built_before_a_records_time_shows_it_when_run_after(monkeypatch):
    # Views build their listing once (ProgrammeListView.queryset): the moment is read when the query runs.
    scheduled = ProgrammeFactory(publish_from=timezone.now() + datetime.timedelta(hours=2))
    listing = Programme.objects.published()
    assert list(listing.all()) == []
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert list(listing.all()) == [scheduled]


def test_a_draft_with_a_past_publish_from_date_stays_hidden():
    ProgrammeFactory(status=Status.DRAFT, publish_from=timezone.now() - datetime.timedelta(days=1))

    assert not Programme.objects.published().exists()


def test_staff_who_may_view_programmes_preview_drafts_and_everyone_else_sees_published_only(content_editor):
    draft = ProgrammeFactory(status=Status.DRAFT)
    live = ProgrammeFactory(status=Status.PUBLISHED)

    assert set(Programme.objects.visible_to(content_editor)) == {draft, live}
    assert list(Programme.objects.visible_to(UserFactory(username="staff-without-rights", is_staff=True))) == [live]
    assert list(Programme.objects.visible_to(UserFactory(username="member", is_staff=False))) == [live]
    assert list(Programme.objects.visible_to(AnonymousUser())) == [live]


def test_due_for_review_lists_pages_whose_review_date_is_today_or_past():
    today = timezone.localdate()
    overdue = ProgrammeFactory(review_by=today - datetime.timedelta(days=30))
    due_today = ProgrammeFactory(review_by=today)
    ProgrammeFactory(review_by=today + datetime.timedelta(days=1))
    ProgrammeFactory(review_by=None)

    assert set(Programme.objects.due_for_review()) == {overdue, due_today}
    assert due_today.is_due_for_review


def test_links_added_from_the_other_side_are_versioned_on_the_record_that_tracks_them():
    programme, project = ProgrammeFactory(), ResearchProjectFactory()
    programme_versions = programme.history.count()

    programme.related_research.add(project)  # the reverse side of ResearchProject.informs_programmes

    latest = ResearchProject.history.filter(id=project.pk).latest("history_date")
    assert latest.history_type == "~"
    assert [link.programme_id for link in latest.informs_programmes.all()] == [programme.pk]
    assert programme.history.count() == programme_versions
    programme.related_research.remove(project)
    assert not ResearchProject.history.filter(id=project.pk).latest("history_date").informs_programmes.exists()


@pytest.mark.django_db
def test_through_a_relation_the_public_sees_links_to_exactly_the_records_it_may_see():
    from programmes.models import ProgrammeLead
    from publishing.models import published_q
    from tests.factories import ProgrammeLeadFactory

    now = timezone.now()
    people = {
        "published": PersonFactory(),
        "draft": PersonFactory(status=Status.DRAFT),
        "scheduled": PersonFactory(publish_from=now + datetime.timedelta(days=1)),
        "was scheduled": PersonFactory(publish_from=now - datetime.timedelta(days=1)),
    }
    for person in people.values():
        ProgrammeLeadFactory(person=person)

    shown = {link.person for link in ProgrammeLead.objects.filter(published_q("person__"))}

    assert shown == {people["published"], people["was scheduled"]}
    assert shown == {link.person for link in ProgrammeLead.objects.filter(person__in=Person.objects.published())}
    assert set(ProgrammeLead.objects.with_published_person()) == set(
        ProgrammeLead.objects.filter(published_q("person__"))
    )
