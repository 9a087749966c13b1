from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contacts.models import Enquiry, months_before


class Command(BaseCommand):
    help = (
        "Delete closed enquiries closed more than ENQUIRY_RETENTION_MONTHS ago (the data-retention policy). "
        "Open enquiries are never deleted. Run it daily from cron; use --dry-run to see what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count and list what would be deleted; keep it.")
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Retention period in months (default: the ENQUIRY_RETENTION_MONTHS setting).",
        )

    def handle(self, *args, dry_run: bool, months: int | None, **options):
        months = settings.ENQUIRY_RETENTION_MONTHS if months is None else months
        if months < 1:
            raise CommandError("The retention period must be at least 1 month.")
        now = timezone.now()
        cutoff = months_before(now, months)
        expired = Enquiry.objects.past_retention(months=months, now=now)
        when = f"closed before {timezone.localtime(cutoff):%d %B %Y %H:%M} ({months} months ago)"

        if dry_run:
            references = [Enquiry(pk=pk).reference for pk in expired.order_by("pk").values_list("pk", flat=True)]
            for reference in references:
                self.stdout.write(f"Would delete {reference}")
            self.stdout.write(f"Dry run: {len(references)} closed enquiries {when} would be deleted.")
            return

        deleted, _ = expired.delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} closed enquiries {when}."))
