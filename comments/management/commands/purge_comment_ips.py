from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_comments_xtd.models import XtdComment


class Command(BaseCommand):
    help = (
        "Forget the IP address of comments older than COMMENTS_IP_RETENTION_DAYS. "
        "Run it daily (cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override the setting.")

    def handle(self, *args, days=None, **options):
        days = settings.COMMENTS_IP_RETENTION_DAYS if days is None else days
        cutoff = timezone.now() - timedelta(days=days)
        count = XtdComment.norel_objects.filter(
            submit_date__lt=cutoff, ip_address__isnull=False
        ).update(ip_address=None)
        self.stdout.write(f"IP address dropped from {count} comment(s) older than {days} days.")
