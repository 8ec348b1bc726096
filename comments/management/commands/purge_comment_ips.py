from django.conf import settings
from django.core.management.base import BaseCommand

from comments.privacy import forget_old_ip_addresses


class Command(BaseCommand):
    help = (
        "Forget the IP address of comments older than COMMENTS_IP_RETENTION_DAYS. "
        "Each new comment does it too; run this daily on a site with few comments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Override the setting.")

    def handle(self, *args, days=None, **options):
        days = settings.COMMENTS_IP_RETENTION_DAYS if days is None else days
        count = forget_old_ip_addresses(days)
        self.stdout.write(f"IP address dropped from {count} comment(s) older than {days} days.")
