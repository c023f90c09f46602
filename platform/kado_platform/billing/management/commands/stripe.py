"""`kado stripe pending`: Stripe events received but not applied yet, and `--requeue`."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kado_platform.billing.selectors import stripe_events_unprocessed
from kado_platform.tasks.billing import stripe_events_requeue


class Command(BaseCommand):
    help = "List Stripe events received but not applied; --requeue sends their tasks again."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["pending"])
        parser.add_argument(
            "--older-than",
            type=int,
            default=0,
            metavar="MINUTES",
            help="Only events received at least this many minutes ago (default: all).",
        )
        parser.add_argument(
            "--requeue", action="store_true", help="Send the apply task again for each."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit non-zero when any is listed (for monitoring).",
        )

    def handle(self, *args, action, older_than, requeue, check, **options):
        age = datetime.timedelta(minutes=older_than)
        events = list(stripe_events_unprocessed(older_than=age))
        now = timezone.now()
        for record in events:
            waited = int((now - record.received_at).total_seconds() // 60)
            self.stdout.write(
                f"{record.event_id}\t{record.type}\t{record.region_code or '-'}\t"
                f"{timezone.localtime(record.received_at):%Y-%m-%d %H:%M}\t{waited} min"
            )
        if requeue and events:
            sent = stripe_events_requeue(older_than=age)
            self.stdout.write(
                self.style.SUCCESS(f"{len(sent)} 件を再送しました / Sent {len(sent)} again.")
            )
        elif not events:
            self.stdout.write(
                self.style.SUCCESS(
                    "未適用の Stripe イベントはありません / No Stripe event is waiting."
                )
            )
        if check and events and not requeue:
            raise CommandError(
                f"未適用の Stripe イベントが {len(events)} 件あります / "
                f"{len(events)} Stripe events are received but not applied."
            )
