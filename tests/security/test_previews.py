"""Unpublished content (drafts now, pending changes too) is shown only to staff who may view that kind of
record and have signed in fully: a password-only session, where two-factor sign-in applies, sees none."""

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from hsmc_site.roles import CONTENT_EDITORS
from publishing.models import Status
from tests.factories import PersonFactory, ProgrammeFactory, UserFactory

PASSWORD = "correct-horse-battery-staple"

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, user) -> None:
    response = client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


@override_settings(STAFF_2FA_REQUIRED=True)
def test_a_password_only_session_sees_no_draft_where_two_factor_is_required(client):
    editor = UserFactory(username="half-signed-in", groups=[Group.objects.get(name=CONTENT_EDITORS)])
    TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    draft = PersonFactory(status=Status.DRAFT, email="private@example.ac.uk")
    sign_in_with_password(client, editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404
    assert "private@example.ac.uk" not in response.text


@override_settings(STAFF_2FA_REQUIRED=False)
def test_a_fully_signed_in_content_editor_previews_a_draft(client):
    editor = UserFactory(username="signed-in", groups=[Group.objects.get(name=CONTENT_EDITORS)])
    draft = ProgrammeFactory(status=Status.DRAFT, title="Not announced yet")
    sign_in_with_password(client, editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "Not announced yet" in response.text


def test_staff_without_the_view_permission_see_no_draft(client, enquiry_handler):
    draft = ProgrammeFactory(status=Status.DRAFT, title="Not announced yet")
    client.force_login(enquiry_handler)

    assert client.get(draft.get_absolute_url()).status_code == 404
