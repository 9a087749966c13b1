from django.core.management.base import BaseCommand

from monitoring.progress import Progress
from search.indexing import rebuild_index, records_to_index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from every programme, research project, person, work stream and topic. "
        "Saving records keeps the index up to date; run this after loading fixtures or restoring a backup, "
        "or nightly to refresh the spelling vocabulary with records whose scheduled publication has passed. "
        "Shows progress on a terminal, nothing but the summary in cron."
    )

    def handle(self, *args, **options):
        progress = Progress(self.stderr, total=records_to_index(), label="Indexing records")
        counts = rebuild_index(on_batch=progress.advance)
        progress.finish()
        summary = ", ".join(f"{count} {label.lower()}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {summary}."))
