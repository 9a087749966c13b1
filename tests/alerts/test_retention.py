"""Data protection: unconfirmed requests go after 7 days, addresses a set time after the last alert or at once
on unsubscribe, and only the address, what it follows and timestamps are kept."""

import datetime
import io

from django.core.management import call_command

from alerts.models import Alert, Subscriber


def purge() -> str:
    out = io.StringIO()
    call_command("purge_alerts", stdout=out)
    return out.getvalue()


def test_an_unconfirmed_request_is_deleted_after_seven_days_with_its_address(programme, clock, submit):
    submit(f"/alerts/programmes/{programme.slug}/", "forgetful@example.nhs.uk")
    clock.advance(days=6, hours=23)
    purge()
    assert Alert.objects.count() == 1
    clock.advance(hours=2)
    assert "Deleted 1 unconfirmed alert request" in purge()
    assert not Alert.objects.exists()
    assert not Subscriber.objects.exists()


def test_expiry_keeps_the_address_while_it_has_a_confirmed_alert(programme, clock):
    from tests.factories import ProgrammeFactory

    subscriber = Subscriber.objects.create(email="sam@example.nhs.uk")
    Alert.objects.create(subscriber=subscriber, kind=Alert.Kind.PROGRAMME, programme=programme, confirmed_at=clock.now)
    Alert.objects.create(subscriber=subscriber, kind=Alert.Kind.PROGRAMME, programme=ProgrammeFactory())
    clock.advance(days=8)
    purge()
    assert list(Alert.objects.values_list("programme", flat=True)) == [programme.pk]
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_an_address_is_deleted_the_retention_period_after_its_last_alert(programme, clock, settings):
    settings.ALERT_RETENTION_MONTHS = 24
    subscriber = Subscriber.objects.create(email="sam@example.nhs.uk")
    Alert.objects.create(subscriber=subscriber, kind=Alert.Kind.PROGRAMME, programme=programme, confirmed_at=clock.now)
    Subscriber.objects.update(last_alerted_at=clock.now + datetime.timedelta(days=30))
    clock.move_to(datetime.date(2029, 3, 30))  # 24 months after subscribing, but not after the last alert
    purge()
    assert Subscriber.objects.exists()
    clock.move_to(datetime.date(2029, 4, 1))
    assert "and 1 address sent nothing for 24 months" in purge()
    assert not Subscriber.objects.exists() and not Alert.objects.exists()


def test_only_the_address_what_it_follows_and_timestamps_are_stored():
    stored = {model.__name__: sorted(f.name for f in model._meta.concrete_fields) for model in (Subscriber, Alert)}
    assert stored == {
        "Subscriber": ["created_at", "email", "id", "last_alerted_at"],
        "Alert": [
            "confirmation_sent_at",
            "confirmed_at",
            "created_at",
            "filters",
            "id",
            "kind",
            "programme",
            "subscriber",
            "work_stream",
        ],
    }
