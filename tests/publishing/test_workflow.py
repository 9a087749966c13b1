"""Editors change live pages safely: pending changes, review, scheduling and publication (publishing.workflow)."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from programmes.models import Programme
from publishing import workflow
from publishing.models import ChangeState, PendingChange, Status, WorkflowEvent
from tests.factories import (
    IntakeFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
    TopicFactory,
    WorkStreamFactory,
)
from tests.pages import page_text
from tests.publishing.admin_forms import fill_inline_row, form_data, set_fields

pytestmark = pytest.mark.django_db

OLD = "A leadership programme for senior health service leaders."
NEW = "A year-long programme for leaders of integrated care systems."


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def workflow_url(obj, name: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[obj.pk])


def save_form(client, obj, button: str = "draft", **fields):
    """Open the record's change form, change some fields and press a button, as an editor would."""
    data = set_fields(form_data(client.get(change_url(obj))), **fields)
    data["_save"] = [button]
    return client.post(change_url(obj), data)


@pytest.fixture
def programme(committed):
    with committed():  # indexed for search, as its commit would
        return ProgrammeFactory(summary=OLD, title="Systems Leadership")


def test_saving_a_live_programme_keeps_the_live_page_and_search_unchanged(client, editor_client, programme):
    response = save_form(editor_client, programme, summary=NEW)

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.summary == OLD
    change = PendingChange.objects.of(programme).get()
    assert change.snapshot["fields"]["summary"] == NEW
    assert change.state == ChangeState.DRAFT
    public = client.get(programme.get_absolute_url())
    assert OLD in page_text(public) and NEW not in page_text(public)
    assert "Systems Leadership" in client.get(reverse("search:results"), {"q": "senior health service"}).text
    assert "Systems Leadership" not in client.get(reverse("search:results"), {"q": "integrated care systems"}).text
    assert NEW not in client.get(reverse("api:programme-detail", args=[programme.slug])).text
    assert NEW not in client.get(reverse("feeds:xcri-cap")).text


def test_saving_again_updates_the_same_pending_change(editor_client, programme):
    save_form(editor_client, programme, summary=NEW)
    save_form(editor_client, programme, summary=NEW + " Now with more.")

    change = PendingChange.objects.of(programme).get()
    assert change.version == 2
    assert change.snapshot["fields"]["summary"] == NEW + " Now with more."


def test_the_change_form_shows_the_pending_change_not_the_live_version(editor_client, programme):
    save_form(editor_client, programme, summary=NEW)

    form = form_data(editor_client.get(change_url(programme)))

    assert form["summary"] == [NEW]


def test_an_inline_row_and_a_link_are_part_of_the_pending_change(editor_client, programme):
    topic = TopicFactory(name="Integrated care")
    data = form_data(editor_client.get(change_url(programme)))
    fill_inline_row(data, "intakes", label="Cohort 12", start_date="2031-09-01")
    set_fields(data, topics=[topic.pk])
    data["_save"] = ["draft"]

    editor_client.post(change_url(programme), data)

    assert not programme.intakes.exists()
    assert not programme.topics.exists()
    snapshot = PendingChange.objects.of(programme).get().snapshot
    assert [row["label"] for row in snapshot["rows"]["intakes"]] == ["Cohort 12"]
    assert snapshot["links"]["topics"] == [topic.pk]
    # Opening the form again shows the new row and the link, ready to edit.
    reopened = form_data(editor_client.get(change_url(programme)))
    assert "Cohort 12" in [value for key, values in reopened.items() if key.endswith("-label") for value in values]
    assert reopened["topics"] == [str(topic.pk)]


def test_discarding_drops_the_pending_change_and_leaves_the_live_record(editor_client, programme):
    save_form(editor_client, programme, summary=NEW)

    response = editor_client.post(workflow_url(programme, "discard"), follow=True)

    assert "The unpublished changes were discarded." in response.text
    assert not PendingChange.objects.of(programme).exists()
    programme.refresh_from_db()
    assert programme.summary == OLD


def test_a_content_editor_submits_and_publishers_are_told_after_the_commit(
    editor_client, publisher, programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = save_form(editor_client, programme, button="submit", summary=NEW)

    assert response.status_code == 302
    assert PendingChange.objects.of(programme).get().state == ChangeState.IN_REVIEW
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [publisher.email]
    assert "Review requested" in mail.outbox[0].subject
    assert workflow_url(programme, "compare") in mail.outbox[0].body


def test_with_the_database_queue_the_review_e_mail_waits_for_the_worker_and_is_retried(
    editor_client, publisher, programme, settings, django_capture_on_commit_callbacks, task_worker
):
    """Issue 15: never inside the editor's request; a failed send is tried again later."""
    from django_tasks_db.models import DBTaskResult

    settings.TASK_RETRY_DELAYS = [60]
    settings.MAILERS = {"default": {"BACKEND": "tests.contacts.mail.FailingEmailBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        save_form(editor_client, programme, button="submit", summary=NEW)
    assert mail.outbox == [] and DBTaskResult.objects.ready().count() == 1  # queued, not sent in the request

    work = task_worker
    work()
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # its 60 s have passed
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    work()

    assert [message.to for message in mail.outbox] == [[publisher.email]]
    assert not DBTaskResult.objects.ready().exists()


def test_a_content_editor_cannot_publish_while_review_is_required(editor_client, programme):
    response = save_form(editor_client, programme, button="publish", summary=NEW)

    follow = editor_client.get(response.url)
    assert "You do not have permission to publish" in follow.text
    programme.refresh_from_db()
    assert programme.summary == OLD
    assert PendingChange.objects.of(programme).get().snapshot["fields"]["summary"] == NEW


def test_with_review_switched_off_an_editor_publishes_directly(editor_client, programme, settings):
    settings.PUBLISHING_REVIEW_REQUIRED = False

    save_form(editor_client, programme, button="publish", summary=NEW)

    programme.refresh_from_db()
    assert programme.summary == NEW
    assert not PendingChange.objects.of(programme).exists()


def test_a_publisher_approves_and_everything_public_shows_the_change(
    client, editor_client, publisher_client, programme, committed
):
    IntakeFactory(programme=programme, label="Cohort 11")
    save_form(editor_client, programme, button="submit", summary=NEW)

    with committed():
        response = publisher_client.post(workflow_url(programme, "review"), {"decision": "publish"}, follow=True)

    assert "is live" in response.text
    programme.refresh_from_db()
    assert programme.summary == NEW
    assert [intake.label for intake in programme.intakes.all()] == ["Cohort 11"]
    assert not PendingChange.objects.of(programme).exists()
    assert NEW in page_text(client.get(programme.get_absolute_url()))
    assert "Systems Leadership" in client.get(reverse("search:results"), {"q": "integrated care systems"}).text
    assert NEW in client.get(reverse("api:programme-detail", args=[programme.slug])).text
    actions = list(WorkflowEvent.objects.filter(object_id=programme.pk).values_list("action", flat=True))
    assert actions == [WorkflowEvent.Action.PUBLISHED, WorkflowEvent.Action.SUBMITTED, WorkflowEvent.Action.DRAFTED]


def test_publishing_writes_inline_rows_added_changed_and_removed(editor_client, publisher, programme):
    kept = IntakeFactory(programme=programme, label="Cohort 11")
    removed = IntakeFactory(programme=programme, label="Cohort 10")
    data = form_data(editor_client.get(change_url(programme)))
    for key in [key for key in data if key.startswith("intakes-") and key.endswith("-id")]:
        index = key.split("-")[1]
        if data[key] == [str(kept.pk)]:
            data[f"intakes-{index}-places"] = ["12"]
        if data[key] == [str(removed.pk)]:
            data[f"intakes-{index}-DELETE"] = ["on"]
    fill_inline_row(data, "intakes", label="Cohort 12", start_date="2031-09-01")
    data["_save"] = ["draft"]
    editor_client.post(change_url(programme), data)
    assert programme.intakes.count() == 2  # nothing changed yet

    workflow.publish(programme, user=publisher)

    intakes = {intake.label: intake for intake in programme.intakes.all()}
    assert set(intakes) == {"Cohort 11", "Cohort 12"}
    assert intakes["Cohort 11"].pk == kept.pk and intakes["Cohort 11"].places == 12


def test_rejecting_needs_a_comment_and_the_editor_reads_it(
    editor_client, publisher_client, programme, django_capture_on_commit_callbacks
):
    save_form(editor_client, programme, button="submit", summary=NEW)

    refused = publisher_client.post(workflow_url(programme, "review"), {"decision": "reject", "comment": " "})
    assert refused.status_code == 302
    assert PendingChange.objects.of(programme).get().state == ChangeState.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        publisher_client.post(
            workflow_url(programme, "review"), {"decision": "reject", "comment": "Please name the partner."}
        )

    change = PendingChange.objects.of(programme).get()
    assert change.state == ChangeState.REJECTED
    assert mail.outbox[-1].to == ["content-editor@example.ac.uk"]
    assert "Please name the partner." in mail.outbox[-1].body
    assert "Please name the partner." in editor_client.get(change_url(programme)).text


def test_an_approval_by_someone_without_the_right_is_refused_not_an_error(editor_client, programme):
    save_form(editor_client, programme, button="submit", summary=NEW)

    response = editor_client.post(workflow_url(programme, "review"), {"decision": "publish"}, follow=True)

    assert response.status_code == 200
    assert "You do not have permission to publish" in response.text
    programme.refresh_from_db()
    assert programme.summary == OLD


def test_a_schedule_in_the_past_is_refused_with_a_message(editor_client, publisher_client, programme):
    save_form(editor_client, programme, button="submit", summary=NEW)

    response = publisher_client.post(
        workflow_url(programme, "review"), {"decision": "schedule", "go_live_at": "2020-01-01T09:00"}, follow=True
    )

    assert "That time has passed" in response.text
    assert PendingChange.objects.of(programme).get().state == ChangeState.IN_REVIEW


def test_a_scheduled_change_goes_live_when_its_time_comes(editor_client, publisher, programme, monkeypatch):
    save_form(editor_client, programme, button="submit", summary=NEW)
    go_live_at = timezone.now() + datetime.timedelta(days=2)
    workflow.approve(programme, user=publisher, go_live_at=go_live_at)

    assert workflow.publish_due() == ([], [])
    programme.refresh_from_db()
    assert programme.summary == OLD

    later = go_live_at + datetime.timedelta(seconds=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    published, failed = workflow.publish_due()

    assert published == [programme] and failed == []
    programme.refresh_from_db()
    assert programme.summary == NEW
    event = WorkflowEvent.objects.filter(object_id=programme.pk).first()
    assert (event.action, event.user, event.comment) == (WorkflowEvent.Action.PUBLISHED, publisher, "On schedule")


def test_a_scheduled_change_can_be_cancelled(editor_client, publisher_client, publisher, programme):
    save_form(editor_client, programme, button="submit", summary=NEW)
    workflow.approve(programme, user=publisher, go_live_at=timezone.now() + datetime.timedelta(days=2))

    publisher_client.post(workflow_url(programme, "review"), {"decision": "unschedule"})

    change = PendingChange.objects.of(programme).get()
    assert change.state == ChangeState.IN_REVIEW and change.go_live_at is None


def test_a_change_that_no_longer_validates_is_kept_and_says_why(editor_client, publisher_client, programme):
    partner = OrganisationFactory(name="Temporary partner")
    data = form_data(editor_client.get(change_url(programme)))
    fill_inline_row(data, "partnerships", organisation=partner.pk, role="partner")
    set_fields(data, slug="systems-leadership-2031")
    data["_save"] = ["submit"]
    editor_client.post(change_url(programme), data)
    partner.delete()
    ProgrammeFactory(slug="systems-leadership-2031")

    response = publisher_client.post(workflow_url(programme, "review"), {"decision": "publish"}, follow=True)

    assert "cannot be published as they stand" in response.text
    assert "Slug: Programme with this Slug already exists." in response.text
    assert "Partners and commissioners, row 1: organisation: the organisation it names no longer exists." in (
        response.text
    )
    assert PendingChange.objects.of(programme).exists()
    programme.refresh_from_db()
    assert programme.slug != "systems-leadership-2031"


def test_a_new_draft_record_is_edited_in_place_and_published_by_a_publisher(editor_client, publisher):
    draft = WorkStreamFactory(status=Status.DRAFT, title="Integrated care")

    save_form(editor_client, draft, button="submit", title="Integrated care systems")

    draft.refresh_from_db()
    assert draft.title == "Integrated care systems" and draft.status == Status.DRAFT
    change = PendingChange.objects.of(draft).get()
    assert change.state == ChangeState.IN_REVIEW and change.snapshot is None
    workflow.publish(draft, user=publisher)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED


def test_editing_a_submitted_draft_record_takes_it_out_of_review(editor_client):
    draft = WorkStreamFactory(status=Status.DRAFT, title="Integrated care")
    save_form(editor_client, draft, button="submit")

    save_form(editor_client, draft, title="Integrated care, again")

    assert PendingChange.objects.of(draft).get().state == ChangeState.DRAFT


def test_topics_and_organisations_are_changed_through_pending_changes_too(editor_client, publisher):
    organisation = OrganisationFactory(name="Health Education England West Midlands")
    ProgrammePartnerFactory(organisation=organisation)

    save_form(editor_client, organisation, name="NHS England West Midlands")

    organisation.refresh_from_db()
    assert organisation.name == "Health Education England West Midlands"
    workflow.publish(organisation, user=publisher)
    organisation.refresh_from_db()
    assert organisation.name == "NHS England West Midlands"


def test_the_intake_list_is_read_only_so_dates_change_only_through_the_programme(editor_client, programme):
    intake = IntakeFactory(programme=programme)
    url = reverse("admin:programmes_intake_change", args=[intake.pk])

    response = editor_client.post(url, {"label": "Changed behind the programme's back"})

    assert response.status_code == 403
    assert editor_client.get(reverse("admin:programmes_intake_add")).status_code == 403


def test_reverting_a_live_record_creates_a_pending_change_not_a_live_edit(editor_client, publisher, programme):
    original = programme.history.earliest()
    save_form(editor_client, programme, summary=NEW)
    workflow.publish(programme, user=publisher)

    response = editor_client.post(
        reverse("admin:programmes_programme_simple_history", args=[programme.pk, original.history_id]), follow=True
    )

    assert "is now a draft" in response.text
    programme.refresh_from_db()
    assert programme.summary == NEW
    assert PendingChange.objects.of(programme).get().snapshot["fields"]["summary"] == OLD
    assert WorkflowEvent.objects.filter(object_id=programme.pk).first().action == WorkflowEvent.Action.REVERTED


def test_the_history_shows_who_drafted_submitted_and_published(editor_client, publisher_client, programme):
    save_form(editor_client, programme, button="submit", summary=NEW)
    publisher_client.post(workflow_url(programme, "review"), {"decision": "publish"})

    history = editor_client.get(reverse("admin:programmes_programme_history", args=[programme.pk]))

    text = " ".join(history.text.split())
    for step in ("Saved a draft", "Submitted for review", "Published"):
        assert step in text
    assert "publisher" in text and "content-editor" in text


def test_compare_shows_added_and_removed_words_and_inline_rows(editor_client, programme):
    IntakeFactory(programme=programme, label="Cohort 11")
    data = form_data(editor_client.get(change_url(programme)))
    set_fields(data, summary="A leadership programme for integrated care leaders.")
    fill_inline_row(data, "intakes", label="Cohort 12", start_date="2031-09-01")
    data["_save"] = ["draft"]
    editor_client.post(change_url(programme), data)

    response = editor_client.get(workflow_url(programme, "compare"))

    html = " ".join(response.text.split())
    assert "<del>senior health service</del>" in html
    assert "<ins>integrated care</ins>" in html
    assert "Cohort 12" in html and "Added" in html


def test_preview_shows_the_pending_change_as_the_public_page_with_a_banner(editor_client, programme):
    save_form(editor_client, programme, summary=NEW)

    response = editor_client.get(workflow_url(programme, "preview_page"))

    assert response.status_code == 200
    assert NEW in page_text(response)
    assert "Preview: not live" in page_text(response)
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    programme.refresh_from_db()
    assert programme.summary == OLD  # the preview wrote nothing that stayed


def test_preview_page_offers_phone_and_desktop_widths(editor_client, programme):
    save_form(editor_client, programme, summary=NEW)

    response = editor_client.get(workflow_url(programme, "preview"), {"width": "phone"})

    assert 'class="workflow-preview-frame workflow-preview-frame--phone"' in response.text
    assert "Desktop (1280 px)" in response.text


def test_preview_needs_permission_to_view_the_record(client, programme):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="no-rights"))

    assert client.get(workflow_url(programme, "preview_page")).status_code == 403


def test_a_second_editor_is_told_who_else_has_unpublished_changes(editor_client, publisher_client, programme):
    save_form(editor_client, programme, summary=NEW)

    response = publisher_client.get(change_url(programme))

    assert "content-editor also has unpublished changes here" in " ".join(response.text.split())


def test_saving_over_a_version_changed_since_the_form_opened_is_refused_and_keeps_the_typing(
    editor_client, publisher_client, programme
):
    stale = set_fields(form_data(editor_client.get(change_url(programme))), title="Systems Leadership 2031")
    save_form(publisher_client, programme, summary=NEW)

    stale["_save"] = ["draft"]
    refused = editor_client.post(change_url(programme), stale)

    assert refused.status_code == 200
    text = " ".join(refused.text.split())
    assert "saved this programme after you opened it" in text
    assert "<ins>" in refused.text and "integrated care systems" in text  # what the other editor changed
    assert form_data(refused)["title"] == ["Systems Leadership 2031"]  # what this editor typed
    assert PendingChange.objects.of(programme).get().snapshot["fields"]["title"] == "Systems Leadership"
    # Saving again, having seen the differences, replaces the other version on purpose.
    again = form_data(refused)
    again["_save"] = ["draft"]
    assert editor_client.post(change_url(programme), again).status_code == 302
    assert PendingChange.objects.of(programme).get().snapshot["fields"]["title"] == "Systems Leadership 2031"


def test_publishing_needs_a_publisher_for_the_list_action_too(editor_client, publisher_client):
    draft = ProgrammeFactory(status=Status.DRAFT)
    url = reverse("admin:programmes_programme_changelist")

    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    publisher_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert Programme.objects.published().filter(pk=draft.pk).exists()


def test_the_scheduler_reports_a_change_that_no_longer_validates_and_still_publishes_the_others(
    editor_client, publisher, monkeypatch
):
    from django.core.management import call_command

    broken, fine = ProgrammeFactory(title="Broken"), ProgrammeFactory(title="Fine")
    save_form(editor_client, broken, slug="taken-later")
    save_form(editor_client, fine, summary=NEW)
    go_live_at = timezone.now() + datetime.timedelta(hours=1)
    for programme in (broken, fine):
        workflow.approve(programme, user=publisher, go_live_at=go_live_at)
    ProgrammeFactory(slug="taken-later")
    later = go_live_at + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    with pytest.raises(SystemExit) as exit_status:
        call_command("publish_scheduled", stdout=io.StringIO(), stderr=(errors := io.StringIO()))

    assert exit_status.value.code == 1
    assert "Not published: programme “Broken”" in errors.getvalue() and "Slug" in errors.getvalue()
    assert PendingChange.objects.of(broken).get().state == ChangeState.SCHEDULED
    fine.refresh_from_db()
    assert fine.summary == NEW


def test_a_scheduled_change_is_queued_for_its_time_and_the_worker_publishes_it(
    editor_client, publisher, programme, task_worker, django_capture_on_commit_callbacks
):
    """Issue 21: scheduled publishing is a task on the queue, run at the go-live time; cron is the safety net."""
    from django_tasks_db.models import DBTaskResult

    go_live_at = timezone.now() + datetime.timedelta(hours=1)
    save_form(editor_client, programme, summary=NEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(programme, user=publisher, go_live_at=go_live_at)

    queued = DBTaskResult.objects.get(task_path="publishing.tasks.publish_due_changes")
    assert queued.run_after == go_live_at
    task_worker()
    programme.refresh_from_db()
    assert programme.summary == OLD  # not before its time

    PendingChange.objects.update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))  # the hour passes
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now())
    task_worker()

    programme.refresh_from_db()
    assert programme.summary == NEW
    assert not PendingChange.objects.of(programme).exists()
