"""The admin behaviour every publishable model shares (publishing/admin.py)."""

import datetime

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone

from hsmc_site.roles import CONTENT_APPS
from publishing.models import Status
from tests.factories import PersonFactory, ProgrammeFactory, WorkStreamFactory

pytestmark = pytest.mark.django_db


def test_change_form_links_a_draft_to_its_preview(editor_client):
    draft = WorkStreamFactory(status=Status.DRAFT, title="Integrated care")

    response = editor_client.get(reverse("admin:workstreams_workstream_change", args=[draft.pk]))

    assert "Preview this work stream" in response.text
    assert f'href="{draft.get_absolute_url()}"' in response.text
    assert "only signed-in staff can see it" in response.text


def test_change_form_links_a_published_page_to_the_site(editor_client):
    live = PersonFactory(status=Status.PUBLISHED)

    response = editor_client.get(reverse("admin:faculty_person_change", args=[live.pk]))

    assert "View on site" in response.text
    assert "Preview this person" not in response.text


def test_scheduled_page_is_described_as_scheduled(editor_client):
    when = timezone.now() + datetime.timedelta(days=3)
    scheduled = ProgrammeFactory(status=Status.PUBLISHED, publish_from=when)

    response = editor_client.get(reverse("admin:programmes_programme_change", args=[scheduled.pk]))

    assert "Preview this programme" in response.text
    assert "scheduled for" in response.text


def test_change_list_offers_preview_for_drafts_and_view_for_published(editor_client):
    draft = ProgrammeFactory(status=Status.DRAFT, title="Draft programme")
    ProgrammeFactory(status=Status.PUBLISHED, title="Live programme")

    response = editor_client.get(reverse("admin:programmes_programme_changelist"))

    assert f'<a href="{draft.get_absolute_url()}" aria-label="Preview Draft programme">Preview</a>' in response.text
    assert 'aria-label="View Live programme">View</a>' in response.text


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("live", ["Live"]), ("scheduled", ["Scheduled"]), ("draft", ["Draft"])],
)
def test_status_filter_separates_live_scheduled_and_draft(editor_client, choice, expected):
    ProgrammeFactory(title="Live", status=Status.PUBLISHED)
    ProgrammeFactory(
        title="Scheduled", status=Status.PUBLISHED, publish_from=timezone.now() + datetime.timedelta(days=1)
    )
    ProgrammeFactory(title="Draft", status=Status.DRAFT)

    response = editor_client.get(reverse("admin:programmes_programme_changelist"), {"publication": choice})

    assert [obj.title for obj in response.context["cl"].result_list] == expected


def test_publishing_a_record_with_an_old_publish_from_date_makes_it_live_now(publisher_client):
    person = PersonFactory(status=Status.DRAFT, publish_from=timezone.now() + datetime.timedelta(days=7))

    response = publisher_client.post(
        reverse("admin:faculty_person_changelist"),
        {"action": "publish", "_selected_action": [person.pk]},
        follow=True,
    )

    person.refresh_from_db()
    assert person.status == Status.PUBLISHED
    assert person.is_public
    assert "Published 1 person." in response.text


def test_publish_action_is_recorded_in_history_with_the_publisher(publisher_client, publisher):
    work_stream = WorkStreamFactory(status=Status.DRAFT)

    publisher_client.post(
        reverse("admin:workstreams_workstream_changelist"),
        {"action": "publish", "_selected_action": [work_stream.pk]},
    )

    latest = work_stream.history.first()
    assert latest.status == Status.PUBLISHED
    assert latest.history_user == publisher


def catalogue_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in CONTENT_APPS
    ]


@pytest.mark.parametrize(("model", "model_admin"), catalogue_admins(), ids=lambda value: getattr(value, "__name__", ""))
def test_every_relation_in_the_catalogue_admin_is_chosen_by_autocomplete(model, model_admin):
    """Select boxes of every record do not scale; each relation an editor picks is searchable."""
    assert model_admin.search_fields, model
    if model_admin.fieldsets:
        form_fields = {name for _, options in model_admin.fieldsets for name in _flatten(options["fields"])}
    else:
        form_fields = {field.name for field in model._meta.get_fields()}
    for field in model._meta.get_fields():
        if (field.many_to_many or field.many_to_one) and not field.auto_created and field.name in form_fields:
            assert field.name in model_admin.autocomplete_fields, f"{model.__name__}.{field.name}"
    for inline in model_admin.inlines:
        for field in inline.model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is not model:
                assert field.name in inline.autocomplete_fields, f"{inline.model.__name__}.{field.name}"


def _flatten(fields):
    for item in fields:
        if isinstance(item, list | tuple):
            yield from item
        else:
            yield item


CHANGELISTS = [
    ("admin:programmes_programme_changelist", "tests.factories.ProgrammePartnerFactory"),
    ("admin:faculty_person_changelist", "tests.factories.PersonFactory"),
    ("admin:workstreams_workstream_changelist", "tests.factories.WorkStreamMemberFactory"),
    ("admin:research_researchproject_changelist", "tests.factories.InvestigatorFactory"),
    ("admin:organisations_organisation_changelist", "tests.factories.ProgrammePartnerFactory"),
    ("admin:programmes_intake_changelist", "tests.factories.IntakeFactory"),
]


@pytest.mark.parametrize(("url_name", "factory_path"), CHANGELISTS, ids=[name for name, _ in CHANGELISTS])
def test_change_lists_cost_the_same_queries_for_3_or_30_records(editor_client, url_name, factory_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.module_loading import import_string

    factory = import_string(factory_path)
    factory.create_batch(3)
    editor_client.get(reverse(url_name))  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(reverse(url_name)).status_code == 200
    factory.create_batch(27)
    with CaptureQueriesContext(connection) as many:
        assert editor_client.get(reverse(url_name)).status_code == 200

    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


@pytest.mark.parametrize(("model", "model_admin"), catalogue_admins(), ids=lambda value: getattr(value, "__name__", ""))
def test_history_pages_answer_404_not_500_for_a_malformed_or_unknown_id(editor_client, model, model_admin):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"

    assert editor_client.get(reverse(f"{name}_history", args=["not-a-number"])).status_code == 404
    assert editor_client.get(reverse(f"{name}_history", args=["987654"])).status_code == 404
    assert editor_client.get(reverse(f"{name}_simple_history", args=["not-a-number", "1"])).status_code == 404
    assert editor_client.get(reverse(f"{name}_simple_history", args=["1", "latest"])).status_code == 404
    assert editor_client.get(reverse(f"{name}_simple_history", args=["987654", "987654"])).status_code == 404


@pytest.mark.parametrize("model", ["programmes_intake", "publishing_pendingchange"])
def test_read_only_admin_pages_refuse_adding_even_to_a_superuser(admin_client, model):
    assert admin_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403
