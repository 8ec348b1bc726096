"""Receivers and the moderator, connected by CommentsConfig.ready()."""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django_comments_xtd.models import XtdComment, publish_or_unpublish_on_pre_save
from django_comments_xtd.moderation import moderator

from blog.models import Post
from comments import notify
from comments.models import Comment, CommentReview, is_visible
from comments.moderation import PostModerator


def connect():
    """Register our moderator for posts and our receivers on the comment models."""
    moderator.register(Post, PostModerator)
    # django-comments-xtd republishes every held reply when their parent is
    # saved again and adds to `nested_count` on each save: drop that
    # receiver; replies of a hidden comment are hidden when the tree is built.
    pre_save.disconnect(publish_or_unpublish_on_pre_save, sender=XtdComment._meta.label)
    # The admin saves through our proxy, whose saves carry its own sender.
    for model in (XtdComment, Comment):
        pre_save.connect(remember_stored_state, sender=model)
        post_save.connect(notify_when_published, sender=model)
        post_save.connect(reopen_reports_when_edited, sender=model)


def remember_stored_state(sender, instance, raw=False, **kwargs):
    """Note whether the stored comment was visible, and whether its text changes, in this save."""
    stored = None
    if not raw and instance.pk is not None:
        stored = (
            Comment.objects.filter(pk=instance.pk)
            .values("is_public", "is_removed", "comment")
            .first()
        )
    instance._vitrine_was_visible = (
        bool(stored) and stored["is_public"] and not stored["is_removed"]
    )
    instance._vitrine_text_changed = bool(stored) and stored["comment"] != instance.comment


def reopen_reports_when_edited(sender, instance, raw=False, **kwargs):
    """A comment kept after a report takes reports again once its text is edited."""
    if not raw and getattr(instance, "_vitrine_text_changed", False):
        CommentReview.objects.filter(comment_id=instance.pk, is_cleared=True).update(
            is_cleared=False
        )


def notify_when_published(sender, instance, created=False, raw=False, **kwargs):
    """Email the post's followers when a comment becomes visible.

    Covers a new published comment and a held one approved later (the
    library only notifies on the first case).
    """
    if raw or getattr(instance, "_vitrine_was_visible", True):
        return
    if not is_visible(instance):
        return
    instance._vitrine_was_visible = True  # the library saves a new comment twice
    transaction.on_commit(lambda: notify.notify_followers(instance))
