import pytest
from django.core import mail
from django.core.mail import EmailMessage

from contacts.emails import header_safe, notify_routed_contacts
from contacts.models import Enquiry
from contacts.services import submit_enquiry

pytestmark = pytest.mark.django_db


def cleaned(**overrides):
    data = {
        "name": "Sam Commissioner",
        "email": "sam@example.nhs.uk",
        "organisation": "Birmingham and Solihull ICB",
        "role": "",
        "phone": "",
        "kind": Enquiry.Kind.COMMISSION,
        "work_stream": None,
        "programme": None,
        "cohort_size": 50,
        "timing": "Spring 2027",
        "message": "We would like a leadership programme.",
        "consent": True,
    }
    data.update(overrides)
    return data


def test_enquiry_is_saved_before_anyone_is_emailed(leadership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enquiry = submit_enquiry(data=cleaned(work_stream=leadership))

    # Committed and routed, and nothing has been sent until the transaction commits.
    saved = Enquiry.objects.get(pk=enquiry.pk)
    assert saved.routed_via == Enquiry.Route.WORK_STREAM_CONTACTS
    assert saved.routed_addresses == ["b.weir@example.ac.uk", "a.neath@example.ac.uk"]
    assert saved.notification_status == Enquiry.Notification.PENDING
    assert mail.outbox == []
    assert callbacks

    for callback in callbacks:
        callback()
    saved.refresh_from_db()
    assert saved.notification_status == Enquiry.Notification.SENT
    assert saved.notified_at is not None
    assert [message.to for message in mail.outbox] == [
        ["b.weir@example.ac.uk", "a.neath@example.ac.uk"],
        ["sam@example.nhs.uk"],
    ]


def test_notification_has_plain_text_and_html_parts_and_replies_to_the_visitor(
    leadership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit_enquiry(data=cleaned(work_stream=leadership, message="Cohort of 50 & <b>urgent</b>"))

    notification = mail.outbox[0]
    assert notification.subject == (
        f"[HSMC] {enquiry.reference}: Commission a programme from Sam Commissioner, Birmingham and Solihull ICB"
    )
    assert notification.reply_to == ["sam@example.nhs.uk"]
    assert "Cohort of 50 & <b>urgent</b>" in notification.body  # plain text is not HTML-escaped
    assert "Cohort size:    50" in notification.body
    assert "the key contacts for Leadership and management" in notification.body
    html, mimetype = notification.alternatives[0]
    assert mimetype == "text/html"
    assert "Cohort of 50 &amp; &lt;b&gt;urgent&lt;/b&gt;" in html  # and the HTML part escapes it
    assert f"/contacts/enquiry/{enquiry.pk}/change/" in notification.body


def test_failed_email_leaves_enquiry_saved_and_flagged(leadership, failing_mail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit_enquiry(data=cleaned(work_stream=leadership))

    saved = Enquiry.objects.get(pk=enquiry.pk)
    assert saved.notification_status == Enquiry.Notification.FAILED
    assert saved.notification_failed
    assert saved.notification_attempts == 1
    assert "SMTPServerDisconnected" in saved.notification_error
    assert saved.notified_at is None
    assert saved.message == "We would like a leadership programme."


def test_acknowledgement_never_repeats_what_the_visitor_typed(django_capture_on_commit_callbacks):
    spam = "Buy cheap pills at http://spam.example"
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit_enquiry(data=cleaned(name=spam, organisation=spam, message=spam, timing=spam))

    acknowledgement = mail.outbox[1]
    assert acknowledgement.to == ["sam@example.nhs.uk"]
    assert acknowledgement.subject == f"We have received your enquiry ({enquiry.reference})"
    assert enquiry.reference in acknowledgement.body
    assert "spam.example" not in acknowledgement.body
    assert "spam.example" not in acknowledgement.alternatives[0][0]


def test_a_name_with_line_breaks_cannot_inject_headers(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit_enquiry(
            data=cleaned(name="Eve\r\nBcc: victim@example.com", organisation="Org\nX-Injected: yes")
        )

    notification = mail.outbox[0]
    assert "\n" not in notification.subject and "\r" not in notification.subject
    assert notification.subject.endswith("from Eve Bcc: victim@example.com, Org X-Injected: yes")
    assert "victim@example.com" not in notification.recipients()
    parsed = notification.message()
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert Enquiry.objects.get(pk=enquiry.pk).notification_status == Enquiry.Notification.SENT


def test_django_itself_refuses_line_breaks_in_headers():
    message = EmailMessage(subject="Hello\nBcc: victim@example.com", body="x", to=["a@example.ac.uk"])
    with pytest.raises(ValueError):
        message.message()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("two\r\nlines", "two lines"),
        ("tab\tand\x00nul", "tab and nul"),
        ("unicode\u2028separator", "unicode separator"),
        ("x" * 200, "x" * 119 + "…"),
    ],
)
def test_header_safe_makes_one_bounded_line(value, expected):
    assert header_safe(value) == expected


def test_notify_records_each_attempt(leadership, failing_mail, settings):
    enquiry = Enquiry.objects.create(
        name="Sam", email="sam@example.nhs.uk", message="Hello", consent=True, routed_to="x@example.ac.uk"
    )
    assert notify_routed_contacts(enquiry=enquiry) is False
    assert notify_routed_contacts(enquiry=enquiry) is False
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert notify_routed_contacts(enquiry=enquiry) is True

    enquiry.refresh_from_db()
    assert enquiry.notification_attempts == 3
    assert enquiry.notification_status == Enquiry.Notification.SENT
    assert enquiry.notification_error == ""


def test_notification_without_addresses_is_flagged_not_lost():
    enquiry = Enquiry.objects.create(name="Sam", email="sam@example.nhs.uk", message="Hello", consent=True)

    assert notify_routed_contacts(enquiry=enquiry) is False
    enquiry.refresh_from_db()
    assert enquiry.notification_status == Enquiry.Notification.FAILED
    assert "no routed addresses" in enquiry.notification_error
