from django.conf import settings
from django.utils.functional import SimpleLazyObject

from publishing import centre


def site_defaults() -> dict:
    """The same variables from settings alone, for error pages that must not touch the database."""
    return {"SITE_URL": settings.SITE_URL, **centre.from_settings().as_context()}


def site(request) -> dict:
    """The centre's details as editors published them (publishing.centre), read when a template first asks."""
    details = SimpleLazyObject(centre.current)
    return {
        "SITE_URL": settings.SITE_URL,
        "CENTRE": details,
        "SITE_NAME": SimpleLazyObject(lambda: details.name),
        "SITE_SHORT_NAME": SimpleLazyObject(lambda: details.short_name),
        "CENTRE_ADDRESS": SimpleLazyObject(lambda: details.address),
        "CENTRE_EMAIL": SimpleLazyObject(lambda: details.email),
        "CENTRE_PHONE": SimpleLazyObject(lambda: details.phone),
    }
