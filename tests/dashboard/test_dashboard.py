"""The admin's first page is a dashboard of what the signed-in person has to do."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html

from contacts.models import Enquiry
from dashboard.models import BrokenLink
from dashboard.panels import LINES_PER_PANEL
from publishing import snapshots, workflow
from search.models import LoggedSearch
from tests.factories import EnquiryFactory, PersonFactory, ProgrammeFactory, ResearchProjectFactory, UserFactory

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


def panel_links(response, title: str) -> dict[str, str]:
    """The links of the panel whose heading starts with `title`: text to address, "See all" included."""
    tree = html.fromstring(response.content.decode())
    [section] = [s for s in tree.find_class("staff-dashboard__panel") if s.find("h2").text_content().startswith(title)]
    return {" ".join(a.text_content().split()): a.get("href") for a in section.iter("a")}


def buttons(response) -> list[str]:
    tree = html.fromstring(response.content.decode())
    return [" ".join(b.text_content().split()) for b in tree.xpath("//*[@id='content-main']//form//button")]


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
    assert found["Your drafts (1)"][0].startswith("Programme “Leading integrated care” Draft, saved")
    assert len(found["Your drafts (1)"]) == 1  # not a colleague's
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


def test_a_change_sent_back_shows_what_the_publisher_asked_for(content_editor, publisher):
    programme = ProgrammeFactory(title="Leading integrated care")
    draft(programme, content_editor)
    workflow.submit(programme, user=content_editor)
    workflow.reject(programme, user=publisher, comment="Add the fee for 2027")

    response = signed_in(content_editor).get(DASHBOARD)

    [line] = panels(response)["Your drafts (1)"]
    assert "Changes requested" in line
    assert "asked “Add the fee for 2027”" in line
    # Back to the edit form, where the editor acts on the comment (not to the publisher's compare page).
    assert panel_links(response, "Your drafts")["Programme “Leading integrated care”"] == reverse(
        "admin:programmes_programme_change", args=[programme.pk]
    )


def test_long_queues_list_the_oldest_first_and_link_to_the_rest(content_editor, publisher):
    waiting = []
    for n in range(LINES_PER_PANEL + 3):
        programme = ProgrammeFactory(title=f"Programme {n:02}")
        draft(programme, content_editor)
        workflow.submit(programme, user=content_editor)
        waiting.append(programme)

    response = signed_in(publisher).get(DASHBOARD)

    title = f"Waiting for your review ({LINES_PER_PANEL + 3})"
    lines = panels(response)[title]
    assert len(lines) == LINES_PER_PANEL
    assert lines[0].startswith("Programme “Programme 00”")  # sent first, reviewed first
    see_all = panel_links(response, "Waiting for your review")["See all"]
    assert see_all == reverse("admin:publishing_pendingchange_changelist") + "?state__exact=in_review"
    queue = signed_in(publisher).get(see_all)
    assert queue.status_code == 200
    assert all(str(programme) in queue.content.decode() for programme in waiting)


def test_a_change_to_a_record_deleted_since_is_left_out(content_editor, publisher):
    kept = ProgrammeFactory(title="Kept programme")
    gone = ProgrammeFactory(title="Gone programme")
    for programme in (kept, gone):
        draft(programme, content_editor)
        workflow.submit(programme, user=content_editor)
    type(gone).objects.filter(pk=gone.pk).delete()  # as a bulk delete would: the pending change stays behind

    response = signed_in(publisher).get(DASHBOARD)

    lines = next(lines for title, lines in panels(response).items() if title.startswith("Waiting for your review"))
    assert [line.split(" sent by")[0] for line in lines] == ["Programme “Kept programme”"]


def test_due_for_review_lists_the_oldest_first_across_kinds_of_record(content_editor):
    today = timezone.localdate()
    ProgrammeFactory(title="Due last week", review_by=today - datetime.timedelta(days=7))
    ResearchProjectFactory(title="Due a month ago", review_by=today - datetime.timedelta(days=30))
    PersonFactory(given_name="Dana", family_name="Today", review_by=today)
    ProgrammeFactory(title="Due next week", review_by=today + datetime.timedelta(days=7))
    ProgrammeFactory(title="No review date", review_by=None)

    found = panels(signed_in(content_editor).get(DASHBOARD))

    lines = found["Pages due for review (3)"]
    assert [line.split(" review by")[0] for line in lines] == [
        "Research project “Due a month ago”",
        "Programme “Due last week”",
        "Person “Dana Today”",
    ]


def test_searches_that_found_nothing_are_this_months_and_link_to_their_log(content_editor):
    LoggedSearch.objects.create(term="leadership & nursing", result_count=0)
    LoggedSearch.objects.create(term="leadership & nursing", result_count=0)
    LoggedSearch.objects.create(term="found something", result_count=3)
    old = LoggedSearch.objects.create(term="last winter", result_count=0)
    LoggedSearch.objects.filter(pk=old.pk).update(searched_at=timezone.now() - datetime.timedelta(days=31))
    client = signed_in(content_editor)

    response = client.get(DASHBOARD)

    title = "Searches that found nothing (last 30 days)"
    assert panels(response)[title] == ["“leadership & nursing” 2 searches"]
    found = panel_links(response, title)
    term_page = client.get(found["“leadership & nursing”"])  # the ampersand is part of the term, not a new parameter
    assert term_page.status_code == 200
    assert term_page.context["cl"].query == "leadership & nursing"
    assert term_page.context["cl"].result_count == 2
    report = client.get(found["See all"])
    assert report.status_code == 200
    assert report.context["days"] == 30


def test_the_check_links_button_is_for_those_who_edit_content(content_editor, enquiry_handler):
    BrokenLink.objects.create(
        record=ProgrammeFactory(title="With a dead link"),
        field="apply_url",
        url="https://example.org/gone",
        problem="404 Not Found",
        checked_at=timezone.now(),
    )

    editor = signed_in(content_editor).get(DASHBOARD)
    handler = signed_in(enquiry_handler).get(DASHBOARD)

    assert panels(editor)["Broken links to other sites (1)"] == [
        "Programme “With a dead link” https://example.org/gone 404 Not Found"
    ]
    assert buttons(editor) == ["Check links now"]
    assert buttons(handler) == []


def test_staff_without_a_role_are_told_why_and_a_superuser_sees_every_panel():
    nobody = signed_in(UserFactory(username="new-starter", is_staff=True)).get(DASHBOARD)
    root = signed_in(UserFactory(username="root", is_staff=True, is_superuser=True)).get(DASHBOARD)

    assert nobody.status_code == 200
    assert panels(nobody) == {}
    assert "You have not been given a role yet" in " ".join(nobody.content.decode().split())
    assert [title.split(" (")[0] for title in panels(root)] == [
        "Your drafts",
        "Waiting for your review",
        "Scheduled to go live",
        "Enquiries waiting for a reply",
        "People waiting to hear about programmes",
        "Pages due for review",
        "Broken links to other sites",
        "Searches that found nothing",
    ]


def test_the_number_of_queries_does_not_grow_with_the_number_of_changes(
    publisher, content_editor, django_assert_num_queries
):
    def queries_for(changes: int) -> int:
        for n in range(changes):
            programme = ProgrammeFactory(title=f"Programme {changes}-{n}")
            draft(programme, publisher)
            workflow.submit(programme, user=publisher)
            draft(PersonFactory(), publisher)
            EnquiryFactory()
        client = signed_in(publisher)
        client.get(DASHBOARD)  # sessions, content types and permissions cached, as on any later visit
        with CaptureQueriesContext(connection) as queries:
            client.get(DASHBOARD)
        return len(queries)

    assert queries_for(2) == queries_for(12)
