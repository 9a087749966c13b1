from django.core.management.base import BaseCommand

from pagecache.kept import keep_stale
from programmes.availability import today
from programmes.models import refresh_stale_availability, stale_availability


class Command(BaseCommand):
    help = (
        "Recompute the availability of programmes and intakes (open for applications, opening soon...) "
        "for today in Europe/London, and keep the links of every programme and work stream page whose kept "
        "links are missing or stale. Run it from cron shortly after midnight, and after loading data without "
        "the ORM's saves. Safe to run again: it writes only what is stale, and prints nothing unless asked "
        "(--verbosity 2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say how many would be recomputed, write nothing")

    def handle(self, *args, dry_run: bool, verbosity: int, **options):
        on = today()
        if dry_run:
            programmes, intakes = (queryset.count() for queryset in stale_availability(on))
            self.stdout.write(f"Would recompute {programmes} programmes and {intakes} intakes for {on:%d %B %Y}.")
            return
        programmes, intakes = refresh_stale_availability(on)
        kept = keep_stale()
        if verbosity > 1:
            self.stdout.write(f"Recomputed {programmes} programmes and {intakes} intakes for {on:%d %B %Y}.")
            self.stdout.write(f"Kept the links of {kept} pages.")
