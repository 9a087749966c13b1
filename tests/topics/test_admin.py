import pytest
from django.urls import reverse

from tests.factories import ProgrammeFactory, TopicFactory
from topics.models import Topic

pytestmark = pytest.mark.django_db


def test_content_editor_adds_a_topic_and_its_history_is_kept(editor_client, content_editor):
    url = reverse("admin:topics_topic_add")

    response = editor_client.post(url, {"name": "Patient leadership", "slug": "patient-leadership"})

    assert response.status_code == 302
    topic = Topic.objects.get(slug="patient-leadership")
    assert topic.history.get().history_user == content_editor


def test_topics_are_offered_by_autocomplete_when_editing_a_programme(editor_client):
    TopicFactory(name="Medical leaders", slug="medical-leaders")
    TopicFactory(name="Improvement", slug="improvement")

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "programmes", "model_name": "programme", "field_name": "topics", "term": "medic"},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Medical leaders"]


def test_duplicate_topic_slug_is_reported_not_a_crash(editor_client):
    TopicFactory(name="Improvement", slug="improvement")
    ProgrammeFactory()

    response = editor_client.post(reverse("admin:topics_topic_add"), {"name": "Improvement 2", "slug": "improvement"})

    assert response.status_code == 200
    assert "Topic with this Slug already exists." in response.text
