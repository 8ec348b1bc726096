"""The moderation policy for comments on blog posts.

Every limit is a setting (portfolio/settings.py) with a sensible default:
a first-time commenter is held, a returning one (an earlier approved comment
under the same email) is published at once, too many links hold a comment,
a disallowed word marks it as spam. The flood interval is checked in the
database inside the write transaction, so it holds across every worker.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_comments_xtd.moderation import XtdCommentModerator

from comments.models import Comment

LINK_PATTERN = re.compile(r"(https?://|www\.)", re.IGNORECASE)


def comments_close_at(post):
    """When comments on `post` close by themselves, or None if they never do."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if not days or post.published_at is None:
        return None
    return post.published_at + timedelta(days=days)


def comments_are_open(post):
    """Open unless the author closed them or the post is older than the setting."""
    if not post.is_open_for_comments:
        return False
    close_at = comments_close_at(post)
    return close_at is None or timezone.now() < close_at


@dataclass
class Verdict:
    is_public: bool
    is_spam: bool = False
    reason: str = ""


def contains_disallowed_word(*texts):
    """The first disallowed word found as a whole word in `texts`, or None.

    Whole words only, in any script and case: "cialis" is not in "spécialiste",
    nor "porn" in "Pornic". A word stands between things that are not letters,
    digits or underscores (`\\w` of Python's `re`, Unicode-aware for str).
    """
    words = [word.strip() for word in settings.COMMENTS_DISALLOWED_WORDS if word.strip()]
    if not words:
        return None
    pattern = r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)"
    found = re.search(pattern, " ".join(texts), re.IGNORECASE)
    if found is None:
        return None
    typed = found.group()
    return next((word for word in words if word.casefold() == typed.casefold()), typed)


def is_returning_commenter(email):
    """True when this email has a visible comment (spam is never visible)."""
    return Comment.objects.visible().filter(user_email__iexact=email).exists()


def judge(comment, user=None):
    """Decide whether a new comment is published, held, or spam."""
    if user is not None and user.is_staff:
        return Verdict(is_public=True)
    word = contains_disallowed_word(
        comment.user_name, comment.user_email, comment.user_url, comment.comment
    )
    if word:
        return Verdict(is_public=False, is_spam=True, reason=f"disallowed word: {word}")
    links = len(LINK_PATTERN.findall(comment.comment))
    if links > settings.COMMENTS_MAX_LINKS:
        return Verdict(is_public=False, reason=f"{links} links")
    if settings.COMMENTS_AUTO_APPROVE_RETURNING and is_returning_commenter(comment.user_email):
        return Verdict(is_public=True)
    return Verdict(is_public=False, reason="first comment")


def is_flooding(ip_address):
    """True when this address posted a comment less than COMMENTS_FLOOD_SECONDS ago.

    Call inside the transaction that writes the comment, after
    `lock_per_address("comments", ip_address)`: two workers cannot both see none.
    """
    seconds = settings.COMMENTS_FLOOD_SECONDS
    if not seconds or not ip_address:
        return False
    since = timezone.now() - timedelta(seconds=seconds)
    return Comment.objects.recent_from_address(ip_address, since).exists()


class PostModerator(XtdCommentModerator):
    """Registered for blog.Post in CommentsConfig.ready().

    Our post view calls `allow` and `judge` itself (it needs the verdict inside
    the write transaction); this class keeps django-comments' own entry points
    (`allow`/`moderate`) consistent with that policy for any other caller.
    """

    email_notification = False  # comments/notify.py sends our own emails

    def allow(self, comment, content_object, request):
        return comments_are_open(content_object)

    def moderate(self, comment, content_object, request):
        user = getattr(request, "user", None)
        return not judge(comment, user if user and user.is_authenticated else None).is_public
