import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contacts.models import Enquiry
from contacts.services import notify_routed_contacts


class Command(BaseCommand):
    help = (
        "E-mail the routed contacts of enquiries whose notification failed, or never ran because the "
        "process stopped after saving. Run it from cron, e.g. every 15 minutes; it exits with an error "
        "while any notification still fails, so monitoring notices."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be retried; send nothing.")
        parser.add_argument("--limit", type=int, default=200, help="At most this many enquiries per run.")
        parser.add_argument(
            "--stuck-minutes",
            type=int,
            default=15,
            help="Also retry enquiries still waiting for their first e-mail after this many minutes.",
        )

    def handle(self, *args, dry_run: bool, limit: int, stuck_minutes: int, **options):
        if limit < 1 or stuck_minutes < 0:
            raise CommandError("--limit must be at least 1 and --stuck-minutes at least 0.")
        stuck_after = datetime.timedelta(minutes=stuck_minutes)
        due = Enquiry.objects.needing_notification_retry(stuck_after=stuck_after)
        pks = list(due.order_by("created_at").values_list("pk", flat=True)[:limit])
        if not pks:
            self.stdout.write("No enquiry notifications to retry.")
            return

        sent, failed = [], []
        for pk in pks:
            with transaction.atomic():
                # Locked and checked again, so two overlapping runs never e-mail the same enquiry twice.
                enquiry = (
                    due.select_for_update(skip_locked=True, of=("self",))
                    .select_related("work_stream", "programme")
                    .filter(pk=pk)
                    .first()
                )
                if enquiry is None:
                    continue
                if dry_run:
                    self.stdout.write(f"{enquiry.reference}: would e-mail {', '.join(enquiry.routed_addresses)}")
                    continue
                if notify_routed_contacts(enquiry=enquiry):
                    sent.append(enquiry)
                    self.stdout.write(f"{enquiry.reference}: sent to {', '.join(enquiry.routed_addresses)}")
                else:
                    failed.append(enquiry)
                    self.stderr.write(f"{enquiry.reference}: failed again ({enquiry.notification_error})")

        if dry_run:
            self.stdout.write(f"Dry run: {len(pks)} enquiry notification(s) would be retried.")
            return
        self.stdout.write(self.style.SUCCESS(f"Sent {len(sent)} notification(s); {len(failed)} still failing."))
        if failed:
            raise CommandError(f"{len(failed)} enquiry notification(s) still failing; see the enquiry inbox.")
