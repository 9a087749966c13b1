import pytest
from django.urls import reverse

from publishing.models import Status
from tests.factories import GoalFactory, KeyContactFactory, PersonFactory, TopicFactory, WorkStreamFactory
from tests.publishing.admin_forms import fill_inline_row, form_data, set_fields
from workstreams.models import WorkStream

pytestmark = pytest.mark.django_db


def test_content_editor_creates_a_work_stream_with_goals_members_and_ordered_key_contacts(editor_client):
    belinda = PersonFactory(given_name="Belinda", family_name="Weir")
    annette = PersonFactory(given_name="Annette", family_name="Neath")
    mark = PersonFactory(given_name="Mark", family_name="Exworthy")
    improvement = TopicFactory(name="Improvement", slug="improvement")
    url = reverse("admin:workstreams_workstream_add")
    data = set_fields(
        form_data(editor_client.get(url)),
        title="Leadership and management",
        slug="leadership-and-management",
        summary="Developing the leaders the health system needs.",
        focus_areas=[improvement.pk],
        status=Status.DRAFT,
    )
    fill_inline_row(data, "goals", title="Informed policy", description="Original research.", order=1)
    fill_inline_row(data, "goals", title="Exceptional health care leaders", order=2)
    fill_inline_row(data, "key_contact_roles", person=annette.pk, role_label="Commissioned programmes", order=2)
    fill_inline_row(data, "key_contact_roles", person=belinda.pk, order=1)
    for order, person in enumerate((belinda, annette, mark)):
        fill_inline_row(data, "memberships", person=person.pk, order=order)

    response = editor_client.post(url, data)

    assert response.status_code == 302
    work_stream = WorkStream.objects.get(slug="leadership-and-management")
    assert [goal.title for goal in work_stream.goals.all()] == ["Informed policy", "Exceptional health care leaders"]
    assert [(kc.person, kc.role_label) for kc in work_stream.key_contact_roles.all()] == [
        (belinda, ""),
        (annette, "Commissioned programmes"),
    ]
    assert [m.person for m in work_stream.memberships.all()] == [belinda, annette, mark]
    assert list(work_stream.focus_areas.all()) == [improvement]


def test_the_same_person_cannot_be_a_key_contact_twice(editor_client):
    contact = KeyContactFactory()
    url = reverse("admin:workstreams_workstream_change", args=[contact.work_stream.pk])
    data = fill_inline_row(form_data(editor_client.get(url)), "key_contact_roles", person=contact.person.pk)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Key contact with this Work stream and Person already exists." in response.text
    assert contact.work_stream.key_contact_roles.count() == 1


def test_work_stream_history_records_focus_area_changes(editor_client, publisher):
    from publishing import workflow

    work_stream = WorkStreamFactory()
    GoalFactory(work_stream=work_stream)
    topic = TopicFactory(name="System leadership")
    url = reverse("admin:workstreams_workstream_change", args=[work_stream.pk])

    editor_client.post(url, set_fields(form_data(editor_client.get(url)), focus_areas=[topic.pk]))
    workflow.publish(work_stream, user=publisher)

    history = editor_client.get(reverse("admin:workstreams_workstream_history", args=[work_stream.pk]))
    assert "System leadership" in history.text
    assert work_stream.history.first().history_user == publisher
