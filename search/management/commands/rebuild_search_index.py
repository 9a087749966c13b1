from django.core.management.base import BaseCommand

from search.indexing import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from every programme, research project, person, work stream and topic. "
        "Saving records keeps the index up to date; run this after loading fixtures or restoring a backup, "
        "or nightly to refresh the spelling vocabulary with records whose scheduled publication has passed."
    )

    def handle(self, *args, **options):
        counts = rebuild_index()
        summary = ", ".join(f"{count} {label.lower()}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {summary}."))
