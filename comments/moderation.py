"""The moderation policy for comments on blog posts.

Every limit is a setting (portfolio/settings.py) with a sensible default:
a first-time commenter is held; a returning one is published at once only
when this browser proves it wrote an approved comment under that email (an
email typed in a form proves nothing); the owner's name or email from a
visitor is always held; too many links hold a comment; a disallowed word
marks it as spam. The flood interval is checked in the database inside the
write transaction, so it holds across every worker.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_comments_xtd.moderation import XtdCommentModerator

from blog.models import Author
from comments import cookies
from comments.models import Comment
from portfolio.models import Profile

LINK_PATTERN = re.compile(r"(https?://|www\.)", re.IGNORECASE)


def comments_close_at(post):
    """When comments on `post` close by themselves, or None if they never do."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if not days or post.published_at is None:
        return None
    return post.published_at + timedelta(days=days)


def why_comments_are_closed(post):
    """Why visitors cannot comment on `post`, in words for the author; "" while they can.

    The one rule of "open": the author's tick, then the age of the post when
    COMMENTS_CLOSE_AFTER_DAYS is set (0, the default, never closes by age: a
    backdated or imported post keeps its comments).
    """
    if not post.is_open_for_comments:
        return gettext("closed by the author")
    close_at = comments_close_at(post)
    if close_at is not None and timezone.now() >= close_at:
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return ngettext(
            "closed automatically: published more than %(days)d day ago",
            "closed automatically: published more than %(days)d days ago",
            days,
        ) % {"days": days}
    return ""


def comments_are_open(post):
    """Open unless the author closed them or the post is older than the setting."""
    return not why_comments_are_closed(post)


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


def folded(name):
    """`name` as a reader compares it: case, accents and spacing ignored."""
    letters = unicodedata.normalize("NFKD", name)
    letters = "".join(char for char in letters if not unicodedata.combining(char))
    return " ".join(letters.casefold().split())


def owner_identities():
    """(folded names, lowercased emails) only the owner may sign a comment with.

    The profile's full name and contact email, the site owner's author name,
    each staff user's names and email, and OWNER_EMAIL.
    """
    names, emails = set(), {settings.OWNER_EMAIL}
    profile = Profile.objects.current()
    if profile is not None:
        names.add(profile.full_name)
        emails.add(profile.contact_email)
    names.update(Author.objects.filter(is_site_owner=True).values_list("name", flat=True))
    for user in get_user_model().objects.filter(is_staff=True):
        names.update((user.get_full_name(), user.get_username()))
        emails.add(user.email)
    return {folded(name) for name in names} - {""}, {email.lower() for email in emails} - {""}


def emails_proven_by(request):
    """Lowercased emails this browser has shown it writes under.

    Proof is a comment of this browser that is visible now: the one its
    `vitrine_approved` cookie names (published at once), or one of its
    pending comments (`vitrine_pending`) that the author has since approved.
    Both cookies are signed and name only comments this browser sent.
    """
    ids = cookies.pending_ids(request)
    approved = cookies.approved_id(request)
    if approved is not None:
        ids.append(approved)
    if not ids:
        return set()
    emails = Comment.objects.visible().filter(pk__in=ids).values_list("user_email", flat=True)
    return {email.lower() for email in emails if email}


def judge(comment, user=None, proven_emails=frozenset()):
    """Decide whether a new comment is published, held, or spam.

    `proven_emails`: emails_proven_by() the request. A returning commenter
    (an approved comment under the same email *and* name) is published at
    once only with that proof, so nobody gets published as somebody else.
    """
    if user is not None and user.is_staff:
        return Verdict(is_public=True)
    word = contains_disallowed_word(
        comment.user_name, comment.user_email, comment.user_url, comment.comment
    )
    if word:
        return Verdict(is_public=False, is_spam=True, reason=f"disallowed word: {word}")
    owner_names, owner_emails = owner_identities()
    if comment.user_email.lower() in owner_emails:
        return Verdict(is_public=False, reason="uses the owner’s email")
    if folded(comment.user_name) in owner_names:
        return Verdict(is_public=False, reason="uses the owner’s name")
    links = len(LINK_PATTERN.findall(comment.comment))
    if links > settings.COMMENTS_MAX_LINKS:
        return Verdict(is_public=False, reason=f"{links} links")
    earlier_names = {
        folded(name)
        for name in Comment.objects.visible()
        .filter(user_email__iexact=comment.user_email)
        .values_list("user_name", flat=True)
    }
    if not earlier_names:
        return Verdict(is_public=False, reason="first comment")
    if comment.user_email.lower() not in proven_emails:
        return Verdict(is_public=False, reason="known email, no proof from this browser")
    if folded(comment.user_name) not in earlier_names:
        return Verdict(is_public=False, reason="new name for this email")
    if not settings.COMMENTS_AUTO_APPROVE_RETURNING:
        return Verdict(is_public=False, reason="returning commenter")
    return Verdict(is_public=True)


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
