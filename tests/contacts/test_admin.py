import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from lxml import html

from contacts.models import Enquiry
from hsmc_site.roles import ENQUIRY_HANDLERS
from tests.factories import EnquiryFactory, UserFactory

from .mail import FAILING_MAILERS

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contacts_enquiry_changelist")


@pytest.fixture
def handler_client(client, enquiry_handler):
    client.force_login(enquiry_handler)
    return client


def run_action(client, action: str, enquiries, *, follow: bool = False):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [e.pk for e in enquiries]}, follow=follow)


def test_enquiry_handler_sees_the_inbox_with_status_kind_work_stream_and_age(
    handler_client, leadership, django_assert_max_num_queries
):
    EnquiryFactory(name="Sam Commissioner", work_stream=leadership, routed_via=Enquiry.Route.WORK_STREAM_CONTACTS)
    EnquiryFactory(name="Failing Fred", notification_status=Enquiry.Notification.FAILED)

    with django_assert_max_num_queries(20):
        response = handler_client.get(CHANGELIST)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Sam Commissioner" in content
    assert "Leadership and management" in content
    assert "Work stream key contacts" in content
    assert "Commission a programme" in content
    assert "<strong>Notification failed</strong>" in content
    assert "column-age" in content
    ages = [
        " ".join(cell.text_content().split())
        for cell in html.fromstring(content).xpath("//td[contains(@class, 'field-age')]")
    ]
    assert ages and all(age.endswith(("minute", "minutes")) for age in ages), ages


def test_inbox_costs_the_same_queries_for_more_enquiries(handler_client, leadership, django_assert_max_num_queries):
    EnquiryFactory.create_batch(3, work_stream=leadership, handled_by=UserFactory())
    handler_client.get(CHANGELIST)  # the first request after sign-in also writes the session
    with django_assert_max_num_queries(25) as few:
        handler_client.get(CHANGELIST)
    EnquiryFactory.create_batch(30, work_stream=leadership, handled_by=UserFactory())
    with django_assert_max_num_queries(25) as many:
        handler_client.get(CHANGELIST)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_content_editor_cannot_see_enquiries(editor_client):
    EnquiryFactory()

    assert editor_client.get(CHANGELIST).status_code == 403
    change_url = reverse("admin:contacts_enquiry_change", args=[Enquiry.objects.get().pk])
    assert editor_client.get(change_url).status_code == 403
    assert "Enquiries" not in editor_client.get(reverse("admin:index")).content.decode()


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_status_filter_finds_failed_notifications(handler_client):
    EnquiryFactory(name="Delivered Dora", notification_status=Enquiry.Notification.SENT)
    EnquiryFactory(name="Failing Fred", notification_status=Enquiry.Notification.FAILED)

    content = handler_client.get(CHANGELIST, {"state": "notification_failed"}).content.decode()

    assert "Failing Fred" in content
    assert "Delivered Dora" not in content


def test_status_filter_by_workflow_status(handler_client):
    EnquiryFactory(name="Open Olga", status=Enquiry.Status.NEW)
    EnquiryFactory(name="Closed Carl", status=Enquiry.Status.CLOSED)

    content = handler_client.get(CHANGELIST, {"state": "closed"}).content.decode()

    assert "Closed Carl" in content and "Open Olga" not in content


def test_search_by_organisation_and_by_reference(handler_client):
    nhs = EnquiryFactory(name="Nina", organisation="Sandwell Trust")
    EnquiryFactory(name="Other Otto", organisation="Elsewhere")

    by_org = handler_client.get(CHANGELIST, {"q": "Sandwell"}).content.decode()
    by_reference = handler_client.get(CHANGELIST, {"q": nhs.reference}).content.decode()

    assert "Nina" in by_org and "Other Otto" not in by_org
    assert "Nina" in by_reference and "Other Otto" not in by_reference


def test_handler_assigns_and_notes_but_cannot_change_what_the_visitor_sent(handler_client, enquiry_handler):
    enquiry = EnquiryFactory(message="Original words")
    colleague = UserFactory(username="colleague", first_name="Cara", last_name="Colleague")
    url = reverse("admin:contacts_enquiry_change", args=[enquiry.pk])

    form = handler_client.get(url).content.decode()
    assert "Cara Colleague" in form

    response = handler_client.post(
        url,
        {
            "status": Enquiry.Status.IN_PROGRESS,
            "handled_by": colleague.pk,
            "internal_notes": "Called them back on Tuesday.",
            "message": "Tampered",
        },
    )

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.IN_PROGRESS
    assert enquiry.handled_by == colleague
    assert enquiry.internal_notes == "Called them back on Tuesday."
    assert enquiry.message == "Original words"


def test_only_staff_can_be_assigned(handler_client):
    enquiry = EnquiryFactory()
    outsider = UserFactory(username="not-staff", is_staff=False)

    response = handler_client.post(
        reverse("admin:contacts_enquiry_change", args=[enquiry.pk]),
        {"status": Enquiry.Status.NEW, "handled_by": outsider.pk, "internal_notes": ""},
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Enquiry.objects.get().handled_by is None


def test_handlers_cannot_add_or_delete_enquiries(handler_client):
    enquiry = EnquiryFactory()

    assert handler_client.get(reverse("admin:contacts_enquiry_add")).status_code == 403
    assert handler_client.get(reverse("admin:contacts_enquiry_delete", args=[enquiry.pk])).status_code == 403


def test_bulk_status_change_closes_and_reopens(handler_client):
    first, second = EnquiryFactory(), EnquiryFactory()

    run_action(handler_client, "mark_closed", [first, second])

    closed = Enquiry.objects.filter(status=Enquiry.Status.CLOSED)
    assert closed.count() == 2
    assert all(e.closed_at is not None for e in closed)
    assert LogEntry.objects.filter(change_message="Status changed to Closed.").count() == 2

    run_action(handler_client, "mark_in_progress", [first])
    first.refresh_from_db()
    assert first.status == Enquiry.Status.IN_PROGRESS
    assert first.closed_at is None


def test_assign_to_me(handler_client, enquiry_handler):
    enquiry = EnquiryFactory()

    run_action(handler_client, "assign_to_me", [enquiry])

    assert Enquiry.objects.get().handled_by == enquiry_handler


def test_retry_action_sends_failed_notifications(handler_client, settings, mailoutbox):
    enquiry = EnquiryFactory(notification_status=Enquiry.Notification.FAILED, routed_to="lead@example.ac.uk")

    run_action(handler_client, "retry_notification", [enquiry])

    enquiry.refresh_from_db()
    assert enquiry.notification_status == Enquiry.Notification.SENT
    assert mailoutbox[0].to == ["lead@example.ac.uk"]


def test_retry_action_reports_a_second_failure(handler_client, settings):
    settings.MAILERS = FAILING_MAILERS
    enquiry = EnquiryFactory(
        notification_status=Enquiry.Notification.FAILED,
        acknowledgement_status=Enquiry.Notification.SENT,
        routed_to="lead@example.ac.uk",
    )

    response = run_action(handler_client, "retry_notification", [enquiry], follow=True)

    assert "1 e-mail failed again" in response.content.decode()
    assert Enquiry.objects.get().notification_attempts == 1


def test_a_failed_acknowledgement_is_listed_and_retried_without_repeating_the_notification(handler_client, mailoutbox):
    enquiry = EnquiryFactory(
        notification_status=Enquiry.Notification.SENT,
        acknowledgement_status=Enquiry.Notification.FAILED,
        acknowledgement_error="SMTPServerDisconnected: Connection unexpectedly closed",
        email="visitor@example.org",
    )
    listed = handler_client.get(reverse("admin:contacts_enquiry_changelist"), {"state": "acknowledgement_failed"})
    assert enquiry.reference in listed.content.decode()
    assert "Acknowledgement failed" in listed.content.decode()

    run_action(handler_client, "retry_notification", [enquiry])

    enquiry.refresh_from_db()
    assert enquiry.acknowledgement_status == Enquiry.Notification.SENT
    assert [message.to for message in mailoutbox] == [["visitor@example.org"]]


def test_csv_export_neutralises_spreadsheet_formulas(handler_client, leadership):
    EnquiryFactory(
        name='=HYPERLINK("http://evil.example","click")',
        organisation="+cmd|' /C calc'!A0",
        role="-2+3",
        message="@SUM(A1:A2)",
        phone="+44 121 414 0000",
        work_stream=leadership,
        cohort_size=50,
    )

    response = run_action(handler_client, "export_csv", Enquiry.objects.all())

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="enquiries-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["Name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["Organisation"] == "'+cmd|' /C calc'!A0"
    assert rows[0]["Role"] == "'-2+3"
    assert rows[0]["Message"] == "'@SUM(A1:A2)"
    assert rows[0]["Telephone"] == "'+44 121 414 0000"
    assert rows[0]["Work stream"] == "Leadership and management"
    assert rows[0]["Cohort size"] == "50"


def test_export_needs_the_export_permission(handler_client):
    enquiry = EnquiryFactory()
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(
        *Group.objects.get(name=ENQUIRY_HANDLERS).permissions.exclude(codename="export_enquiry")
    )
    client = Client()
    client.force_login(viewer)

    assert 'value="export_csv"' not in client.get(CHANGELIST).content.decode()
    response = run_action(client, "export_csv", [enquiry])
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert 'value="export_csv"' in handler_client.get(CHANGELIST).content.decode()


def test_enquiry_handlers_group_may_export(enquiry_handler):
    assert enquiry_handler.has_perm("contacts.export_enquiry")
    assert enquiry_handler.has_perm("contacts.change_enquiry")
    assert not enquiry_handler.has_perm("contacts.delete_enquiry")


def test_content_editors_have_no_enquiry_permission_at_all(content_editor):
    assert not any(perm.startswith("contacts.") for perm in content_editor.get_all_permissions())
