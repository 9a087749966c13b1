from django.conf import settings

from publishing import centre


def site_defaults() -> dict:
    """The same variables from settings alone, for error pages that must not touch the database."""
    return {"SITE_URL": settings.SITE_URL, **centre.from_settings().as_context()}


def site(request) -> dict:
    """The centre's details as editors published them (publishing.centre), read when a template first asks.

    Functions, not lazy objects: a template calls a callable variable when it looks it up, and gets the plain
    string, where a lazy object answered every type check that printing a value makes through a proxy, which
    cost every page 50 microseconds (issue 19). `centre.current()` reads the record once a request.
    """
    return {
        "SITE_URL": settings.SITE_URL,
        "CENTRE": centre.current,
        "SITE_NAME": lambda: centre.current().name,
        "SITE_SHORT_NAME": lambda: centre.current().short_name,
        "CENTRE_ADDRESS": lambda: centre.current().address,
        "CENTRE_EMAIL": lambda: centre.current().email,
        "CENTRE_PHONE": lambda: centre.current().phone,
    }
