"""Commenters' IP addresses are kept COMMENTS_IP_RETENTION_DAYS days, then dropped."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from comments.models import Comment, CommentReport


def forget_old_ip_addresses(days=None):
    """Drop the address of comments older than the retention period; returns how many.

    Run after each new comment (so a quiet site needs no cron) and by
    `manage.py purge_comment_ips`.
    """
    days = settings.COMMENTS_IP_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    # A report's address only serves the one-a-minute limit: it goes with the others.
    CommentReport.objects.filter(reported_at__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
    return Comment.objects.filter(submit_date__lt=cutoff, ip_address__isnull=False).update(
        ip_address=None
    )
