import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import RegexValidator
from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.text import format_lazy

from programmes.models import Programme
from search.models import Kind
from search.selectors import suggest
from workstreams.models import WorkStream

from .abuse import issue_form_token, seconds_since_token, spend_form_token
from .models import Enquiry

_WHITESPACE_AND_CONTROLS = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029]+")


class ProgrammeNameField(forms.CharField):
    """A published programme, named by its title as its page shows it (or by its slug, as the programme page's
    "enquire" link gives it); empty for none.

    A text box, not a list of every programme: a <select> grows with the catalogue (at 10,000 programmes it was
    most of the page's cost) and is no use to anyone at that length. search-suggest.js offers matching titles
    as the visitor types; without JavaScript a name that matches nothing is sent back with the closest titles.
    """

    default_error_messages = {
        "not_found": "We could not find a programme called “%(name)s”. Check its name on the programme's page, "
        "or leave this empty and name the programme in your message.",
        "suggest": "We could not find a programme called “%(name)s”. Did you mean %(titles)s? Type the name as "
        "shown, or leave this empty and name the programme in your message.",
    }

    def __init__(self, **kwargs):
        super().__init__(max_length=200, required=False, **kwargs)

    def prepare_value(self, value):
        return value.title if isinstance(value, Programme) else value

    def clean(self, value):
        name = " ".join((super().clean(value) or "").split())
        if not name:
            return None
        found = Programme.objects.published().filter(Q(title__iexact=name) | Q(slug=name)).only("slug", "title")
        if programme := found.first():
            return programme
        titles = [suggestion.title for suggestion in suggest(name, kind=Kind.PROGRAMME, limit=3)]
        if titles:
            quoted = ", ".join(f"“{title}”" for title in titles[:-1])
            shown = f"{quoted} or “{titles[-1]}”" if quoted else f"“{titles[-1]}”"
            raise forms.ValidationError(
                self.error_messages["suggest"], code="suggest", params={"name": name, "titles": shown}
            )
        raise forms.ValidationError(self.error_messages["not_found"], code="not_found", params={"name": name})


class SingleLineField(forms.CharField):
    """Text that belongs on one line (names, organisations): line breaks and control characters become spaces.

    Browsers never send a line break from a one-line input, so one can only come from a crafted
    request; collapsing it here also keeps these values safe to reuse in e-mail headers.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return _WHITESPACE_AND_CONTROLS.sub(" ", value).strip() if value else value


class HumanCheckedForm(forms.Form):
    """A public form's spam defences: a honeypot field, and a signed, single-use time-to-submit token bound to
    the browser that was shown the form (its CSRF secret). The enquiry form and the alert forms use them.

    Subclasses name what is sent (`what`) and what the person should look over (`details`) in the messages.
    """

    what = "the form"
    details = "your details"
    # The whole-form template (an error summary linking to each field) and its heading.
    template = "includes/form_with_error_summary.html"
    error_summary_title = "There is a problem"
    error_summary_heading = "h2"

    # Honeypot: hidden from sighted visitors by CSS, labelled for everyone else; people leave it empty.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    rendered_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, browser: str = "", **kwargs):
        # The browser's CSRF secret: the time-to-submit token is issued to, and accepted from, that browser only.
        self.browser = browser
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["rendered_at"] = issue_form_token(browser=browser)

    def refresh_token(self) -> None:
        """Issue a new time-to-submit token for a form shown again, keeping everything typed."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix("rendered_at")] = issue_form_token(browser=self.browser)
        else:
            self.initial["rendered_at"] = issue_form_token(browser=self.browser)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                f"Leave this field empty: it is there to catch automated spam. Clear it and send {self.what} again."
            )
        return ""

    def clean(self):
        cleaned = super().clean()
        self._check_time_to_submit()
        return cleaned

    def _check_time_to_submit(self) -> None:
        token = self.data.get(self.add_prefix("rendered_at"), "")
        max_age = settings.ENQUIRY_FORM_MAX_AGE
        try:
            elapsed = seconds_since_token(token, browser=self.browser, max_age=max_age)
        except signing.SignatureExpired:
            self.add_error(
                None,
                "This page was open for a long time, so for your security please send the form again. "
                "Everything you typed is still here.",
            )
        except signing.BadSignature:
            self.add_error(None, f"Something went wrong with the form. Please check {self.details} and send it again.")
        else:
            if elapsed < settings.ENQUIRY_MIN_SECONDS:
                self.add_error(
                    None,
                    "That was quicker than we expected, so we could not be sure it was a person sending it. "
                    f"Please check {self.what} and send it again.",
                )
            elif not spend_form_token(token, max_age=max_age):
                self.add_error(
                    None,
                    f"This form has already been sent. If you meant to send it again, check {self.details} and "
                    "send it again.",
                )


class EnquiryForm(HumanCheckedForm):
    """The public enquiry form, with the spam defences of `HumanCheckedForm`."""

    what = "your enquiry"
    error_summary_title = "There is a problem with your enquiry"
    error_summary_heading = "h3"  # the form sits under the page's "Send an enquiry" heading

    name = SingleLineField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We only use this to reply to your enquiry.",
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.nhs.uk.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    organisation = SingleLineField(
        label="Organisation",
        max_length=200,
        required=False,
        help_text="Required for commissioning enquiries, e.g. the trust or integrated care board.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    role = SingleLineField(
        label="Job title or role",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    phone = SingleLineField(
        label="Telephone",
        max_length=40,
        required=False,
        validators=[
            RegexValidator(
                r"^\+?[0-9(][0-9 ()\-.]{5,38}$",
                "Enter a telephone number using digits, spaces, brackets and hyphens, like +44 121 414 0000.",
            )
        ],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    kind = forms.ChoiceField(
        label="What is your enquiry about?",
        choices=Enquiry.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what your enquiry is about.",
            "invalid_choice": "Choose one of the options.",
        },
    )
    work_stream = forms.ModelChoiceField(
        label="Area of work",
        queryset=WorkStream.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Not sure, or none in particular",
        error_messages={"invalid_choice": "Choose an area of work from the list."},
    )
    programme = ProgrammeNameField(
        label="Programme",
        help_text="If your enquiry is about one programme, its name as shown on its page. Leave empty if not.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "data-suggest-url": format_lazy("{}?type={}", reverse_lazy("search:suggest"), Kind.PROGRAMME.value),
                "data-suggest-fill": "",
            }
        ),
    )
    cohort_size = forms.IntegerField(
        label="Expected cohort size",
        required=False,
        min_value=1,
        max_value=10000,
        help_text="For commissioning enquiries: roughly how many people would take part.",
        error_messages={
            "invalid": "Enter the cohort size as a whole number, like 50.",
            "min_value": "Enter a cohort size of at least 1.",
            "max_value": "Enter a cohort size of at most 10,000; tell us about larger groups in your message.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    timing = SingleLineField(
        label="Preferred timing",
        max_length=200,
        required=False,
        help_text="For commissioning enquiries: when you would like it to start, e.g. spring 2027.",
    )
    message = forms.CharField(
        label="Your message",
        max_length=5000,
        error_messages={
            "required": "Enter your message.",
            "max_length": "Keep your message to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent = forms.BooleanField(
        error_messages={"required": "Tick the box to agree that we may contact you about your enquiry."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_stream"].queryset = (
            WorkStream.objects.published().only("slug", "title").order_by("order", "title")
        )
        self.fields["consent"].label = format_html(
            'I agree that the centre may store my enquiry and contact me about it, as described in the <a href="{}">'
            "privacy notice</a>.",
            reverse("contacts:privacy"),
        )
        self.helper = self.build_helper()

    @classmethod
    def build_helper(cls) -> FormHelper:
        helper = FormHelper()
        helper.form_id = "enquiry-form"
        helper.form_method = "post"
        helper.form_action = reverse_lazy("contacts:contact") + "#enquiry"
        # Server-side messages, the same for every browser, instead of native validation bubbles.
        helper.attrs = {"novalidate": ""}
        helper.template = cls.template
        helper.layout = Layout(
            Fieldset(
                "About you",
                "name",
                "email",
                "organisation",
                "role",
                "phone",
            ),
            Fieldset(
                "Your enquiry",
                "kind",
                "work_stream",
                "programme",
            ),
            Fieldset(
                "For commissioning enquiries",
                HTML('<p class="form-text">Only needed if you want to commission a programme.</p>'),
                Field("cohort_size", wrapper_class="enquiry-form__cohort"),
                "timing",
                css_id="commissioning-details",
                css_class="enquiry-form__commissioning",
            ),
            "message",
            "consent",
            Div("website", css_class="hp-field"),
            "rendered_at",
            Submit("submit", "Send enquiry"),
        )
        return helper

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Enquiry.Kind.COMMISSION and not cleaned.get("organisation"):
            self.add_error("organisation", "Enter the organisation you are commissioning for.")
        return cleaned
