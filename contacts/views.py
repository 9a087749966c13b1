from django.conf import settings
from django.core.validators import slug_re
from django.db.models import Prefetch
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from programmes.models import Programme
from publishing import centre
from publishing.seo import PageMixin, absolute_url, centre_organization, centre_reference
from workstreams.models import KeyContact, WorkStream

from .abuse import client_address, hit_rate_limit
from .forms import EnquiryForm
from .models import Enquiry
from .services import submit_enquiry

LAST_ENQUIRY_SESSION_KEY = "contacts:last_enquiry"


def work_streams_with_key_contacts() -> list[WorkStream]:
    """Published work streams with their published key contacts in `public_key_contacts`: two queries."""
    contacts = KeyContact.objects.with_published_person().select_related("person__affiliation").order_by("order", "pk")
    return list(
        WorkStream.objects.published()
        .order_by("order", "title")
        .only("title", "slug")
        .prefetch_related(Prefetch("key_contact_roles", queryset=contacts, to_attr="public_key_contacts"))
    )


def _slug_param(params, name: str) -> str:
    # Only a well-formed slug reaches the database; anything else is ignored, never an error.
    value = params.get(name, "")
    return value if isinstance(value, str) and len(value) <= 200 and slug_re.fullmatch(value) else ""


@method_decorator(never_cache, name="dispatch")  # the form carries a CSRF token and a time-to-submit token
class ContactView(PageMixin, FormView):
    """Key contacts of every work stream, the centre's details and the enquiry form.

    `?work_stream=<slug>`, `?programme=<slug>` and `?kind=<kind>` preselect the form (published
    records and known kinds only; anything else is ignored), so programme and work stream pages can
    link straight to "commission a programme like this".
    """

    template_name = "contacts/contact.html"
    form_class = EnquiryForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.work_streams = work_streams_with_key_contacts()
        self.selected_work_stream = None
        self.selected_programme = None

    def select_work_stream(self, params) -> None:
        if slug := _slug_param(params, "work_stream"):
            # Already loaded for the directory: no extra query.
            self.selected_work_stream = next((ws for ws in self.work_streams if ws.slug == slug), None)

    def get(self, request, *args, **kwargs):
        self.select_work_stream(request.GET)
        if slug := _slug_param(request.GET, "programme"):
            self.selected_programme = Programme.objects.published().filter(slug=slug).only("title", "slug").first()
        return super().get(request, *args, **kwargs)

    def browser(self) -> str:
        """The CSRF secret of the browser at hand, which the form's time-to-submit token is bound to."""
        if self.request.method == "GET":
            get_token(self.request)  # sets a secret for a first visit, as the page's {% csrf_token %} would
        return self.request.META.get("CSRF_COOKIE", "")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "browser": self.browser()}

    def get_initial(self):
        initial = super().get_initial()
        if self.selected_work_stream:
            initial["work_stream"] = self.selected_work_stream.slug
        if self.selected_programme:
            initial["programme"] = self.selected_programme.title
        kind = self.request.GET.get("kind", "")
        if kind in Enquiry.Kind.values:
            initial["kind"] = kind
        elif self.selected_programme or self.selected_work_stream:
            initial["kind"] = Enquiry.Kind.COMMISSION
        return initial

    def post(self, request, *args, **kwargs):
        self.select_work_stream(request.POST)
        verdict = hit_rate_limit(
            scope="enquiry",
            key=client_address(request),
            limit=settings.ENQUIRY_RATE_LIMIT,
            window=settings.ENQUIRY_RATE_WINDOW,
        )
        if verdict.limited:
            return self.rate_limited(retry_after=verdict.retry_after)
        return super().post(request, *args, **kwargs)

    def rate_limited(self, *, retry_after: int):
        # Shown again unvalidated, with everything typed, so nothing is lost while the visitor waits.
        typed = {
            name: self.request.POST.get(name, "")
            for name in EnquiryForm.base_fields
            if name not in {"website", "rendered_at"}
        }
        form = self.form_class(initial=typed, browser=self.browser())
        context = self.get_context_data(form=form, rate_limited=True, retry_after_minutes=-(-retry_after // 60))
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(retry_after)
        return response

    def form_valid(self, form):
        enquiry = submit_enquiry(data=form.cleaned_data)
        # The confirmation page finds the enquiry through the session, never through the URL.
        self.request.session[LAST_ENQUIRY_SESSION_KEY] = enquiry.pk
        return redirect("contacts:thanks")

    def form_invalid(self, form):
        # 400: the request could not be accepted as sent. The page shows every typed value again,
        # with a message next to each field and a summary at the top.
        form.refresh_token()
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selected = self.selected_work_stream
        context.update(
            {
                "work_streams": [
                    ws for ws in self.work_streams if ws.public_key_contacts and ws.pk != getattr(selected, "pk", None)
                ],
                "selected_work_stream": selected,
                "selected_programme": self.selected_programme,
            }
        )
        return context

    def get_crumbs(self):
        return [("Contact us", reverse("contacts:contact"))]

    def get_structured_data(self):
        return [
            {
                "@type": "ContactPage",
                "name": "Contact us",
                "url": absolute_url(reverse("contacts:contact")),
                "about": centre_reference(),
            },
            centre_organization(),
        ]


@method_decorator(never_cache, name="dispatch")
class ThanksView(PageMixin, TemplateView):
    template_name = "contacts/thanks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enquiry_pk = self.request.session.get(LAST_ENQUIRY_SESSION_KEY)
        context["enquiry"] = (
            Enquiry.objects.filter(pk=enquiry_pk).select_related("work_stream", "programme").first()
            if isinstance(enquiry_pk, int)
            else None
        )
        return context

    def get_crumbs(self):
        return [("Contact us", reverse("contacts:contact")), ("Enquiry sent", reverse("contacts:thanks"))]


class PrivacyNoticeView(PageMixin, TemplateView):
    template_name = "contacts/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention_months"] = settings.ENQUIRY_RETENTION_MONTHS
        context["alert_confirm_days"] = settings.ALERT_CONFIRM_DAYS
        context["alert_retention_months"] = settings.ALERT_RETENTION_MONTHS
        context["notice"] = centre.current().privacy_notice  # as editors wrote it (sitecontent)
        return context

    def get_crumbs(self):
        return [("Contact us", reverse("contacts:contact")), ("Privacy notice", reverse("contacts:privacy"))]
