"""Who hears about each step of the workflow, and what they are told. Sent by a task after the commit."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .seo import absolute_url

logger = logging.getLogger(__name__)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def publishers():
    """Everyone who may approve changes and can be e-mailed."""
    return (
        get_user_model()
        .objects.with_perm("publishing.publish", include_superusers=True, backend=MODEL_BACKEND)
        .filter(is_staff=True)
        .exclude(email="")
    )


def _addresses(users, *, actor) -> list[str]:
    seen = []
    for user in users:
        if user is None or not user.is_active or not user.email or user == actor:
            continue
        if user.email not in seen:
            seen.append(user.email)
    return seen


def _send(template: str, obj, change, *, actor, to: list[str]) -> None:
    if not to:
        return
    opts = obj._meta
    context = {
        "record": obj,
        "kind": opts.verbose_name,
        "change": change,
        "actor": actor,
        "SITE_NAME": settings.SITE_NAME,
        "review_url": absolute_url(reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[obj.pk])),
        "edit_url": absolute_url(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])),
        "public_url": absolute_url(obj.get_absolute_url()),
    }
    rendered = render_to_string(f"publishing/email/{template}.txt", context).strip()
    subject, _, body = rendered.partition("\n")
    subject = " ".join(f"[{settings.SITE_SHORT_NAME}] {subject}".split())[:180]

    def enqueue():
        from .tasks import send_workflow_email

        try:
            send_workflow_email.enqueue(subject=subject, body=body.strip() + "\n", to=to)
        except Exception:  # the step is done; a lost e-mail must not undo it or fail the editor's request
            logger.exception("Could not send the workflow e-mail %r to %s.", subject, to)

    transaction.on_commit(enqueue)


def submitted(obj, change, *, actor) -> None:
    _send("submitted", obj, change, actor=actor, to=_addresses(publishers(), actor=actor))


def rejected(obj, change, *, actor) -> None:
    _send("rejected", obj, change, actor=actor, to=_addresses([change.submitted_by, change.updated_by], actor=actor))


def scheduled(obj, change, *, actor) -> None:
    _send("scheduled", obj, change, actor=actor, to=_addresses([change.submitted_by, change.updated_by], actor=actor))


def published(obj, change, *, actor) -> None:
    _send("published", obj, change, actor=actor, to=_addresses([change.submitted_by, change.updated_by], actor=actor))
