"""Our view of django-comments-xtd's comments: one definition per moderation rule."""

from django.db import models
from django.db.models import OuterRef
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment

from portfolio.core.security import from_same_client


def is_visible(comment):
    """`CommentQuerySet.visible()` for one comment in memory (e.g. about to be saved)."""
    return comment.is_public and not comment.is_removed


class CommentQuerySet(models.QuerySet):
    """Each rule of the moderation queue, defined once and used everywhere.

    Spam is never published (judging, marking as spam and approving, from the
    queue or the change form, keep that true), so "visible" needs no look at
    the review.
    """

    def visible(self):
        """Published and not removed: what a visitor sees and what the counts count.

        Keep in step with `is_visible()` above.
        """
        return self.filter(is_public=True, is_removed=False)

    def threads(self):
        """Visible top-level comments: what the comment pages count and share out.

        A thread whose first comment is hidden is hidden whole (comments.tree.build_tree).
        """
        return self.visible().filter(level=0)

    def pending(self):
        """Waiting for the author: not published, not removed, not spam."""
        return self.filter(is_public=False, is_removed=False).exclude(review__is_spam=True)

    def reported(self):
        """Reported by a visitor since the last approval, neither removed nor spam.

        A report never hides a comment: these stay visible until the author decides.
        """
        return self.filter(review__report_count__gt=0, is_removed=False).exclude(
            review__is_spam=True
        )

    def spam(self):
        """Marked as spam, by a disallowed word or by the author, and not removed."""
        return self.filter(review__is_spam=True, is_removed=False)

    def removed(self):
        """Removed by the author: kept for the record, shown nowhere."""
        return self.filter(is_removed=True)

    def for_post(self, post):
        """The comments of `post`: a Post, or `OuterRef("pk")` in a subquery over posts.

        django-comments keys its target by a text `object_pk`, so an outer
        primary key is cast (PostgreSQL will not compare text to an integer).
        Only blog posts take comments (PostModerator, CommentsConfig.ready()).
        """
        object_pk = Cast(post, models.CharField()) if isinstance(post, OuterRef) else str(post.pk)
        return self.filter(
            content_type__app_label="blog", content_type__model="post", object_pk=object_pk
        )

    def recent_from_address(self, ip_address, since):
        """Comments sent from `ip_address`'s client (its IPv6 /64) since `since` (the flood interval)."""
        return from_same_client(self.filter(submit_date__gte=since), ip_address)


class CommentReview(models.Model):
    """What moderation decided about a comment, beside django-comments' own flags.

    django-comments has `is_public` and `is_removed` only; spam needs its own
    marker so it stays out of the author's pending queue and out of every
    email, yet remains reviewable. Reports from anonymous visitors are counted
    here because django-comments' flags need a user account.
    """

    comment = models.OneToOneField(
        XtdComment,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="review",
        verbose_name=_("comment"),
    )
    is_spam = models.BooleanField(_("spam"), default=False, db_index=True)
    reason = models.CharField(_("why it was held"), max_length=200, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    reported_at = models.DateTimeField(_("last reported"), null=True, blank=True)
    # Kept by the author after a report: further reports are refused until the
    # text is edited (comments.signals), so nobody can report it back into the queue.
    is_cleared = models.BooleanField(_("kept after a report"), default=False)

    class Meta:
        ordering = ["-comment__submit_date"]
        verbose_name = _("comment review")
        verbose_name_plural = _("comment reviews")

    def __str__(self):
        return f"{self.comment_id}: {self.reason or '-'}"


class ReportQuerySet(models.QuerySet):
    def recent_from_address(self, ip_address, since):
        """Reports sent from `ip_address`'s client (its IPv6 /64) since `since` (the report interval)."""
        return from_same_client(self.filter(reported_at__gte=since), ip_address)


class CommentReport(models.Model):
    """One visitor's report of a comment: counted per address, in the write transaction.

    The one-report-a-minute limit used to live in the cache, whose `add` is
    not atomic on the file cache: two workers could both accept a report.
    """

    comment = models.ForeignKey(
        XtdComment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), db_index=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")

    def __str__(self):
        return f"{self.comment_id} ({self.reported_at:%Y-%m-%d %H:%M})"


class Comment(XtdComment):
    """django-comments-xtd's comment under our name: the admin's queue and our queries."""

    objects = CommentQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
