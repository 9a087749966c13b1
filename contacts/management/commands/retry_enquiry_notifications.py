import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contacts.emails import EMAILS, deliver
from contacts.models import Enquiry


class Command(BaseCommand):
    help = (
        "E-mail the routed contacts, and the visitors, of enquiries whose e-mail failed after its retries, or "
        "never went because the process or the queue stopped after saving. The safety net under the task "
        "queue: run it from cron, e.g. every 15 minutes; it exits with an error while any e-mail still "
        "fails, so monitoring notices."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be retried; send nothing.")
        parser.add_argument("--limit", type=int, default=200, help="At most this many enquiries per e-mail kind.")
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
        sent, failed, due_count = [], [], 0
        for email in EMAILS.values():
            due = Enquiry.objects.needing_retry(email.name, stuck_after=stuck_after)
            pks = list(due.order_by("created_at").values_list("pk", flat=True)[:limit])
            due_count += len(pks)
            for pk in pks:
                with transaction.atomic():
                    # Locked and checked again, so neither an overlapping run nor the task worker e-mails
                    # the same person twice.
                    enquiry = (
                        due.select_for_update(skip_locked=True, of=("self",))
                        .select_related("work_stream", "programme")
                        .filter(pk=pk)
                        .first()
                    )
                    if enquiry is None:
                        continue
                    recipients = ", ".join(email.recipients(enquiry))
                    if dry_run:
                        self.stdout.write(f"{enquiry.reference}: would e-mail the {email.name} to {recipients}")
                        continue
                    if deliver(enquiry, email):
                        sent.append(enquiry)
                        self.stdout.write(f"{enquiry.reference}: sent the {email.name} to {recipients}")
                    else:
                        failed.append(enquiry)
                        error = getattr(enquiry, f"{email.name}_error")
                        self.stderr.write(f"{enquiry.reference}: the {email.name} failed again ({error})")

        if not due_count:
            self.stdout.write("No enquiry e-mails to retry.")
            return
        if dry_run:
            self.stdout.write(f"Dry run: {due_count} enquiry e-mail(s) would be retried.")
            return
        self.stdout.write(self.style.SUCCESS(f"Sent {len(sent)} e-mail(s); {len(failed)} still failing."))
        if failed:
            raise CommandError(f"{len(failed)} enquiry e-mail(s) still failing; see the enquiry inbox.")
