"""/.well-known/security.txt (RFC 9116): where to report a vulnerability in the site."""

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# The RFC asks for an expiry less than a year ahead, so that a stale contact is not trusted for ever.
VALID_FOR = datetime.timedelta(days=180)


@require_safe
@cache_control(public=True, max_age=60 * 60 * 24)
def security_txt(request):
    expires = timezone.now().astimezone(datetime.UTC) + VALID_FOR
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
