"""Emails about comments: to the author for moderation, to followers on publication.

Queued once the comment is committed and sent by the worker (portfolio/core/outbox.py):
the request sends nothing, and a failing mail server delays an email, never loses it.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments.models import Comment
from comments.pages import comment_url
from portfolio.core.outbox import mail_task, send_after_commit

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
    """Render and send one email; a failing server raises, and the task tries again later."""
    context = {**context, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
    text = render_to_string(f"comments/email/{template}.txt", context)
    html = render_to_string(f"comments/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, recipients, headers=context.get("headers")
    )
    message.attach_alternative(html, "text/html")
    message.send()


@mail_task(gettext_lazy("Comment awaiting moderation"))
def send_moderation_notice(comment_pk):
    """Tell the site owner a comment waits for moderation (never for spam)."""
    comment = Comment.objects.filter(pk=comment_pk).first()
    post = comment and comment.content_object
    if post is None:
        return  # deleted since: nothing left to moderate
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
        _send(subject, "moderation", context, [settings.OWNER_EMAIL])


@mail_task(gettext_lazy("Comment reported"))
def send_report_notice(comment_pk):
    """Tell the site owner a visitor reported a published comment (it stays published)."""
    comment = Comment.objects.filter(pk=comment_pk).first()
    post = comment and comment.content_object
    if post is None:
        return
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
            "post_url": settings.SITE_URL + comment_url(comment, post),
        }
        _send(subject, "reported", context, [settings.OWNER_EMAIL])


def notify_author(comment):
    """Queue the moderation notice of `comment` for the worker."""
    send_after_commit(send_moderation_notice, comment.pk)


def notify_reported(comment):
    """Queue the notice that `comment` was reported."""
    send_after_commit(send_report_notice, comment.pk)


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
    """Queue the announcement of `comment`, now published, to the post's followers.

    One task whatever the number of followers, so approving answers as fast on a
    post followed by 500 as on one followed by none; the worker fans it out.
    """
    if getattr(comment, SILENT, False):
        return
    send_after_commit(announce_to_followers, comment.pk)


@mail_task(gettext_lazy("New comment, for the followers"))
def announce_to_followers(comment_pk):
    """Queue one follow-up email per follower: one bad address never holds up the others."""
    comment = Comment.objects.visible().filter(pk=comment_pk).first()
    if comment is None or comment.content_object is None:
        return  # unpublished or deleted since
    # All or none: a retry after a failure half-way would mail the first ones twice.
    with transaction.atomic():
        for _email, _name, follower_pk in followers_of(comment):
            send_followup.enqueue(comment.pk, follower_pk)


@mail_task(gettext_lazy("New comment, to a follower"))
def send_followup(comment_pk, follower_pk):
    """Email the author of comment `follower_pk` that comment `comment_pk` is published.

    Nothing when either went away meanwhile, or the follower unsubscribed.
    """
    comment = Comment.objects.visible().filter(pk=comment_pk).first()
    follower = Comment.objects.filter(pk=follower_pk, followup=True).first()
    post = comment and comment.content_object
    if post is None or follower is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] New comment on “%(title)s”") % {
            "site": settings.SITE_NAME,
            "title": post.title,
        }
        unsubscribe_url = settings.SITE_URL + reverse(
            "comments:unsubscribe", args=[unsubscribe_token(follower.pk)]
        )
        context = {
            "comment": comment,
            "post": post,
            "name": follower.user_name,
            "comment_url": settings.SITE_URL + comment_url(comment, post),
            "unsubscribe_url": unsubscribe_url,
            "headers": {"List-Unsubscribe": f"<{unsubscribe_url}>"},
        }
        _send(subject, "followup", context, [follower.user_email])


SILENT = "_vitrine_silent"


def silence(comment):
    """Mark `comment` as one whose saving emails nobody (one moved in by an importer).

    A flag on the instance rather than a switch around the import: the mail is
    sent once the transaction commits, which may be after any `with` block ends.
    """
    setattr(comment, SILENT, True)
    return comment
