"""The three e-mails a subscriber can get: confirm an alert, the day's digest, a link to manage alerts.

Each carries a one-click unsubscribe (RFC 8058): a signed link in the text, and the List-Unsubscribe and
List-Unsubscribe-Post headers, so a mail client can offer "Unsubscribe" and POST it without a browser.
Nothing a visitor typed goes into them but the address itself.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from contacts.emails import header_safe
from publishing import centre
from publishing.seo import absolute_url

from .digests import Item
from .models import Alert, Notice, Subscriber
from .targets import Target
from .tokens import CONFIRM, MANAGE, UNSUBSCRIBE


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("alerts:unsubscribe", kwargs={"token": UNSUBSCRIBE.make(subscriber)}))


def manage_url(subscriber: Subscriber) -> str:
    return absolute_url(reverse("alerts:manage", kwargs={"token": MANAGE.make(subscriber)}))


def _message(*, subscriber: Subscriber, subject: str, template: str, context: dict) -> EmailMessage:
    details = centre.current()
    unsubscribe = unsubscribe_url(subscriber)
    context = {
        **context,
        "SITE_NAME": details.name,
        "CENTRE_EMAIL": details.email,
        "unsubscribe_url": unsubscribe,
        "privacy_url": absolute_url(reverse("contacts:privacy")),
        "retention_months": settings.ALERT_RETENTION_MONTHS,
    }
    return EmailMessage(
        subject=header_safe(subject, max_length=180),
        body=render_to_string(template, context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # Automatic mail: out-of-office replies should not answer it (RFC 3834).
            "Auto-Submitted": "auto-generated",
        },
    )


def build_confirmation(*, alert: Alert) -> EmailMessage:
    target = Target.of(alert)
    return _message(
        subscriber=alert.subscriber,
        subject=f"Confirm your e-mail alert: {target.description}",
        template="alerts/email/confirm.txt",
        context={
            "target": target,
            "confirm_url": absolute_url(reverse("alerts:confirm", kwargs={"token": CONFIRM.make(alert)})),
            "days": settings.ALERT_CONFIRM_DAYS,
        },
    )


def digest_subject(items: list[Item]) -> str:
    if len(items) > 1:
        return f"{len(items)} updates on programmes you follow"
    item = items[0]
    return {
        Notice.Stage.NEW_PROGRAMME: "New programme: {}",
        Notice.Stage.OPENING: "Applications opening soon: {}",
        Notice.Stage.OPEN: "Applications are open: {}",
        Notice.Stage.REMINDER: "Applications close soon: {}",
    }[item.stage].format(item.programme.title)


def build_digest(*, subscriber: Subscriber, items: list[Item]) -> EmailMessage:
    lines = [
        {"item": item, "url": absolute_url(item.programme.get_absolute_url()), "stage": Notice.Stage(item.stage).name}
        for item in items
    ]
    return _message(
        subscriber=subscriber,
        subject=digest_subject(items),
        template="alerts/email/digest.txt",
        context={"lines": lines, "manage_url": manage_url(subscriber), "manage_days": settings.ALERT_MANAGE_LINK_DAYS},
    )


def build_manage_link(*, subscriber: Subscriber) -> EmailMessage:
    return _message(
        subscriber=subscriber,
        subject="Your e-mail alerts: see or cancel them",
        template="alerts/email/manage.txt",
        context={"manage_url": manage_url(subscriber), "manage_days": settings.ALERT_MANAGE_LINK_DAYS},
    )
