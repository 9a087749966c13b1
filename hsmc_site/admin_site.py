"""The admin site: Django's, with a second sign-in step by authenticator app (django-otp, TOTP).

After the password (checked and throttled by django-axes), a staff member for whom two-factor sign-in
applies is sent to enter a six-digit code, or to set up an authenticator app first if they have none.
It applies to everyone when STAFF_2FA_REQUIRED is on (production default) and, when it is off, to each
person who has set up an app. Every admin page, including the model pages colleagues register with
@admin.register, stays closed until the code is right.
"""

import base64
import io
from functools import update_wrapper

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login

from security.staff import second_factor_pending


def two_factor_pending(request) -> bool:
    """True for a signed-in staff member who still owes the second factor in this session."""
    cached = getattr(request, "_two_factor_pending", None)
    if cached is None:
        cached = request._two_factor_pending = second_factor_pending(request.user)
    return cached


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code from your authenticator app",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="A recovery code also works here.",
    )

    def __init__(self, *args, user, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.devices = devices
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        # Only the devices that could have produced this kind of code are tried, so a wrong app code
        # never counts against the recovery codes' throttle, or the reverse.
        totp = code.isdigit()
        with transaction.atomic():
            devices = self.devices if self.devices is not None else devices_for_user(self.user, for_verify=True)
            for device in devices:
                if (device._meta.model_name == "totpdevice") != totp:
                    continue
                allowed, _ = device.verify_is_allowed()
                if not allowed:
                    raise forms.ValidationError(
                        "Too many wrong codes. Wait a minute, then enter the code your app shows now.",
                        code="throttled",
                    )
                if device.verify_token(code):
                    self.device = device
                    return code
        raise forms.ValidationError(
            "That code is not right. Enter the code your app shows now; if it keeps failing, check that the "
            "time on your phone is set automatically.",
            code="invalid",
        )


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI, allowed by the CSP's img-src and needing no extra request."""
    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class StaffAdminSite(admin.AdminSite):
    """The staff site: two-factor sign-in where required, and a dashboard as its first page."""

    index_template = "admin/dashboard.html"
    index_title = "Your dashboard"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_header = f"{settings.SITE_NAME}: staff"
        self.site_title = f"{settings.SITE_SHORT_NAME} staff"

    def index(self, request, extra_context=None):
        # Imported here: this module loads while the app registry is still being populated.
        from dashboard.panels import panels_for

        return super().index(request, {"dashboard_panels": panels_for(request.user, self), **(extra_context or {})})

    def check_links(self, request):
        """The dashboard's "Check links now": queues the link check, so the editor does not wait for it."""
        from dashboard.panels import may_check_links
        from dashboard.tasks import check_links_now

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not may_check_links(request.user, self):
            raise PermissionDenied
        check_links_now.enqueue()
        messages.info(request, "Links to other sites are being checked; the list updates when that is done.")
        return HttpResponseRedirect(reverse("admin:index"))

    def password_verified(self, request) -> bool:
        """Django's own test: an active staff member has signed in with a password."""
        return super().has_permission(request)

    def has_permission(self, request):
        return self.password_verified(request) and not two_factor_pending(request)

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if self.password_verified(request) and two_factor_pending(request):
                return self.second_step_redirect(request, request.get_full_path())
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, view)

    def login(self, request, extra_context=None):
        if request.method == "GET" and self.password_verified(request) and two_factor_pending(request):
            return self.second_step_redirect(request, self.next_url(request))
        return super().login(request, extra_context)

    def own_pages(self, request):
        """Our published pages, for the formatted-text editor's link dialog: a link by choosing the record."""
        from search.models import SearchDocument

        if not any(model_admin.has_change_permission(request) for model_admin in self._registry.values()):
            raise PermissionDenied
        documents = SearchDocument.objects.published().order_by("kind", "title").values_list("kind", "title", "url")
        kinds = dict(SearchDocument._meta.get_field("kind").choices)
        pages = [{"label": f"{kinds.get(kind, kind)}: {title}", "url": url} for kind, title, url in documents]
        return JsonResponse({"pages": pages})

    def get_urls(self):
        return [
            path("two-factor/", self.signed_in_view(self.two_factor_verify), name="two-factor-verify"),
            path("two-factor/setup/", self.signed_in_view(self.two_factor_setup), name="two-factor-setup"),
            path("check-links/", self.admin_view(self.check_links), name="check_links"),
            path("own-pages.json", self.admin_view(self.own_pages), name="own_pages"),
            *super().get_urls(),
        ]

    def signed_in_view(self, view):
        """For the second step itself: needs the password step, not the code."""

        def inner(request, *args, **kwargs):
            if not self.password_verified(request):
                return redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=self.name))
            return view(request, *args, **kwargs)

        return csrf_protect(never_cache(update_wrapper(inner, view)))

    def next_url(self, request) -> str:
        candidate = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
        return reverse("admin:index", current_app=self.name)

    def second_step_redirect(self, request, next_url: str) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse("admin:two-factor-verify", current_app=self.name) + "?" + urlencode({"next": next_url})
        )

    def two_factor_verify(self, request):
        next_url = self.next_url(request)
        if request.method == "POST" and "sign-out" in request.POST:
            logout(request)
            return HttpResponseRedirect(reverse("admin:login", current_app=self.name))
        if not two_factor_pending(request):
            return HttpResponseRedirect(next_url)
        if not user_has_device(request.user):
            setup_url = reverse("admin:two-factor-setup", current_app=self.name)
            return HttpResponseRedirect(setup_url + "?" + urlencode({"next": next_url}))
        form = TwoFactorCodeForm(request.POST if request.method == "POST" else None, user=request.user)
        if form.is_valid():
            otp_login(request, form.device)
            return HttpResponseRedirect(next_url)
        context = {
            **self.each_context(request),
            "title": "Enter your sign-in code",
            "form": form,
            "next": next_url,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/two_factor/verify.html", context)

    def two_factor_setup(self, request):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        next_url = self.next_url(request)
        user = request.user
        # Someone who already has an app must prove it before anything else: a stolen password alone
        # must never be enough to enrol the thief's phone. Lost phones are reset by an administrator.
        if user_has_device(user):
            messages.info(request, "You already have an authenticator app set up.")
            return HttpResponseRedirect(next_url)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        form = TwoFactorCodeForm(request.POST if request.method == "POST" else None, user=user, devices=[device])
        if form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            messages.success(request, "Your authenticator app is set up. You will need a code from it at each sign-in.")
            return HttpResponseRedirect(next_url)
        secret = base64.b32encode(device.bin_key).decode("ascii")
        context = {
            **self.each_context(request),
            "title": "Set up two-factor sign-in",
            "form": form,
            "next": next_url,
            "qr_code": qr_code_data_uri(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "required": settings.STAFF_2FA_REQUIRED,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/two_factor/setup.html", context)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): 429 with a plain explanation and when to retry.

    It does not say whether the account exists, or whether the account or the address was locked.
    """
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in paused",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": minutes,
    }
    response = render(request, "axes/lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
