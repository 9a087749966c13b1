"""What staff see: how many people wait for each programme, in the admin and on the dashboard; never who."""

import pytest
from django.urls import NoReverseMatch, reverse

from alerts.models import Alert, Subscriber
from tests.factories import ProgrammeFactory, UserFactory, WorkStreamFactory


@pytest.fixture
def demand(programme, clock):
    """Three people wait for Medical Leadership in Practice (one of them unconfirmed does not count), one
    follows its work stream, one waits for another programme."""
    work_stream = WorkStreamFactory(title="Leadership and management")
    programme.work_streams.add(work_stream)
    other = ProgrammeFactory(title="Aspiring Healthcare Leaders")
    for n in range(3):
        subscriber = Subscriber.objects.create(email=f"waiting{n}@example.nhs.uk")
        Alert.objects.create(
            subscriber=subscriber, kind=Alert.Kind.PROGRAMME, programme=programme, confirmed_at=clock.now
        )
    unconfirmed = Subscriber.objects.create(email="unconfirmed@example.nhs.uk")
    Alert.objects.create(subscriber=unconfirmed, kind=Alert.Kind.PROGRAMME, programme=programme)
    follower = Subscriber.objects.create(email="follower@example.nhs.uk")
    Alert.objects.create(
        subscriber=follower, kind=Alert.Kind.WORK_STREAM, work_stream=work_stream, confirmed_at=clock.now
    )
    Alert.objects.create(subscriber=follower, kind=Alert.Kind.PROGRAMME, programme=other, confirmed_at=clock.now)
    return programme


def test_the_admin_shows_counts_per_programme_and_no_address(client, content_editor, demand):
    client.force_login(content_editor)
    page = client.get(reverse("admin:alerts_programmedemand_changelist"))
    assert page.status_code == 200
    rows = {(r.title, r.waiting, r.following_work_streams) for r in page.context["cl"].result_list}
    assert rows == {("Medical Leadership in Practice", 3, 1), ("Aspiring Healthcare Leaders", 1, 0)}
    assert [r.title for r in page.context["cl"].result_list][0] == "Medical Leadership in Practice"  # most wanted first
    assert "@example.nhs.uk" not in page.text
    assert "action-select" not in page.text  # no actions, so no export


def test_the_demand_report_is_read_only(client, content_editor, demand):
    client.force_login(content_editor)
    assert client.get(reverse("admin:alerts_programmedemand_add")).status_code == 403
    change = client.get(reverse("admin:alerts_programmedemand_change", args=[demand.pk]))
    assert b"@example.nhs.uk" not in change.content
    assert client.post(reverse("admin:alerts_programmedemand_delete", args=[demand.pk])).status_code == 403


def test_no_list_of_addresses_is_registered_in_the_admin():
    for model in ("subscriber", "alert", "digest", "notice"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:alerts_{model}_changelist")


def test_the_dashboard_shows_people_waiting_per_programme(client, content_editor, demand):
    client.force_login(content_editor)
    page = client.get(reverse("admin:index"))
    assert "People waiting to hear about programmes" in page.text
    assert "3 people waiting; dates to be confirmed" in page.text
    assert "1 person waiting" in page.text
    assert "@example.nhs.uk" not in page.text


def test_staff_without_the_permission_see_no_demand_panel(client, demand):
    client.force_login(UserFactory(username="plain-staff", is_staff=True))
    page = client.get(reverse("admin:index"))
    assert "People waiting to hear about programmes" not in page.text


def test_the_privacy_notice_says_what_alerts_keep_and_for_how_long(client, db, settings):
    settings.ALERT_CONFIRM_DAYS = 7
    settings.ALERT_RETENTION_MONTHS = 18
    page = client.get(reverse("contacts:privacy"))
    assert "<h2>E-mail alerts</h2>" in page.text
    assert "we keep only your e-mail address, what you asked to follow" in page.text
    assert "within 7 days, we delete it" in page.text
    assert "until 18 months after the last alert we sent you" in page.text


def test_the_privacy_migration_adds_the_alerts_section_once_before_your_rights(db):
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from sitecontent.models import CentreDetails

    migration = import_module("sitecontent.migrations.0005_privacy_notice_covers_alerts")
    CentreDetails.objects.update(privacy_notice="<h2>Who we are</h2><p>Us.</p><h2>Your rights</h2><p>Many.</p>")
    migrated = MigrationLoader(connection).project_state().apps
    migration.add_alerts_section(migrated, None)
    migration.add_alerts_section(migrated, None)
    notice = CentreDetails.objects.get().privacy_notice
    assert notice == "<h2>Who we are</h2><p>Us.</p>" + migration.SECTION + "<h2>Your rights</h2><p>Many.</p>"
