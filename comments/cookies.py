"""The two cookies the comments set, both signed and read only by the server.

- `vitrine_pending`: ids of the comments this browser sent that await
  moderation, so the visitor sees them marked as such (nobody else does).
- `vitrine_commenter`: name, email and website, only when the visitor ticks
  "remember me"; the form is prefilled from it.
- `vitrine_approved`: the id of this browser's latest comment published at
  once, the proof that lets its email skip moderation next time
  (comments.moderation.emails_proven_by). Sent only with comment posts (its
  path), so it neither travels with every page nor keeps pages out of the cache.
"""

import json

from django.conf import settings
from django.core import signing

PENDING_COOKIE = "vitrine_pending"
COMMENTER_COOKIE = "vitrine_commenter"
APPROVED_COOKIE = "vitrine_approved"
PERSONAL_COOKIES = (PENDING_COOKIE, COMMENTER_COOKIE)
PENDING_MAX_IDS = 20
PENDING_MAX_AGE = 60 * 60 * 24 * 30
COMMENTER_MAX_AGE = 60 * 60 * 24 * 365
APPROVED_MAX_AGE = 60 * 60 * 24 * 365


def _set(response, name, value, max_age, path="/"):
    response.set_signed_cookie(
        name,
        value,
        salt=f"comments.{name}",
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def _get(request, name):
    try:
        return request.get_signed_cookie(name, salt=f"comments.{name}")
    except (KeyError, signing.BadSignature):
        return None


def pending_ids(request):
    """The ids of this browser's comments awaiting moderation (empty when none)."""
    raw = _get(request, PENDING_COOKIE) or ""
    return [int(part) for part in raw.split(",") if part.isdigit()][-PENDING_MAX_IDS:]


def add_pending(request, response, comment_id):
    ids = [pk for pk in pending_ids(request) if pk != comment_id]
    ids = [*ids, comment_id][-PENDING_MAX_IDS:]
    _set(response, PENDING_COOKIE, ",".join(map(str, ids)), PENDING_MAX_AGE)


def remembered_commenter(request):
    """{"name", "email", "url"} from the remember-me cookie, or None."""
    raw = _get(request, COMMENTER_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {key: str(data.get(key, ""))[:200] for key in ("name", "email", "url")}


def remember_commenter(response, name, email, url):
    value = json.dumps({"name": name, "email": email, "url": url})
    _set(response, COMMENTER_COOKIE, value, COMMENTER_MAX_AGE)


def forget_commenter(response):
    response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")


def approved_id(request):
    """The id in this browser's `vitrine_approved` cookie, or None."""
    raw = _get(request, APPROVED_COOKIE) or ""
    return int(raw) if raw.isdigit() else None


def set_approved(response, comment_id, post_url):
    """Remember in this browser that comment `comment_id`, its own, was published.

    `post_url` is where the comment form posts (one per language).
    """
    _set(response, APPROVED_COOKIE, str(comment_id), APPROVED_MAX_AGE, path=post_url)
