from django.conf import settings


def site(request) -> dict:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_SHORT_NAME": settings.SITE_SHORT_NAME,
        "SITE_URL": settings.SITE_URL,
        "CENTRE_EMAIL": settings.CENTRE_EMAIL,
        "CENTRE_PHONE": settings.CENTRE_PHONE,
        "CENTRE_ADDRESS": settings.CENTRE_ADDRESS,
    }
