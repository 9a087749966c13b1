"""Two-factor staff sign-in with an authenticator app (TOTP), enforced by STAFF_2FA_REQUIRED."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"
required = override_settings(STAFF_2FA_REQUIRED=True)
optional = override_settings(STAFF_2FA_REQUIRED=False)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_with_password(client, username="editor"):
    response = client.post(
        reverse("admin:login"), {"username": username, "password": PASSWORD, "next": reverse("admin:index")}
    )
    assert response.status_code == 302
    assert SESSION_KEY in client.session


@pytest.fixture
def editor(db):
    return UserFactory(username="editor")


@pytest.fixture
def editor_with_app(editor):
    return TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)


def verify_url(next_url=None):
    next_url = next_url or reverse("admin:index")
    return reverse("admin:two-factor-verify") + "?next=" + next_url.replace("/", "%2F")


@required
def test_password_alone_does_not_open_any_admin_page_when_required(client, editor_with_app):
    sign_in_with_password(client)
    for url in (
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[editor_with_app.user.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == verify_url(url)


@required
def test_correct_code_opens_the_admin_and_returns_to_the_page_asked_for(client, editor_with_app):
    sign_in_with_password(client)
    target = reverse("admin:password_change")
    response = client.post(verify_url(target), {"code": code_for(editor_with_app), "next": target})
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200


@required
def test_wrong_code_is_refused_with_a_clear_message(client, editor_with_app):
    sign_in_with_password(client)
    response = client.post(verify_url(), {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


@required
def test_repeated_wrong_codes_are_throttled(client, editor_with_app):
    sign_in_with_password(client)
    client.post(verify_url(), {"code": "000000"})
    # django-otp's exponential back-off: right after a failure even the right code must wait.
    response = client.post(verify_url(), {"code": code_for(editor_with_app)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


@required
def test_a_used_code_cannot_be_replayed(client, editor_with_app):
    code = code_for(editor_with_app)
    sign_in_with_password(client)
    client.post(verify_url(), {"code": code})
    other = client.__class__()
    sign_in_with_password(other)
    response = other.post(verify_url(), {"code": code})
    assert "That code is not right" in response.content.decode()


@required
def test_recovery_code_works_once(client, editor):
    device = StaticDevice.objects.create(user=editor, name="Recovery codes", confirmed=True)
    device.token_set.create(token="k3p9x2mw")
    sign_in_with_password(client)
    response = client.post(verify_url(), {"code": "k3p9x2mw"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert not device.token_set.exists()


@required
def test_staff_without_an_app_are_sent_to_set_one_up_first(client, editor):
    sign_in_with_password(client)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("admin:two-factor-setup"))
    page = response.content.decode()
    assert "Set up two-factor sign-in" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, allowed by img-src data:
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 302


@required
def test_setting_up_an_app_with_a_correct_code_signs_in_and_opens_the_admin(client, editor):
    sign_in_with_password(client)
    client.get(reverse("admin:two-factor-setup"))
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    response = client.post(reverse("admin:two-factor-setup"), {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200


@required
def test_setting_up_shows_the_same_secret_until_confirmed(client, editor):
    sign_in_with_password(client)
    first = client.get(reverse("admin:two-factor-setup")).context["secret_groups"]
    second = client.get(reverse("admin:two-factor-setup")).context["secret_groups"]
    assert first == second
    assert TOTPDevice.objects.filter(user=editor).count() == 1


@required
def test_a_password_thief_cannot_enrol_another_app_over_an_existing_one(client, editor_with_app):
    sign_in_with_password(client)
    response = client.get(reverse("admin:two-factor-setup"))
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=editor_with_app.user).count() == 1
    assert client.get(reverse("admin:index")).status_code == 302


@required
def test_a_verified_session_is_not_asked_again(client, editor_with_app):
    sign_in_with_password(client)
    client.post(verify_url(), {"code": code_for(editor_with_app)})
    for _ in range(3):
        assert client.get(reverse("admin:index")).status_code == 200


@required
def test_staff_can_cancel_the_second_step_and_sign_out(client, editor_with_app):
    sign_in_with_password(client)
    response = client.post(reverse("admin:two-factor-verify"), {"sign-out": "Cancel and sign out"})
    assert response["Location"] == reverse("admin:login")
    assert SESSION_KEY not in client.session


@required
def test_second_step_pages_need_the_password_first(client, db):
    for name in ("admin:two-factor-verify", "admin:two-factor-setup"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@required
def test_second_step_ignores_a_next_address_on_another_site(client, editor_with_app):
    sign_in_with_password(client)
    response = client.post(
        reverse("admin:two-factor-verify"), {"code": code_for(editor_with_app), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("admin:index")


@optional
def test_when_not_required_staff_without_an_app_use_the_password_only(client, editor):
    sign_in_with_password(client)
    assert client.get(reverse("admin:index")).status_code == 200


@optional
def test_when_not_required_staff_who_set_up_an_app_still_need_it(client, editor_with_app):
    sign_in_with_password(client)
    assert client.get(reverse("admin:index"))["Location"] == verify_url()


@optional
def test_when_not_required_staff_can_choose_to_set_up_an_app(client, editor):
    sign_in_with_password(client)
    response = client.get(reverse("admin:two-factor-setup"))
    assert response.status_code == 200
    assert "Add a second step to your sign-in" in response.content.decode()


def test_two_factor_is_required_by_default_only_in_production():
    from tests.hsmc_site.test_settings import PRODUCTION_ENV, run_django

    code = "from django.conf import settings; print(settings.STAFF_2FA_REQUIRED)"
    assert run_django(code).stdout.strip() == "False"
    assert run_django(code, **PRODUCTION_ENV).stdout.strip() == "True"
