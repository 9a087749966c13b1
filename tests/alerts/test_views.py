"""The sign-up, confirm, manage and unsubscribe pages: bad input gets a clear 4xx page, never a 500,
and nothing a page says tells anyone whether an address is subscribed."""

import time

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from alerts.models import Alert, Subscriber
from alerts.tokens import CONFIRM, MANAGE, UNSUBSCRIBE
from tests.factories import WorkStreamFactory

from .conftest import link_in


@pytest.fixture
def subscribe_url(programme):
    return reverse("alerts:subscribe-programme", kwargs={"slug": programme.slug})


@pytest.fixture
def confirmed_alert(programme, clock):
    subscriber = Subscriber.objects.create(email="sam.learner@example.nhs.uk")
    return Alert.objects.create(
        subscriber=subscriber, kind=Alert.Kind.PROGRAMME, programme=programme, confirmed_at=clock.now
    )


def test_the_form_asks_for_an_address_only_with_a_label_and_the_privacy_notice(client, subscribe_url):
    page = client.get(subscribe_url)
    assert page.status_code == 200
    assert 'for="id_email"' in page.text and "E-mail address" in page.text
    assert reverse("contacts:privacy") in page.text
    visible = [name for name in page.context["form"].fields if name not in {"website", "rendered_at"}]
    assert visible == ["email"]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your e-mail address."),
        ("not-an-address", "Enter an e-mail address in the correct format"),
        ("sam@mailinator.com", "looks like a disposable address"),
        ("sam@inbox.yopmail.com", "looks like a disposable address"),
    ],
)
def test_an_invalid_or_disposable_address_gets_the_form_again_with_an_error_summary(
    submit, subscribe_url, email, message
):
    response = submit(subscribe_url, email)
    assert response.status_code == 400
    assert 'class="error-summary' in response.text
    assert message in response.text
    assert not Alert.objects.exists()
    assert mail.outbox == []


def test_a_filled_honeypot_is_refused(submit, subscribe_url):
    response = submit(subscribe_url, "sam@example.nhs.uk", website="https://spam.example")
    assert response.status_code == 400
    assert not Alert.objects.exists()


def test_a_form_sent_without_its_time_token_is_refused(client, subscribe_url):
    client.get(subscribe_url)
    response = client.post(subscribe_url, {"email": "sam@example.nhs.uk", "website": "", "rendered_at": "forged"})
    assert response.status_code == 400
    assert "Something went wrong with the form" in response.text
    assert not Alert.objects.exists()


def test_the_form_is_rate_limited_per_client(submit, subscribe_url, settings):
    settings.ALERT_RATE_LIMIT = 2
    for n in range(2):
        assert submit(subscribe_url, f"person{n}@example.nhs.uk").status_code == 302
    response = submit(subscribe_url, "person3@example.nhs.uk")
    assert response.status_code == 429
    assert "Retry-After" in response
    assert 'value="person3@example.nhs.uk"' in response.text  # what they typed is kept
    assert Alert.objects.count() == 2


def test_unknown_programme_or_work_stream_is_a_404(client, db):
    assert client.get(reverse("alerts:subscribe-programme", kwargs={"slug": "no-such-thing"})).status_code == 404
    assert client.get(reverse("alerts:subscribe-work-stream", kwargs={"slug": "no-such-thing"})).status_code == 404


def test_new_duplicate_and_confirmed_addresses_all_get_the_same_answer(submit, subscribe_url, confirmed_alert):
    new = submit(subscribe_url, "new.person@example.nhs.uk")
    duplicate = submit(subscribe_url, "NEW.person@example.nhs.uk")  # the same address, shouted
    confirmed = submit(subscribe_url, "sam.learner@example.nhs.uk")
    answers = {(r.status_code, r["Location"]) for r in (new, duplicate, confirmed)}
    assert answers == {(302, reverse("alerts:check-email"))}
    # One confirmation for the new address (not a second within the hour), none for the confirmed one.
    assert [m.to for m in mail.outbox] == [["new.person@example.nhs.uk"]]
    assert Alert.objects.filter(subscriber__email="new.person@example.nhs.uk").count() == 1


def test_asking_for_a_manage_link_says_the_same_whether_or_not_the_address_has_alerts(
    client, settings, committed, confirmed_alert
):
    from contacts.abuse import issue_form_token

    from .conftest import csrf_secret

    url = reverse("alerts:manage-request")
    answers = []
    for email in ["sam.learner@example.nhs.uk", "nobody@example.nhs.uk"]:
        client.get(url)
        token = issue_form_token(browser=csrf_secret(client, settings), at=time.time() - 60)
        with committed():
            response = client.post(url, {"email": email, "website": "", "rendered_at": token})
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, reverse("alerts:manage-sent"))
    assert "If that address has alerts, we have sent it a link" in client.get(reverse("alerts:manage-sent")).text
    [message] = mail.outbox
    assert message.to == ["sam.learner@example.nhs.uk"]
    manage = client.get(link_in(message, "manage"))
    assert "Medical Leadership in Practice" in manage.text


def tampered(token: str) -> str:
    value, _, signature = token.rpartition(":")
    return f"{value}:{signature[::-1]}"


@pytest.mark.parametrize("view", ["confirm", "unsubscribe", "manage"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_gets_a_400_page_that_says_so(client, confirmed_alert, view, method):
    link = {"confirm": CONFIRM, "unsubscribe": UNSUBSCRIBE, "manage": MANAGE}[view]
    record = confirmed_alert if view == "confirm" else confirmed_alert.subscriber
    for token in [tampered(link.make(record)), "nonsense", "x" * 3000, "é:ü:ß"]:
        response = getattr(client, method)(reverse(f"alerts:{view}", kwargs={"token": token}))
        assert response.status_code == 400, token
        assert "This link is not right" in response.text
    assert Subscriber.objects.exists() and Alert.objects.get().is_confirmed


def test_a_link_for_one_purpose_does_not_work_for_another(client, confirmed_alert):
    manage_token = MANAGE.make(confirmed_alert.subscriber)
    response = client.post(reverse("alerts:unsubscribe", kwargs={"token": manage_token}))
    assert response.status_code == 400
    assert Subscriber.objects.exists()


def test_an_expired_confirmation_link_gets_a_410_page(client, programme, monkeypatch, settings):
    subscriber = Subscriber.objects.create(email="late@example.nhs.uk")
    alert = Alert.objects.create(subscriber=subscriber, kind=Alert.Kind.PROGRAMME, programme=programme)
    eight_days_ago = time.time() - 8 * 24 * 60 * 60
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: eight_days_ago)
        token = CONFIRM.make(alert)
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("alerts:confirm", kwargs={"token": token}))
        assert response.status_code == 410
        assert "This link has expired" in response.text
    assert not Alert.objects.get().is_confirmed


def test_a_replayed_confirmation_link_gets_a_410_page(client, programme):
    subscriber = Subscriber.objects.create(email="twice@example.nhs.uk")
    alert = Alert.objects.create(subscriber=subscriber, kind=Alert.Kind.PROGRAMME, programme=programme)
    url = reverse("alerts:confirm", kwargs={"token": CONFIRM.make(alert)})
    assert client.post(url).status_code == 200
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 410
        assert "This link has already been used" in response.text


def test_opening_a_confirm_or_unsubscribe_link_changes_nothing(client, programme, confirmed_alert):
    pending = Alert.objects.create(
        subscriber=Subscriber.objects.create(email="pending@example.nhs.uk"),
        kind=Alert.Kind.PROGRAMME,
        programme=programme,
    )
    # Mail scanners follow links: only the button (a POST) acts.
    assert client.get(reverse("alerts:confirm", kwargs={"token": CONFIRM.make(pending)})).status_code == 200
    unsubscribe = reverse("alerts:unsubscribe", kwargs={"token": UNSUBSCRIBE.make(confirmed_alert.subscriber)})
    page = client.get(unsubscribe)
    assert page.status_code == 200
    assert '<button type="submit"' in page.text
    assert not Alert.objects.get(pk=pending.pk).is_confirmed
    assert Subscriber.objects.filter(pk=confirmed_alert.subscriber_id).exists()


def test_one_click_unsubscribe_works_without_cookies_and_a_replay_gets_a_410(confirmed_alert):
    mail_client = Client(enforce_csrf_checks=True)
    url = reverse("alerts:unsubscribe", kwargs={"token": UNSUBSCRIBE.make(confirmed_alert.subscriber)})
    response = mail_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    assert not Subscriber.objects.exists() and not Alert.objects.exists()
    replay = mail_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert replay.status_code == 410
    assert "This link has already been used" in replay.text


def test_the_manage_page_lists_alerts_and_cancels_one_then_the_address_goes_with_the_last(
    client, programme, confirmed_alert
):
    work_stream = WorkStreamFactory(title="Leadership and management")
    other = Alert.objects.create(
        subscriber=confirmed_alert.subscriber, kind=Alert.Kind.WORK_STREAM, work_stream=work_stream
    )
    url = reverse("alerts:manage", kwargs={"token": MANAGE.make(confirmed_alert.subscriber)})
    page = client.get(url)
    assert "Medical Leadership in Practice" in page.text
    assert "New programmes and intakes in Leadership and management" in page.text
    assert client.post(url, {"alert": other.pk}).status_code == 200
    assert list(Alert.objects.all()) == [confirmed_alert]
    assert client.post(url, {"alert": "not-a-number"}).status_code == 400
    assert client.post(url, {"alert": confirmed_alert.pk}).status_code == 200
    assert not Subscriber.objects.exists()
    assert client.get(url).status_code == 410


def test_someone_elses_alert_cannot_be_cancelled_from_a_manage_link(client, programme, confirmed_alert):
    intruder = Subscriber.objects.create(email="intruder@example.nhs.uk")
    url = reverse("alerts:manage", kwargs={"token": MANAGE.make(intruder)})
    assert client.post(url, {"alert": confirmed_alert.pk}).status_code == 400
    assert Alert.objects.filter(pk=confirmed_alert.pk).exists()


@pytest.mark.parametrize(
    "query",
    ["?audience=doctors&audience=%00&kind=<script>", "?work_stream=" + "x" * 5000, "?sort=nope&page=99999"],
)
def test_the_catalogue_sign_up_ignores_hostile_filters(client, programme, query):
    response = client.get(reverse("alerts:subscribe-catalogue") + query)
    assert response.status_code in {200, 400}  # a NUL is refused by the site's own guard; never a 500
    assert "<script>" not in response.text


def test_catalogue_sign_up_keeps_known_filters_and_says_them_in_words(submit, programme, committed):
    from tests.factories import AudienceFactory

    programme.audiences.add(AudienceFactory(name="Doctors", slug="doctors"))
    url = reverse("alerts:subscribe-catalogue") + "?audience=doctors&audience=unknown&availability=open&sort=start"
    page = submit(url, "dr.who@example.nhs.uk")
    assert page.status_code == 302
    alert = Alert.objects.get()
    assert (alert.kind, alert.filters) == (Alert.Kind.CATALOGUE, "audience=doctors")
    assert mail.outbox[0].subject == "Confirm your e-mail alert: programmes matching Who it is for: Doctors"
