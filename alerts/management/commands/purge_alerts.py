from django.conf import settings
from django.core.management.base import BaseCommand

from alerts.services import expire_unconfirmed, purge_inactive


class Command(BaseCommand):
    help = (
        "Delete alert requests not confirmed within ALERT_CONFIRM_DAYS, and addresses sent nothing for "
        "ALERT_RETENTION_MONTHS (the privacy notice's promise). Run it daily from cron."
    )

    def handle(self, *args, **options):
        expired = expire_unconfirmed()
        inactive = purge_inactive()
        self.stdout.write(
            f"Deleted {expired} unconfirmed alert request{'s' if expired != 1 else ''} older than "
            f"{settings.ALERT_CONFIRM_DAYS} days and {inactive} address{'es' if inactive != 1 else ''} "
            f"sent nothing for {settings.ALERT_RETENTION_MONTHS} months."
        )
