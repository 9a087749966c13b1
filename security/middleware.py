"""Security middleware: the headers Django does not send itself, NUL bytes refused at the door, and the staff
session idle timeout."""

import time
from urllib.parse import unquote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.urls import reverse


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`camera=(), fullscreen=(self)` from {"camera": [], "fullscreen": ["self"]}."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in features.items())


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response, and the admin's CSP.

    Sits inside django.middleware.csp.ContentSecurityPolicyMiddleware, which honours a per-response policy:
    under ADMIN_PATH the response carries SECURE_CSP_ADMIN instead of SECURE_CSP.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = permissions_policy(settings.PERMISSIONS_POLICY)
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        # Other sites may link to our pages and images but not load them into theirs by script or embed.
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-site")
        if request.path_info.startswith(self.admin_prefix) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.SECURE_CSP_ADMIN
        return response


class RejectNulBytesMiddleware:
    """Answer 400 to an address whose path or query string holds a NUL byte.

    No link or form of ours produces one, and PostgreSQL refuses NUL in text, so one that reached a query
    (an API slug, an admin list filter) would otherwise end as a 500. Forms refuse NUL in what they post
    themselves, keeping what was typed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise BadRequest("The address holds a NUL byte.")
        return self.get_response(request)


SESSION_ACTIVITY_KEY = "_staff_last_activity"
# Recording activity writes the session; once a minute is precise enough for a 30-minute timeout.
ACTIVITY_WRITE_INTERVAL = 60


class StaffSessionIdleTimeoutMiddleware:
    """Sign staff out after STAFF_SESSION_IDLE_MINUTES without a request, and send them to the admin login.

    Visitors without a session cookie are never touched, so public pages stay cacheable and cost no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated and request.user.is_staff:
            now = int(time.time())
            last_activity = request.session.get(SESSION_ACTIVITY_KEY)
            idle_limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
            if last_activity is not None and now - last_activity > idle_limit:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {settings.STAFF_SESSION_IDLE_MINUTES} minutes without activity. "
                    "Please sign in again.",
                )
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if last_activity is None or now - last_activity >= ACTIVITY_WRITE_INTERVAL:
                request.session[SESSION_ACTIVITY_KEY] = now
        return self.get_response(request)
