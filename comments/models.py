from django.db import models
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment


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

    class Meta:
        ordering = ["-comment__submit_date"]
        verbose_name = _("comment review")
        verbose_name_plural = _("comment reviews")

    def __str__(self):
        return f"{self.comment_id}: {self.reason or '-'}"


class Comment(XtdComment):
    """django-comments-xtd's comment under our name, for the moderation queue in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
