"""Signed links in alert e-mails: confirm an alert, manage or unsubscribe an address.

Each purpose has its own salt, so a link for one cannot be used for another. A link names its record
and the second it was created, so once the record is gone (unsubscribed, expired and purged) the link
is spent even should a new record reuse the number.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from .models import Alert, Subscriber


class LinkProblem(Exception):
    """Why a link cannot be used, with the page and status that say so."""

    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.reason = reason  # "tampered", "expired" or "used"
        self.status = status


@dataclass(frozen=True)
class Link:
    purpose: str
    model: type

    @property
    def max_age(self) -> int:
        days = {
            "confirm": settings.ALERT_CONFIRM_DAYS,
            "manage": settings.ALERT_MANAGE_LINK_DAYS,
            # Works for as long as the address is kept, so the latest e-mail's link always does.
            "unsubscribe": settings.ALERT_RETENTION_MONTHS * 31 + 31,
        }[self.purpose]
        return days * 24 * 60 * 60

    @property
    def signer(self) -> signing.TimestampSigner:
        return signing.TimestampSigner(salt=f"alerts.{self.purpose}")

    def make(self, record) -> str:
        return self.signer.sign_object({"id": record.pk, "at": int(record.created_at.timestamp())})

    def read(self, token: str):
        """The record `token` names. Raises LinkProblem: tampered (400), expired or spent (410)."""
        try:
            data = self.signer.unsign_object(token, max_age=self.max_age)
        except signing.SignatureExpired as error:
            raise LinkProblem("expired", 410) from error
        except (signing.BadSignature, ValueError, UnicodeError) as error:
            raise LinkProblem("tampered", 400) from error
        if not isinstance(data, dict) or not isinstance(data.get("id"), int) or not isinstance(data.get("at"), int):
            raise LinkProblem("tampered", 400)
        record = self.model.objects.filter(pk=data["id"]).first()
        if record is None or int(record.created_at.timestamp()) != data["at"]:
            raise LinkProblem("used", 410)
        return record


CONFIRM = Link("confirm", Alert)
MANAGE = Link("manage", Subscriber)
UNSUBSCRIBE = Link("unsubscribe", Subscriber)
