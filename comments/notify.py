"""Emails about comments: to the author for moderation, to followers on publication.

Sent after the comment is committed; a failing mail server is logged and
never loses the comment.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from comments.models import Comment

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "comments.unsubscribe"


def admin_url(comment):
    path = reverse("admin:comments_comment_change", args=[comment.pk])
    return settings.SITE_URL + path


def unsubscribe_token(email, post_pk):
    return signing.dumps({"email": email, "post": post_pk}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """{"email", "post"} or None for a bad token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or "email" not in data or "post" not in data:
        return None
    return data


def _send(subject, template, context, recipients):
    context = {**context, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
    text = render_to_string(f"comments/email/{template}.txt", context)
    html = render_to_string(f"comments/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, recipients, headers=context.get("headers")
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        # The comment is already saved: log and carry on.
        logger.exception("Could not send the %s email to %s", template, ", ".join(recipients))
        return False
    return True


def notify_author(comment):
    """Tell the site owner a comment waits for moderation (never for spam)."""
    post = comment.content_object
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] Comment awaiting moderation on “%(title)s”") % {
            "site": settings.SITE_NAME,
            "title": post.title,
        }
        context = {
            "comment": comment,
            "post": post,
            "admin_url": admin_url(comment),
            "post_url": settings.SITE_URL + post.get_absolute_url(),
        }
        return _send(subject, "moderation", context, [settings.OWNER_EMAIL])


def followers_of(comment):
    """Emails following the post of `comment`, except the author of `comment`."""
    followers = {}
    rows = (
        Comment.objects.visible()
        .filter(content_type_id=comment.content_type_id, object_pk=comment.object_pk)
        .filter(followup=True)
        .exclude(pk=comment.pk)
        .order_by("submit_date")
        .values_list("user_email", "user_name")
    )
    for email, name in rows:
        if email and email.lower() != comment.user_email.lower():
            followers.setdefault(email.lower(), (email, name))
    return list(followers.values())


def notify_followers(comment):
    """Email each follower of the post that `comment` is now published."""
    if getattr(comment, SILENT, False):
        return
    post = comment.content_object
    if post is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] New comment on “%(title)s”") % {
            "site": settings.SITE_NAME,
            "title": post.title,
        }
        comment_url = f"{settings.SITE_URL}{post.get_absolute_url()}#c{comment.pk}"
        for email, name in followers_of(comment):
            unsubscribe_url = settings.SITE_URL + reverse(
                "comments:unsubscribe", args=[unsubscribe_token(email, post.pk)]
            )
            context = {
                "comment": comment,
                "post": post,
                "name": name,
                "comment_url": comment_url,
                "unsubscribe_url": unsubscribe_url,
                "headers": {"List-Unsubscribe": f"<{unsubscribe_url}>"},
            }
            _send(subject, "followup", context, [email])


SILENT = "_vitrine_silent"


def silence(comment):
    """Mark `comment` as one whose saving emails nobody (one moved in by an importer).

    A flag on the instance rather than a switch around the import: the mail is
    sent once the transaction commits, which may be after any `with` block ends.
    """
    setattr(comment, SILENT, True)
    return comment
