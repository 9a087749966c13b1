from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts.digests import due_subscribers
from alerts.tasks import send_alert_digest


class Command(BaseCommand):
    help = (
        "Queue today's alert digest for every subscriber with news and none sent today (at most one e-mail a "
        "person a day). Run it from cron, e.g. hourly in the daytime: running it again, or on two hosts at "
        "once, sends nobody a second e-mail."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        queued = 0
        for subscriber_id in due_subscribers(on=today).values_list("pk", flat=True).iterator():
            send_alert_digest.enqueue(subscriber_id=subscriber_id, day=today.isoformat())
            queued += 1
        self.stdout.write(f"Queued {queued} alert digest{'s' if queued != 1 else ''} for {today:%d %B %Y}.")
