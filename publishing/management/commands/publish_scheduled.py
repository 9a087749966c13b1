from django.core.management.base import BaseCommand

from publishing.workflow import publish_due


class Command(BaseCommand):
    help = (
        "Publish the approved changes whose go-live time has come. Run it every minute from cron. "
        "A change that no longer validates stays scheduled and is reported; the command then exits with 1."
    )

    def handle(self, *args, **options):
        published, failed = publish_due()
        for record in published:
            self.stdout.write(f"Published {record._meta.verbose_name} “{record}”.")
        for record, reason in failed:
            self.stderr.write(f"Not published: {record._meta.verbose_name} “{record}”: {reason}")
        if failed:
            raise SystemExit(1)
