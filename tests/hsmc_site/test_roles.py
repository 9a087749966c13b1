"""The two staff groups: Content editors edit the whole catalogue and nothing else; Enquiry handlers
see enquiries and nothing of the catalogue."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from hsmc_site.roles import CONTENT_APPS, CONTENT_EDITORS, ENQUIRY_HANDLERS
from tests import factories

pytestmark = pytest.mark.django_db

CATALOGUE_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in CONTENT_APPS),
    key=lambda model: model._meta.label,
)

# One realistic record per catalogue admin, for its change page.
FACTORIES = {
    "organisations.Organisation": factories.OrganisationFactory,
    "topics.Topic": factories.TopicFactory,
    "faculty.Person": factories.PersonFactory,
    "workstreams.WorkStream": factories.WorkStreamFactory,
    "programmes.Programme": factories.ProgrammeFactory,
    "programmes.Intake": factories.IntakeFactory,
    "programmes.Audience": factories.AudienceFactory,
    "research.ResearchProject": factories.ResearchProjectFactory,
}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_catalogue_model_with_an_admin_has_a_factory_here():
    assert {model._meta.label for model in CATALOGUE_MODELS} == set(FACTORIES)


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda model: model._meta.label)
def test_content_editor_can_use_every_catalogue_admin_page(editor_client, model):
    obj = FACTORIES[model._meta.label]()
    # Intakes are listed on their own but edited with their programme (publishing.workflow).
    edited_elsewhere = model._meta.label == "programmes.Intake"

    assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == (403 if edited_elsewhere else 200)
    assert editor_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert editor_client.get(admin_url(model, "history", obj.pk)).status_code == 200
    assert editor_client.get(admin_url(model, "delete", obj.pk)).status_code == (403 if edited_elsewhere else 200)


def test_content_editor_cannot_see_enquiries_users_or_groups(editor_client, content_editor):
    enquiry = factories.EnquiryFactory()

    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[content_editor.pk]),
        reverse("admin:auth_group_changelist"),
    ):
        assert editor_client.get(url).status_code == 403, url
    assert not content_editor.has_perm("contacts.view_enquiry")
    assert editor_client.get(reverse("admin:contacts_enquiry_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:contacts_enquiry_change", args=[enquiry.pk])).status_code == 403


def test_content_editor_admin_index_lists_the_catalogue_and_not_enquiries(editor_client):
    response = editor_client.get(reverse("admin:index"))

    app_labels = {app["app_label"] for app in response.context["app_list"]}
    assert app_labels >= set(CONTENT_APPS)
    assert not app_labels & {"auth", "contacts"}


def test_enquiry_handler_sees_enquiries_and_nothing_of_the_catalogue(client, enquiry_handler):
    client.force_login(enquiry_handler)
    enquiry = factories.EnquiryFactory()

    assert enquiry_handler.has_perm("contacts.view_enquiry")
    assert enquiry_handler.has_perm("contacts.change_enquiry")
    assert client.get(reverse("admin:contacts_enquiry_changelist")).status_code == 200
    assert client.get(reverse("admin:contacts_enquiry_change", args=[enquiry.pk])).status_code == 200
    for model in CATALOGUE_MODELS:
        assert client.get(admin_url(model, "changelist")).status_code == 403, model
        assert client.get(admin_url(model, "add")).status_code == 403, model
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    app_labels = {app["app_label"] for app in client.get(reverse("admin:index")).context["app_list"]}
    assert not app_labels & set(CONTENT_APPS)


def test_content_editors_hold_every_catalogue_permission_and_none_on_users_or_enquiries():
    editors = Group.objects.get(name=CONTENT_EDITORS)
    granted = set(editors.permissions.values_list("content_type__app_label", "codename"))
    expected = set(
        Permission.objects.filter(content_type__app_label__in=CONTENT_APPS).values_list(
            "content_type__app_label", "codename"
        )
    )

    # Every catalogue model, the history models added in later migrations included.
    assert ("topics", "change_historicaltopic") in expected
    assert ("workstreams", "view_historicalworkstreammember") in expected
    assert expected <= granted
    assert not {app_label for app_label, _ in granted} & {"auth", "contacts"}


def test_enquiry_handlers_hold_no_catalogue_permission():
    handlers = Group.objects.get(name=ENQUIRY_HANDLERS)

    assert not handlers.permissions.filter(content_type__app_label__in=CONTENT_APPS).exists()
    assert handlers.permissions.filter(content_type__app_label="contacts", codename="view_enquiry").exists()
