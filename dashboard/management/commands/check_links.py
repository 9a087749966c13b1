from django.core.management.base import BaseCommand

from dashboard.links import check_links


class Command(BaseCommand):
    help = (
        "Check the links to other sites in published records and list the broken ones on the staff "
        "dashboard. Run it from cron, e.g. weekly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10, help="Seconds to wait for each site (default 10).")

    def handle(self, *args, timeout: float, **options):
        checked, broken = check_links(timeout=timeout)
        for link in broken:
            self.stdout.write(f"{link.url}: {link.problem} ({link.content_type.name} {link.object_id}, {link.field})")
        addresses = len({link.url for link in broken})
        self.stdout.write(
            self.style.SUCCESS(f"Checked {checked} address(es); {addresses} broken, in {len(broken)} place(s).")
        )
