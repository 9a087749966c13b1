"""A learner asks to be e-mailed when applications open, from a programme page, with JavaScript off and on;
axe-core finds nothing on any of the alert pages, errors included."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from alerts.models import Alert, Subscriber

from .conftest import axe_violations, csp_violations


def path_of(link_name: str, message) -> str:
    prefix = reverse(f"alerts:{link_name}", kwargs={"token": "TOKEN"}).split("TOKEN")[0]
    found = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s]+)", message.body)
    assert found, message.body
    return found.group(1)


def check_page(page, heading: str, *, javascript: bool = True) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    if javascript:  # axe-core runs in the page, so only where scripts may run; the same pages are checked with it
        assert axe_violations(page) == []
        assert csp_violations(page) == []


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_learner_subscribes_from_a_programme_page_confirms_and_unsubscribes(
    new_page, site_content, settings, javascript
):
    settings.ENQUIRY_MIN_SECONDS = 0  # a robot types faster than the spam check allows; it has its own tests
    page = new_page(javascript=javascript)
    programme = site_content.bare  # no intakes: "Dates to be confirmed"
    page.goto(programme.get_absolute_url())
    page.get_by_role("link", name="E-mail me when applications open").click()
    check_page(page, "E-mail me when applications open", javascript=javascript)

    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="E-mail me").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an e-mail address in the correct format")
    check_page(page, "E-mail me when applications open", javascript=javascript)  # with the error summary showing

    page.get_by_label("E-mail address").fill("sam.learner@example.nhs.uk")
    page.get_by_role("button", name="E-mail me").click()
    check_page(page, "Check your e-mail", javascript=javascript)
    [confirmation] = mail.outbox
    assert confirmation.to == ["sam.learner@example.nhs.uk"]

    page.goto(path_of("confirm", confirmation))
    check_page(page, "Confirm your e-mail alert", javascript=javascript)
    assert not Alert.objects.get().is_confirmed  # opening the link is not confirming
    page.get_by_role("button", name="Confirm").click()
    check_page(page, "Your e-mail alert is on", javascript=javascript)
    assert Alert.objects.get(programme=programme).is_confirmed

    page.goto(path_of("confirm", confirmation))  # the same link again
    check_page(page, "This link has already been used", javascript=javascript)

    page.goto(path_of("unsubscribe", confirmation))
    check_page(page, "Unsubscribe from e-mail alerts", javascript=javascript)
    page.get_by_role("button", name="Unsubscribe").click()
    check_page(page, "You are unsubscribed", javascript=javascript)
    assert not Subscriber.objects.exists()


def test_the_manage_pages_have_no_axe_violations(page, site_content, settings):
    settings.ENQUIRY_MIN_SECONDS = 0
    page.goto(reverse("alerts:manage-request"))
    check_page(page, "Your e-mail alerts")
    page.get_by_label("E-mail address").fill("nobody@example.nhs.uk")
    page.get_by_role("button", name="Send me a link").click()
    check_page(page, "Check your e-mail")
    assert mail.outbox == []

    subscriber = Subscriber.objects.create(email="sam@example.nhs.uk")
    Alert.objects.create(subscriber=subscriber, kind=Alert.Kind.WORK_STREAM, work_stream=site_content.work_stream)
    from alerts.tokens import MANAGE

    page.goto(reverse("alerts:manage", kwargs={"token": MANAGE.make(subscriber)}))
    check_page(page, "Your e-mail alerts")
    page.get_by_role("button", name=re.compile("Cancel the alert for")).click()
    expect(page.get_by_text("That alert is cancelled.")).to_be_visible()
    assert axe_violations(page) == []

    page.goto(reverse("alerts:confirm", kwargs={"token": "tampered"}))
    check_page(page, "This link is not right")

    page.goto(reverse("alerts:subscribe-work-stream", kwargs={"slug": site_content.work_stream.slug}))
    check_page(page, "E-mail me when applications open")
    page.goto(reverse("alerts:subscribe-catalogue") + "?audience=doctors")
    check_page(page, "E-mail me when applications open")
