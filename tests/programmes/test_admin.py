import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hsmc_site.roles import CONTENT_EDITORS
from programmes.availability import Availability
from programmes.models import Intake, Programme, ProgrammePartner
from publishing.models import Status
from tests.factories import (
    AudienceFactory,
    IntakeFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammePartnerFactory,
    UserFactory,
)
from tests.publishing.admin_forms import fill_inline_row, form_data, set_fields

pytestmark = pytest.mark.django_db


def form_errors(response) -> str:
    """The errors an editor would see on a re-displayed admin form, for assertion messages."""
    if response.context is None or "adminform" not in response.context:
        return f"status {response.status_code}"
    errors = [str(response.context["adminform"].form.errors)]
    for inline in response.context.get("inline_admin_formsets", []):
        errors += [str(inline.formset.errors), str(inline.formset.non_form_errors())]
    return " ".join(error for error in errors if error not in ("", "[]", "[{}, {}]"))


def test_content_editor_drafts_and_a_publisher_publishes_changes_and_reverts_a_programme(client, publisher_client):
    editor = UserFactory(username="new-editor", groups=[Group.objects.get(name=CONTENT_EDITORS)])
    partner = OrganisationFactory(
        name="Health Education England in the West Midlands", short_name="HEEWM", slug="heewm"
    )
    commissioner = OrganisationFactory(name="Health Education North-West", slug="health-education-north-west")
    first_lead, second_lead = PersonFactory(), PersonFactory()
    doctors = AudienceFactory(name="Doctors", slug="doctors")
    client.force_login(editor)

    # Create a draft with two intakes, a partner, a commissioner and two leads, on the real add form.
    add_url = reverse("admin:programmes_programme_add")
    data = form_data(client.get(add_url))
    set_fields(
        data,
        title="Medical Leadership in Practice",
        slug="medical-leadership-in-practice",
        kind=Programme.Kind.COMMISSIONED,
        summary="A programme for doctors centred on an improvement project.",
        audiences=[doctors.pk],
        duration_value=12,
        duration_unit=Programme.DurationUnit.MONTHS,
    )
    fill_inline_row(
        data,
        "intakes",
        label="Cohort 1",
        start_date="2031-01-13",
        end_date="2031-12-12",
        application_deadline="2030-11-30",
        places=30,
    )
    fill_inline_row(data, "intakes", label="Cohort 2", start_date="2032-01-12", places=30)
    fill_inline_row(data, "partnerships", organisation=partner.pk, role=ProgrammePartner.Role.DELIVERY_PARTNER)
    fill_inline_row(data, "partnerships", organisation=commissioner.pk, role=ProgrammePartner.Role.COMMISSIONER)
    fill_inline_row(data, "lead_roles", person=first_lead.pk, order=1)
    fill_inline_row(data, "lead_roles", person=second_lead.pk, order=2)
    data["_save"] = ["submit"]
    response = client.post(add_url, data)
    assert response.status_code == 302, form_errors(response)

    programme = Programme.objects.get(slug="medical-leadership-in-practice")
    assert programme.status == Status.DRAFT
    assert sorted(programme.intakes.values_list("label", flat=True)) == ["Cohort 1", "Cohort 2"]
    assert programme.delivery_partners == [partner]
    assert programme.commissioners == [commissioner]
    assert list(programme.leads.order_by("programme_lead_roles__order")) == [first_lead, second_lead]

    # The draft is private, and the editor can preview it on its public address from the admin.
    change_url = reverse("admin:programmes_programme_change", args=[programme.pk])
    change_page = client.get(change_url)
    assert "Preview this programme" in change_page.text
    assert programme.get_absolute_url() in change_page.text
    preview = client.get(programme.get_absolute_url())
    assert preview.status_code == 200
    assert "Preview: not live" in preview.text
    assert "Medical Leadership in Practice" in preview.text
    client.logout()
    assert client.get(programme.get_absolute_url()).status_code == 404
    client.force_login(editor)

    # The editor submitted it; a publisher publishes it from the list.
    changelist = reverse("admin:programmes_programme_changelist")
    response = publisher_client.post(changelist, {"action": "publish", "_selected_action": [programme.pk]}, follow=True)
    assert "Published 1 programme." in response.text
    programme.refresh_from_db()
    assert programme.is_public

    # The editor changes it on the change form: a draft, which the publisher then publishes.
    original_summary = programme.summary
    data = form_data(client.get(change_url))
    set_fields(data, summary="An improvement programme for doctors, rewritten by mistake.")
    data["_save"] = ["submit"]
    response = client.post(change_url, data)
    assert response.status_code == 302, form_errors(response)
    programme.refresh_from_db()
    assert programme.summary == original_summary
    publisher_client.post(reverse("admin:programmes_programme_review", args=[programme.pk]), {"decision": "publish"})
    programme.refresh_from_db()
    assert programme.summary == "An improvement programme for doctors, rewritten by mistake."
    assert programme.intakes.count() == 2

    # The history shows who changed what; restoring the version before the change starts a draft of it.
    history = client.get(reverse("admin:programmes_programme_history", args=[programme.pk]))
    assert history.status_code == 200
    assert "new-editor" in history.text
    assert "rewritten by mistake" in history.text
    version = programme.history.filter(summary=original_summary).first()
    revert_url = reverse("admin:programmes_programme_simple_history", args=[programme.pk, version.history_id])
    revert_page = client.get(revert_url)
    assert revert_page.status_code == 200
    assert "rewritten by mistake" in revert_page.text  # the comparison with the live version
    response = client.post(revert_url)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.summary == "An improvement programme for doctors, rewritten by mistake."

    publisher_client.post(reverse("admin:programmes_programme_review", args=[programme.pk]), {"decision": "publish"})
    programme.refresh_from_db()
    assert programme.summary == original_summary
    assert programme.is_public
    assert list(programme.audiences.all()) == [doctors]
    assert programme.intakes.count() == 2
    assert programme.history.first().history_user.username == "publisher"
    client.logout()
    assert client.get(programme.get_absolute_url()).status_code == 200


def test_revert_restores_the_audiences_a_programme_had_in_that_version(editor_client, publisher):
    from publishing import workflow

    doctors = AudienceFactory(name="Doctors", slug="doctors")
    students = AudienceFactory(name="Medical students", slug="medical-students")
    programme = ProgrammeFactory()
    programme.audiences.set([doctors])
    version = programme.history.first()
    change_url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = set_fields(form_data(editor_client.get(change_url)), audiences=[students.pk])
    assert editor_client.post(change_url, data).status_code == 302
    workflow.publish(programme, user=publisher)
    assert list(programme.audiences.all()) == [students]

    revert_url = reverse("admin:programmes_programme_simple_history", args=[programme.pk, version.history_id])
    response = editor_client.post(revert_url)
    workflow.publish(programme, user=publisher)

    assert response.status_code == 302
    assert list(programme.audiences.all()) == [doctors]


def test_intake_that_ends_before_it_starts_is_refused_with_a_clear_message(editor_client):
    programme = ProgrammeFactory()
    change_url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = form_data(editor_client.get(change_url))
    fill_inline_row(data, "intakes", start_date="2031-09-01", end_date="2031-08-01")

    response = editor_client.post(change_url, data)

    assert response.status_code == 200
    assert "An intake cannot end before it starts." in response.text
    assert not Intake.objects.filter(programme=programme).exists()


def test_programme_list_shows_availability_and_filters_by_it(editor_client):
    open_programme = IntakeFactory(programme__title="Open now").programme
    ProgrammeFactory(title="No dates yet")
    changelist = reverse("admin:programmes_programme_changelist")

    response = editor_client.get(changelist, {"availability": "open"})

    assert response.status_code == 200
    assert "Open for applications" in response.text
    assert list(response.context["cl"].result_list) == [open_programme]


# Availability: whatever the admin does to intakes recomputes the programme once -------------------


def availability_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "availability_on" in q["sql"]]


def test_intakes_added_to_a_draft_programme_update_its_availability_once(editor_client):
    programme = ProgrammeFactory(status=Status.DRAFT)
    change_url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = form_data(editor_client.get(change_url))
    fill_inline_row(data, "intakes", label="Cohort 1", start_date="2031-01-13", application_deadline="2030-11-30")
    fill_inline_row(data, "intakes", label="Cohort 2", start_date="2032-01-12")

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.post(change_url, data)

    assert response.status_code == 302, form_errors(response)
    assert Programme.objects.get(pk=programme.pk).availability == Availability.OPEN
    assert len(availability_writes(queries)) == 2  # its intakes, then the programme: not once per row


def test_intakes_added_to_a_live_programme_change_its_availability_when_published_once(editor_client, publisher):
    from publishing import workflow

    programme = ProgrammeFactory()
    change_url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = form_data(editor_client.get(change_url))
    fill_inline_row(data, "intakes", label="Cohort 1", start_date="2031-01-13", application_deadline="2030-11-30")
    fill_inline_row(data, "intakes", label="Cohort 2", start_date="2032-01-12")

    with CaptureQueriesContext(connection) as drafting:
        assert editor_client.post(change_url, data).status_code == 302
    assert availability_writes(drafting) == []  # a draft writes nothing of the live programme
    assert Programme.objects.get(pk=programme.pk).availability == Availability.DATES_TBC

    with CaptureQueriesContext(connection) as publishing:
        workflow.publish(programme, user=publisher)

    assert Programme.objects.get(pk=programme.pk).availability == Availability.OPEN
    assert len(availability_writes(publishing)) == 2


def test_saving_a_draft_programme_without_touching_its_intakes_leaves_availability_alone(editor_client):
    programme = IntakeFactory(programme__status=Status.DRAFT).programme
    change_url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = set_fields(form_data(editor_client.get(change_url)), summary="A new summary.")

    with CaptureQueriesContext(connection) as queries:
        assert editor_client.post(change_url, data).status_code == 302

    assert Programme.objects.get(pk=programme.pk).summary == "A new summary."
    assert availability_writes(queries) == []
    assert Programme.objects.get(pk=programme.pk).availability == Availability.OPEN


def test_programmes_due_for_review_are_listed_by_the_review_filter(editor_client):
    stale = ProgrammeFactory(title="Stale page", review_by=datetime.date(2020, 1, 1))
    ProgrammeFactory(title="Fresh page", review_by=datetime.date(2099, 1, 1))
    ProgrammeFactory(title="Never reviewed")

    response = editor_client.get(reverse("admin:programmes_programme_changelist"), {"review": "due"})

    assert list(response.context["cl"].result_list) == [stale]
    assert "(due)" in response.text


def test_programme_list_filters_by_work_stream_and_kind(editor_client):
    from tests.factories import WorkStreamFactory

    leadership = WorkStreamFactory(title="Leadership and management")
    mine = ProgrammeFactory(kind=Programme.Kind.COMMISSIONED)
    mine.work_streams.add(leadership)
    ProgrammeFactory(kind=Programme.Kind.COMMISSIONED)
    ProgrammeFactory(kind=Programme.Kind.OPEN).work_streams.add(leadership)

    response = editor_client.get(
        reverse("admin:programmes_programme_changelist"),
        {"work_streams__id__exact": leadership.pk, "kind__exact": Programme.Kind.COMMISSIONED},
    )

    assert list(response.context["cl"].result_list) == [mine]


def test_programme_search_finds_partner_by_short_name(editor_client):
    found = ProgrammePartnerFactory(organisation__short_name="AMBS").programme
    ProgrammeFactory()

    response = editor_client.get(reverse("admin:programmes_programme_changelist"), {"q": "ambs"})

    assert list(response.context["cl"].result_list) == [found]


def test_unpublish_action_returns_programmes_to_draft_and_records_who(publisher_client, publisher):
    programme = ProgrammeFactory(status=Status.PUBLISHED)

    response = publisher_client.post(
        reverse("admin:programmes_programme_changelist"),
        {"action": "unpublish", "_selected_action": [programme.pk]},
        follow=True,
    )

    programme.refresh_from_db()
    assert programme.status == Status.DRAFT
    assert "it is a draft again" in response.text
    latest = programme.history.first()
    assert latest.history_user == publisher
    assert latest.history_change_reason == "Unpublished"


# CSV export and import --------------------------------------------------------------------------------

CSV_HEADER = (
    "slug,title,kind,summary,status,duration_value,duration_unit,cohort_size,audiences,delivery_partners,commissioners"
)


def csv_file(*rows: str, name: str = "programmes.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, "\n".join((CSV_HEADER, *rows)).encode(), content_type="text/csv")


def upload_for_preview(client, upload):
    """Step one of an import: upload the file and get the dry-run preview."""
    import_url = reverse("admin:programmes_programme_import")
    data = form_data(client.get(import_url), containing="import_file")
    data["import_file"] = upload
    return client.post(import_url, data)


@pytest.fixture
def import_setting():
    """An existing programme, audience and organisations that the CSV files below refer to."""
    AudienceFactory(name="Doctors", slug="doctors")
    OrganisationFactory(name="AMBS", short_name="AMBS", slug="ambs")
    OrganisationFactory(name="Health Education North-West", slug="health-education-north-west")
    return ProgrammeFactory(
        slug="systems-leadership",
        title="Systems Leadership",
        kind=Programme.Kind.COMMISSIONED,
        summary="A programme for senior organisational leaders.",
    )


VALID_ROWS = (
    "systems-leadership,Systems Leadership,commissioned,A programme for senior organisational leaders "
    "developed with HEEWM.,Published,,,,,,",
    "medical-leadership-in-practice,Medical Leadership in Practice,Commissioned programme,A programme for doctors "
    "centred on an improvement project.,draft,12,months,30,doctors,ambs,health-education-north-west",
)


def test_csv_import_dry_run_previews_each_row_and_changes_nothing(publisher_client, import_setting):
    response = upload_for_preview(publisher_client, csv_file(*VALID_ROWS))

    assert response.status_code == 200
    assert "Confirm import" in response.text
    result = response.context["result"]
    assert [row.import_type for row in result.rows] == ["update", "new"]
    assert "developed with HEEWM" in response.text
    assert Programme.objects.count() == 1
    import_setting.refresh_from_db()
    assert import_setting.summary == "A programme for senior organisational leaders."


def test_csv_import_confirmed_creates_and_updates_programmes_with_their_links(
    publisher_client, publisher, import_setting
):
    preview = upload_for_preview(publisher_client, csv_file(*VALID_ROWS))
    confirm = form_data(preview, containing="import_file_name")

    response = publisher_client.post(reverse("admin:programmes_programme_process_import"), confirm, follow=True)

    assert "Import finished: 1 new, 1 updated" in response.text
    import_setting.refresh_from_db()
    assert import_setting.summary == "A programme for senior organisational leaders developed with HEEWM."
    assert import_setting.status == Status.PUBLISHED
    created = Programme.objects.get(slug="medical-leadership-in-practice")
    assert created.kind == Programme.Kind.COMMISSIONED
    assert created.duration_display == "12 months"
    assert created.cohort_size == 30
    assert [audience.slug for audience in created.audiences.all()] == ["doctors"]
    assert [org.slug for org in created.delivery_partners] == ["ambs"]
    assert [org.slug for org in created.commissioners] == ["health-education-north-west"]
    latest = created.history.order_by("history_date").first()
    assert latest.history_user == publisher
    assert latest.history_change_reason == "Imported from a CSV file"


def test_csv_import_keeps_the_availability_of_the_programmes_it_updates(publisher_client, import_setting):
    # The import writes programmes, never intakes: their availability stays as stored, with no refresh per row.
    IntakeFactory(programme=import_setting)
    preview = upload_for_preview(publisher_client, csv_file(*VALID_ROWS))
    confirm = form_data(preview, containing="import_file_name")

    with CaptureQueriesContext(connection) as queries:
        response = publisher_client.post(reverse("admin:programmes_programme_process_import"), confirm, follow=True)

    assert "Import finished: 1 new, 1 updated" in response.text
    assert availability_writes(queries) == []
    assert Programme.objects.get(pk=import_setting.pk).availability == Availability.OPEN
    created = Programme.objects.get(slug="medical-leadership-in-practice")
    assert (created.availability, created.availability_on) == (Availability.DATES_TBC, timezone.localdate())


def test_csv_import_with_an_invalid_row_reports_row_and_reason_and_changes_nothing(publisher_client, import_setting):
    too_long = "x" * 161
    response = upload_for_preview(
        publisher_client,
        csv_file(
            VALID_ROWS[0],
            f"too-long,Too long,commissioned,{too_long},draft,,,,,,",
            "unknown-links,Unknown links,commissioned,A programme.,draft,,,,nurses,,",
            "bad-kind,Bad kind,webinar,A programme.,draft,-3,months,,,,",
        ),
    )

    assert response.status_code == 200
    assert "Some rows failed to validate" in response.text
    assert "Confirm import" not in response.text
    invalid = {row.number: row for row in response.context["result"].invalid_rows}
    assert sorted(invalid) == [2, 3, 4]
    assert "at most 160 characters" in str(invalid[2].error_dict["summary"])
    assert "No audience with the slug nurses." in str(invalid[3].error_dict["audiences"])
    assert "not a valid choice" in str(invalid[4].error_dict["kind"])
    assert "Row 3, audiences: No audience with the slug nurses." in response.text
    assert "Row 2, summary: Ensure this value has at most 160 characters (it has 161)." in response.text
    assert Programme.objects.count() == 1
    import_setting.refresh_from_db()
    assert import_setting.summary == "A programme for senior organisational leaders."


def test_csv_import_confirmed_after_a_row_became_invalid_saves_no_row(publisher_client, import_setting):
    preview = upload_for_preview(publisher_client, csv_file(*VALID_ROWS))
    confirm = form_data(preview, containing="import_file_name")
    # Between the preview and the confirmation someone deletes the audience the second row needs.
    Programme.audiences.through.objects.all().delete()
    from programmes.models import Audience

    Audience.objects.filter(slug="doctors").delete()

    response = publisher_client.post(reverse("admin:programmes_programme_process_import"), confirm, follow=True)

    assert "Nothing was imported" in response.text
    assert "row 2" in response.text
    assert "No audience with the slug doctors." in response.text
    import_setting.refresh_from_db()
    assert import_setting.summary == "A programme for senior organisational leaders."
    assert not Programme.objects.filter(slug="medical-leadership-in-practice").exists()


def test_csv_import_confirm_step_refuses_a_forged_file_name(publisher_client, import_setting, tmp_path):
    victim = tmp_path / "keep-me.txt"
    victim.write_text("slug\n")

    response = publisher_client.post(
        reverse("admin:programmes_programme_process_import"),
        {"import_file_name": str(victim), "original_file_name": "x.csv", "format": "0", "resource": "0"},
        follow=True,
    )

    assert response.status_code == 200
    assert "upload the file again" in response.text
    assert victim.exists()


def test_csv_export_neutralises_spreadsheet_formulas_and_imports_back_unchanged(editor_client, publisher_client):
    ProgrammeFactory(
        slug="formula",
        title='=HYPERLINK("http://evil.example","Click")',
        summary="+cmd|' /C calc'!A0",
        location="@SUM(1+1)",
        qualification="-2+3",
    )
    export_url = reverse("admin:programmes_programme_export")
    data = form_data(editor_client.get(export_url), containing="format")

    response = editor_client.post(export_url, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "'=HYPERLINK" in body
    assert "'+cmd" in body
    assert "'@SUM" in body
    assert "'-2+3" in body
    assert "\n=" not in body and ",=" not in body

    Programme.objects.filter(slug="formula").update(title="Changed")
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = upload_for_preview(publisher_client, SimpleUploadedFile("export.csv", response.content))
    confirm = form_data(preview, containing="import_file_name")
    publisher_client.post(reverse("admin:programmes_programme_process_import"), confirm)
    assert Programme.objects.get(slug="formula").title == '=HYPERLINK("http://evil.example","Click")'


def test_content_editors_export_but_only_publishers_import_live_programmes(editor_client):
    assert editor_client.get(reverse("admin:programmes_programme_export")).status_code == 200
    assert editor_client.get(reverse("admin:programmes_programme_import")).status_code == 403


def test_enquiry_handler_cannot_import_or_export_programmes(client, enquiry_handler):
    client.force_login(enquiry_handler)

    assert client.get(reverse("admin:programmes_programme_import")).status_code == 403
    assert client.get(reverse("admin:programmes_programme_export")).status_code == 403


def test_history_page_shows_who_changed_an_intake_and_what(editor_client, publisher):
    from publishing import workflow

    intake = IntakeFactory(label="Cohort 1", start_date=datetime.date(2031, 1, 13), end_date=None)
    programme = intake.programme
    change_url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = form_data(editor_client.get(change_url))
    set_fields(data, **{"intakes-0-start_date": "2031-02-10"})
    assert editor_client.post(change_url, data).status_code == 302
    workflow.publish(programme, user=publisher)

    response = editor_client.get(reverse("admin:programmes_programme_history", args=[programme.pk]))

    assert "Changes to rows edited on this page" in response.text
    related = response.context["related_history"]
    assert [section["title"] for section in related] == ["intakes"]
    latest = related[0]["records"][0]
    assert latest.history_user.username == "publisher"
    assert latest.field_changes == [{"field": "Start date", "old": "2031-01-13", "new": "2031-02-10"}]
    assert "2031-01-13" in response.text


def test_programmes_in_no_work_stream_can_be_found(editor_client):
    from tests.factories import WorkStreamFactory

    orphan = ProgrammeFactory(title="Orphan")
    ProgrammeFactory().work_streams.add(WorkStreamFactory())
    changelist = reverse("admin:programmes_programme_changelist")

    response = editor_client.get(changelist, {"work_streams__isnull": "True"})

    assert list(response.context["cl"].result_list) == [orphan]
    assert "?work_streams__isnull=True" in editor_client.get(changelist).text
