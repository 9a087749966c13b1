from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import format_html

from contacts.abuse import issue_form_token, seconds_since_token, spend_form_token

from .disposable import is_disposable


class EmailOnlyForm(forms.Form):
    """An e-mail address and nothing more, with the enquiry form's spam defences: a honeypot and a signed,
    single-use time-to-submit token bound to the browser."""

    submit_label = "Continue"
    form_id = "alert-form"

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.nhs.uk.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    # Honeypot: hidden from sighted visitors by CSS, labelled for everyone else; people leave it empty.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    rendered_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, browser: str = "", action: str = "", **kwargs):
        self.browser = browser
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["rendered_at"] = issue_form_token(browser=browser)
        self.helper = FormHelper()
        self.helper.form_id = self.form_id
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        self.helper.template = "alerts/includes/form.html"
        self.helper.layout = Layout(
            "email", Div("website", css_class="hp-field"), "rendered_at", Submit("submit", self.submit_label)
        )

    def refresh_token(self) -> None:
        self.data = self.data.copy()
        self.data[self.add_prefix("rendered_at")] = issue_form_token(browser=self.browser)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("Leave this field empty: it is there to catch automated spam.")
        return ""

    def clean(self):
        cleaned = super().clean()
        token = self.data.get(self.add_prefix("rendered_at"), "")
        max_age = settings.ENQUIRY_FORM_MAX_AGE
        try:
            elapsed = seconds_since_token(token, browser=self.browser, max_age=max_age)
        except signing.SignatureExpired:
            self.add_error(None, "This page was open for a long time, so for your security please send it again.")
        except signing.BadSignature:
            self.add_error(None, "Something went wrong with the form. Please check your address and send it again.")
        else:
            if elapsed < settings.ENQUIRY_MIN_SECONDS:
                self.add_error(
                    None,
                    "That was quicker than we expected, so we could not be sure it was a person sending it. "
                    "Please send it again.",
                )
            elif not spend_form_token(token, max_age=max_age):
                self.add_error(None, "This form has already been sent. Please send it again if you meant to.")
        return cleaned


class SubscribeForm(EmailOnlyForm):
    submit_label = "E-mail me"
    form_id = "subscribe-form"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = format_html(
            'We use it only for these alerts, at most one e-mail a day. See our <a href="{}">privacy notice</a>.',
            reverse("contacts:privacy"),
        )

    def clean_email(self):
        email = self.cleaned_data["email"]
        if is_disposable(email):
            raise forms.ValidationError(
                "Use an address you will still have in a few months: this one looks like a disposable address."
            )
        return email


class ManageRequestForm(EmailOnlyForm):
    submit_label = "Send me a link"
    form_id = "manage-request-form"
