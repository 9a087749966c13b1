import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search.models import LoggedSearch

DEFAULT_DAYS = 400


class Command(BaseCommand):
    help = (
        "Delete logged searches older than --days (default 400: a year of 'no results' trends, and the same "
        "weeks last year). The log holds no personal data; this only keeps it from growing without end."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=DEFAULT_DAYS, help=f"keep this many days (default {DEFAULT_DAYS})"
        )
        parser.add_argument("--dry-run", action="store_true", help="say how many would be deleted, delete nothing")

    def handle(self, *args, days, dry_run, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        old = LoggedSearch.objects.filter(searched_at__lt=timezone.now() - datetime.timedelta(days=days))
        if dry_run:
            self.stdout.write(f"Would delete {old.count()} logged searches older than {days} days.")
            return
        deleted, _ = old.delete()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} logged searches older than {days} days."))
