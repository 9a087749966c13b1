"""Staff sign-in: password guessing is locked out, staff can unlock, and idle sessions end."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

from security.middleware import SESSION_ACTIVITY_KEY
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"

axes_on = override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=datetime.timedelta(minutes=30))


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


@pytest.fixture
def editor(db):
    return UserFactory(username="editor")


@axes_on
def test_wrong_password_shows_the_login_form_again_until_the_limit(client, editor):
    for _ in range(2):
        response = sign_in(client, "editor", "wrong-password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()


@axes_on
def test_account_is_locked_after_the_failure_limit_even_with_the_right_password(client, editor):
    for _ in range(3):
        sign_in(client, "editor", "wrong-password")
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "Try again in 30 minutes" in page
    assert response["Retry-After"] == "1800"


@axes_on
def test_lockout_follows_the_account_across_client_addresses(client, editor):
    for number in range(3):
        sign_in(client, "editor", "wrong-password", address=f"198.51.100.{number}")
    response = sign_in(client, "editor", PASSWORD, address="192.0.2.200")
    assert response.status_code == 429
    assert not is_signed_in(client)


@axes_on
def test_lockout_follows_the_client_address_across_accounts(client, editor):
    # An attacker spraying one password over many accounts from one address is stopped too.
    for name in ("alice", "bob", "carol"):
        sign_in(client, name, "Summer2025!")
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


@axes_on
def test_other_accounts_from_other_addresses_are_not_locked(client, editor):
    for _ in range(3):
        sign_in(client, "someone-else", "wrong-password", address="198.51.100.9")
    response = sign_in(client, "editor", PASSWORD, address="192.0.2.10")
    assert response.status_code == 302
    assert is_signed_in(client)


@axes_on
def test_lockout_ends_after_the_cool_off_time(client, editor):
    for _ in range(3):
        sign_in(client, "editor", "wrong-password")
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31))
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


@axes_on
def test_administrator_unlocks_an_account_by_deleting_its_access_attempts_in_the_admin(client, editor):
    for _ in range(3):
        sign_in(client, "editor", "wrong-password")
    assert sign_in(client, "editor", PASSWORD).status_code == 429

    admin_client = client.__class__()
    admin_client.force_login(UserFactory(username="site-admin", is_superuser=True))
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = admin_client.get(changelist)
    assert listing.status_code == 200
    assert "editor" in listing.content.decode()
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()

    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


@axes_on
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_client_address_is_the_one_locked_out(client, editor):
    proxy = "10.0.0.5"
    for _ in range(3):
        client.post(
            reverse("admin:login"),
            {"username": "nobody", "password": "guess"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    # Another visitor behind the same proxy is not locked out with the attacker.
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD, "next": reverse("admin:index")},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="192.0.2.44",
    )
    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"


def test_admin_lives_at_the_configured_path(settings):
    assert reverse("admin:index") == "/" + settings.ADMIN_PATH


def test_password_validators_refuse_short_and_common_passwords(editor):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short", "password1234", "123456789012", "qwertyuiop123"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=editor)
    validate_password("a sensible long passphrase", user=editor)


# Staff session idle timeout


@override_settings(STAFF_SESSION_IDLE_MINUTES=30)
def test_staff_session_ends_after_the_idle_time(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200
    session = client.session
    session[SESSION_ACTIVITY_KEY] = int(time.time()) - 31 * 60
    session.save()

    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[0] == (reverse("admin:login") + "?next=" + reverse("admin:index"), 302)
    assert not is_signed_in(client)
    assert "signed out after 30 minutes without activity" in response.content.decode()


@override_settings(STAFF_SESSION_IDLE_MINUTES=30)
def test_staff_session_survives_activity_within_the_idle_time(client, editor):
    client.force_login(editor)
    client.get(reverse("admin:index"))
    session = client.session
    session[SESSION_ACTIVITY_KEY] = int(time.time()) - 29 * 60
    session.save()

    assert client.get(reverse("admin:index")).status_code == 200
    assert is_signed_in(client)
    # The request counted as activity: the clock starts again.
    assert client.session[SESSION_ACTIVITY_KEY] >= int(time.time()) - 5
