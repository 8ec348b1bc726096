"""Emails about comments: to the author for moderation, to followers on publication.

Sent after the comment is committed; a failing mail server is logged and
never loses the comment.
"""

import logging
from datetime import timedelta

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
# Each follow-up email carries a fresh link, so a link only has to outlive the
# wait between an email and its reader's click: a year covers a mail kept for
# months (a quiet post may send none for that long), and a forwarded or leaked
# link stops working after that.
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)


def admin_url(comment):
    path = reverse("admin:comments_comment_change", args=[comment.pk])
    return settings.SITE_URL + path


def unsubscribe_token(comment_pk):
    """An unsubscribe link's signed, dated id: a comment of the follower, never their email."""
    return signing.dumps(comment_pk, salt=UNSUBSCRIBE_SALT)


def follower_of(token):
    """The comment an unsubscribe link was made from, or None for a bad or dead link.

    Raises SignatureExpired for a link older than UNSUBSCRIBE_MAX_AGE, and for
    one of the links mailed before they were opaque ({"email", "post"}).
    """
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    if isinstance(pk, dict):
        raise signing.SignatureExpired("An unsubscribe link of the old, readable kind.")
    if not isinstance(pk, int):
        return None
    return Comment.objects.filter(pk=pk).first()


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


def notify_reported(comment):
    """Tell the site owner a visitor reported a published comment (it stays published)."""
    post = comment.content_object
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] Comment reported on “%(title)s”") % {
            "site": settings.SITE_NAME,
            "title": post.title,
        }
        context = {
            "comment": comment,
            "post": post,
            "admin_url": admin_url(comment),
            "queue_url": settings.SITE_URL
            + reverse("admin:comments_comment_changelist")
            + "?queue=reported",
            "post_url": f"{settings.SITE_URL}{post.get_absolute_url()}#c{comment.pk}",
        }
        return _send(subject, "reported", context, [settings.OWNER_EMAIL])


def followers_of(comment):
    """(email, name, id of their first comment) following the post of `comment`.

    The author of `comment` is left out.
    """
    followers = {}
    rows = (
        Comment.objects.visible()
        .filter(content_type_id=comment.content_type_id, object_pk=comment.object_pk)
        .filter(followup=True)
        .exclude(pk=comment.pk)
        .order_by("submit_date")
        .values_list("user_email", "user_name", "pk")
    )
    for email, name, pk in rows:
        if email and email.lower() != comment.user_email.lower():
            followers.setdefault(email.lower(), (email, name, pk))
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
        for email, name, follower_pk in followers_of(comment):
            unsubscribe_url = settings.SITE_URL + reverse(
                "comments:unsubscribe", args=[unsubscribe_token(follower_pk)]
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
