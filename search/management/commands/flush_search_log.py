from django.core.management.base import BaseCommand, CommandError

from pagecache.middleware import breaker
from search import log


class Command(BaseCommand):
    help = (
        "Write the searches waiting in the cache to the search log. The search page writes them in batches; "
        "run this from cron every few minutes so that quiet hours reach the log too."
    )

    def handle(self, *args, **options):
        written = log.flush()
        if not breaker.closed():
            raise CommandError(f"The cache is unreachable; wrote {written} searches, the rest wait there.")
        searches = "search" if written == 1 else "searches"
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} {searches} to the search log."))
