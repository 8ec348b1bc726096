from django.core.management.base import BaseCommand
from django.utils import timezone

from portfolio.core.stats import counting


class Command(BaseCommand):
    help = (
        "Delete the daily counts older than STATS_RETENTION_DAYS (each worker also does it "
        "once a day when it writes its counts; this is for a site nobody visits)."
    )

    def handle(self, *args, **options):
        deleted = counting.purge(timezone.localdate())
        self.stdout.write(f"{deleted} daily counts deleted.")
