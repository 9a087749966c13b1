"""Alert pages: subscribe, check your e-mail, confirm, manage, unsubscribe.

Every page that changes something does so on POST only: mail scanners follow links, so a link only
opens a page with a button. Bad, expired or spent links get a page that says so and a 4xx status.
"""

from django.conf import settings
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from contacts.abuse import client_address, hit_rate_limit
from programmes.models import Programme
from publishing.seo import PageMixin
from workstreams.models import WorkStream

from . import services
from .forms import ManageRequestForm, SubscribeForm
from .models import Alert
from .targets import Target, normalise_filters
from .tokens import CONFIRM, MANAGE, UNSUBSCRIBE, LinkProblem


class RateLimitedFormView(PageMixin, FormView):
    """An e-mail-only form with the enquiry form's defences: rate limit, honeypot, time-to-submit token."""

    rate_limit_scope = "alerts"

    def browser(self) -> str:
        if self.request.method == "GET":
            get_token(self.request)  # the time-to-submit token is bound to this browser's CSRF secret
        return self.request.META.get("CSRF_COOKIE", "")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "browser": self.browser(), "action": self.request.get_full_path()}

    def post(self, request, *args, **kwargs):
        verdict = hit_rate_limit(
            scope=self.rate_limit_scope,
            key=client_address(request),
            limit=settings.ALERT_RATE_LIMIT,
            window=settings.ALERT_RATE_WINDOW,
        )
        if verdict.limited:
            # A fresh form (its token is spent), with the address the person typed still in it.
            form = self.form_class(
                browser=self.browser(),
                action=request.get_full_path(),
                initial={"email": request.POST.get("email", "")[:254]},
            )
            context = self.get_context_data(
                form=form, rate_limited=True, retry_after_minutes=-(-verdict.retry_after // 60)
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        form.refresh_token()
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(never_cache, name="dispatch")
class SubscribeView(RateLimitedFormView):
    """ "E-mail me when applications open": for a programme, a work stream, or the catalogue's filters."""

    template_name = "alerts/subscribe.html"
    form_class = SubscribeForm
    kind = Alert.Kind.PROGRAMME

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.target = self.find_target()

    def find_target(self) -> Target | None:
        slug = self.kwargs.get("slug")
        if self.kind == Alert.Kind.PROGRAMME:
            return Target(self.kind, programme=Programme.objects.published().filter(slug=slug).first())
        if self.kind == Alert.Kind.WORK_STREAM:
            return Target(self.kind, work_stream=WorkStream.objects.published().filter(slug=slug).first())
        return Target(self.kind, filters=normalise_filters(self.request.GET))

    def dispatch(self, request, *args, **kwargs):
        if self.kind != Alert.Kind.CATALOGUE and not (self.target.programme or self.target.work_stream):
            raise Http404("No such programme or work stream.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        services.request_alert(email=form.cleaned_data["email"], target=self.target)
        # The same page whatever the address's alerts: nobody learns who is subscribed.
        return redirect("alerts:check-email")

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, **kwargs)

    def get_crumbs(self):
        return [
            (self.target.description[:1].upper() + self.target.description[1:], self.target.page_url),
            ("E-mail alert", self.request.get_full_path()),
        ]


class CheckEmailView(PageMixin, TemplateView):
    template_name = "alerts/check_email.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(days=settings.ALERT_CONFIRM_DAYS, **kwargs)


class LinkView(PageMixin, TemplateView):
    """A page reached by a signed link: the link is checked on every method, a bad one gets its 4xx page."""

    link = CONFIRM
    problem_template = "alerts/link_problem.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.record = self.link.read(kwargs["token"])
        except LinkProblem as problem:
            context = self.get_problem_context(problem)
            return self.response_class(
                request=request, template=[self.problem_template], context=context, status=problem.status
            )
        return super().dispatch(request, *args, **kwargs)

    def get_problem_context(self, problem: LinkProblem) -> dict:
        return {"problem": problem.reason, "purpose": self.link.purpose, "days": settings.ALERT_CONFIRM_DAYS}

    def show(self, template: str, status: int = 200, **context):
        return self.response_class(
            request=self.request, template=[template], context=self.get_context_data(**context), status=status
        )


# The signed link is what authorises these POSTs; a forged cross-site request would need it too. Exempt
# from CSRF so that they work without cookies, as RFC 8058 requires of one-click unsubscribe.
@method_decorator([never_cache, csrf_exempt], name="dispatch")
class ConfirmView(LinkView):
    template_name = "alerts/confirm.html"
    link = CONFIRM

    def get(self, request, *args, **kwargs):
        if self.record.is_confirmed:
            return self.show(self.problem_template, status=410, problem="used", purpose="confirm")
        return self.show(self.template_name, target=Target.of(self.record))

    def post(self, request, *args, **kwargs):
        if not services.confirm_alert(alert=self.record):
            return self.show(self.problem_template, status=410, problem="used", purpose="confirm")
        return self.show("alerts/confirmed.html", target=Target.of(self.record))


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class UnsubscribeView(LinkView):
    """GET: a page with a button. POST (the button, or a mail client's RFC 8058 one-click): unsubscribed."""

    template_name = "alerts/unsubscribe.html"
    link = UNSUBSCRIBE

    def post(self, request, *args, **kwargs):
        services.unsubscribe(subscriber=self.record)
        return self.show("alerts/unsubscribed.html")


@method_decorator(never_cache, name="dispatch")
class ManageView(LinkView):
    """Every alert of the address the link was sent to, each with a button to cancel it."""

    template_name = "alerts/manage.html"
    link = MANAGE

    def get_context_data(self, **kwargs):
        alerts = self.record.alerts.select_related("programme", "work_stream")
        return super().get_context_data(alerts=[(alert, Target.of(alert)) for alert in alerts], **kwargs)

    def post(self, request, *args, **kwargs):
        if "all" in request.POST:
            services.unsubscribe(subscriber=self.record)
            return self.show("alerts/unsubscribed.html")
        try:
            alert_id = int(request.POST.get("alert", ""))
        except ValueError:
            alert_id = 0
        cancelled = services.cancel_alert(subscriber=self.record, alert_id=alert_id)
        return self.show(self.template_name, status=200 if cancelled else 400, cancelled=cancelled, tried=True)


@method_decorator(never_cache, name="dispatch")
class ManageRequestView(RateLimitedFormView):
    """Ask for a link to your alerts: the same answer whether or not the address has any."""

    template_name = "alerts/manage_request.html"
    form_class = ManageRequestForm

    def form_valid(self, form):
        services.request_manage_link(email=form.cleaned_data["email"])
        return redirect("alerts:manage-sent")

    def get_crumbs(self):
        return [("Your e-mail alerts", reverse("alerts:manage-request"))]


class ManageSentView(PageMixin, TemplateView):
    template_name = "alerts/manage_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(days=settings.ALERT_MANAGE_LINK_DAYS, **kwargs)
