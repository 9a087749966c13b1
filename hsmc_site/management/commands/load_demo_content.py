from django.core.management.base import BaseCommand

from hsmc_site.demo_content import load_demo_content


class Command(BaseCommand):
    help = (
        "Load the centre's Leadership and management page as published demo content. "
        "Safe to run again: records are matched by slug and only differences are saved."
    )

    def handle(self, *args, **options):
        report = load_demo_content()
        self.stdout.write(
            self.style.SUCCESS(f"Demo content loaded: {report.created} records created, {report.updated} updated.")
        )
        for name, count in report.counts.items():
            self.stdout.write(f"  {name}: {count}")
