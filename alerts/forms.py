from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.html import format_html

from contacts.forms import HumanCheckedForm

from .disposable import is_disposable


class EmailOnlyForm(HumanCheckedForm):
    """An e-mail address and nothing more, with the enquiry form's spam defences (`HumanCheckedForm`)."""

    submit_label = "Continue"
    form_id = "alert-form"
    details = "your address"

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.nhs.uk.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = self.form_id
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.attrs = {"novalidate": ""}
        self.helper.template = self.template
        self.helper.layout = Layout(
            "email", Div("website", css_class="hp-field"), "rendered_at", Submit("submit", self.submit_label)
        )


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
