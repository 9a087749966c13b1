"""The admin's first page is a dashboard of what the signed-in person has to do."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html

from contacts.models import Enquiry
from publishing import snapshots, workflow
from search.models import LoggedSearch
from tests.factories import EnquiryFactory, PersonFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:index")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def panels(response) -> dict[str, list[str]]:
    """Each panel's title and the text of its lines (or its empty message)."""
    tree = html.fromstring(response.content.decode())
    found = {}
    for section in tree.find_class("staff-dashboard__panel"):
        title = " ".join(section.find("h2").text_content().split())
        lines = [" ".join(item.text_content().split()) for item in section.xpath(".//li")]
        found[title] = lines or [" ".join(section.find_class("staff-dashboard__empty")[0].text_content().split())]
    return found


def links(response) -> list[str]:
    tree = html.fromstring(response.content.decode())
    return tree.xpath("//*[contains(@class, 'staff-dashboard__panel')]//li/a/@href")


def draft(programme, user, summary="A new summary."):
    change = snapshots.read(programme)
    change["fields"]["summary"] = summary
    return workflow.save_draft(programme, change, user=user)


def test_a_content_editor_sees_their_drafts_and_what_is_due_for_review(content_editor, publisher):
    mine = ProgrammeFactory(title="Leading integrated care")
    theirs = ProgrammeFactory(title="Someone else's programme")
    draft(mine, content_editor)
    draft(theirs, publisher)
    ProgrammeFactory(title="Stale page", review_by=timezone.localdate() - datetime.timedelta(days=3))
    LoggedSearch.objects.create(term="nursing leadership", result_count=0)
    LoggedSearch.objects.create(term="nursing leadership", result_count=0)
    LoggedSearch.objects.create(term="nye bevan", result_count=4)

    response = signed_in(content_editor).get(DASHBOARD)

    found = panels(response)
    assert found["Your drafts"][0].startswith("Programme “Leading integrated care” Draft, saved")
    assert len(found["Your drafts"]) == 1  # not a colleague's
    assert found["Pages due for review (1)"][0].startswith("Programme “Stale page” review by")
    assert found["Searches that found nothing (last 30 days)"] == ["“nursing leadership” 2 searches"]
    assert "Waiting for your review" not in " ".join(found)  # editors cannot approve
    assert "Enquiries waiting for a reply" not in " ".join(found)  # nor read enquiries
    assert reverse("admin:programmes_programme_change", args=[mine.pk]) in links(response)


def test_a_publisher_sees_the_review_queue_and_the_schedule(content_editor, publisher):
    waiting = ProgrammeFactory(title="Waiting programme")
    draft(waiting, content_editor)
    workflow.submit(waiting, user=content_editor)
    later = ProgrammeFactory(title="Later programme")
    draft(later, content_editor)
    workflow.approve(later, user=publisher, go_live_at=timezone.now() + datetime.timedelta(days=2))

    response = signed_in(publisher).get(DASHBOARD)

    found = panels(response)
    assert found["Waiting for your review (1)"][0].startswith("Programme “Waiting programme” sent by")
    assert found["Scheduled to go live (1)"][0].startswith("Programme “Later programme” goes live")
    assert reverse("admin:programmes_programme_compare", args=[waiting.pk]) in links(response)


def test_an_enquiry_handler_sees_new_enquiries_and_nothing_about_content(enquiry_handler):
    EnquiryFactory(name="Sam Commissioner", notification_status=Enquiry.Notification.FAILED)
    EnquiryFactory(name="Closed one", status=Enquiry.Status.CLOSED)

    response = signed_in(enquiry_handler).get(DASHBOARD)

    found = panels(response)
    assert list(found) == ["Enquiries waiting for a reply (1)"]
    [line] = found["Enquiries waiting for a reply (1)"]
    assert "from Sam Commissioner" in line and "the notification e-mail failed" in line


def test_empty_panels_say_so(content_editor):
    found = panels(signed_in(content_editor).get(DASHBOARD))

    assert found["Your drafts"] == ["You have no unpublished changes."]
    assert found["Pages due for review"] == ["No page is past its review-by date."]


def test_the_dashboard_costs_a_bounded_number_of_queries(publisher, content_editor, django_assert_max_num_queries):
    for n in range(6):
        draft(ProgrammeFactory(title=f"Programme {n}"), content_editor)
        draft(PersonFactory(), content_editor)
    client = signed_in(publisher)
    client.get(DASHBOARD)

    with django_assert_max_num_queries(40):
        client.get(DASHBOARD)


def test_the_header_names_the_site_and_content_editors_see_only_their_sections(content_editor, settings):
    page = signed_in(content_editor).get(DASHBOARD).content.decode()

    assert f"{settings.SITE_NAME}: staff" in page
    assert "Django administration" not in page
    for hidden in ("Access attempts", "TOTP devices", "Users", "Enquiries", "Task results"):
        assert f">{hidden}<" not in page
    assert ">Programmes<" in page
    # The same page for a superuser does list them: the check above can fail.
    admin = signed_in(UserFactory(username="root", is_staff=True, is_superuser=True)).get(DASHBOARD)
    assert all(f">{section}<" in admin.content.decode() for section in ("Access attempts", "Users", "Enquiries"))
