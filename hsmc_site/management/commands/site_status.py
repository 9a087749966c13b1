from django.core.management.base import BaseCommand, CommandError

from hsmc_site.status import collect


class Command(BaseCommand):
    help = (
        "Show whether each part of the site works: database, shared cache, task queue (depth, oldest "
        "waiting task, failures), scheduled publishing and enquiry e-mails. Exits with 1 if any does not, "
        "so monitoring can run it."
    )

    def handle(self, *args, **options):
        checks = collect()
        width = max(len(check.name) for check in checks)
        for check in checks:
            mark = self.style.SUCCESS("ok  ") if check.ok else self.style.ERROR("FAIL")
            self.stdout.write(f"{mark} {check.name.ljust(width)}  {check.detail}")
        if failing := [check.name for check in checks if not check.ok]:
            raise CommandError(f"Not working: {', '.join(failing)}.")
