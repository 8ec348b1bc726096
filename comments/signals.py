"""Receivers connected in CommentsConfig.ready()."""

from django.db import transaction

from comments import notify


def _is_visible(is_public, is_removed):
    return is_public and not is_removed


def remember_visibility(sender, instance, raw=False, **kwargs):
    """Note whether the stored comment was visible before this save."""
    if raw or instance.pk is None:
        instance._vitrine_was_visible = False
        return
    stored = (
        sender.norel_objects.filter(pk=instance.pk).values_list("is_public", "is_removed").first()
    )
    instance._vitrine_was_visible = bool(stored) and _is_visible(*stored)


def notify_when_published(sender, instance, created=False, raw=False, **kwargs):
    """Email the post's followers when a comment becomes visible.

    Covers a new published comment and a held one approved later (the
    library only notifies on the first case).
    """
    if raw or getattr(instance, "_vitrine_was_visible", True):
        return
    if not _is_visible(instance.is_public, instance.is_removed):
        return
    instance._vitrine_was_visible = True  # the library saves a new comment twice
    transaction.on_commit(lambda: notify.notify_followers(instance))
