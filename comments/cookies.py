"""The two cookies the comments set, both signed and read only by the server.

- `vitrine_pending`: ids of the comments this browser sent that await
  moderation, so the visitor sees them marked as such (nobody else does).
- `vitrine_commenter`: name, email and website, only when the visitor ticks
  "remember me"; the form is prefilled from it.
"""

import json

from django.conf import settings
from django.core import signing

PENDING_COOKIE = "vitrine_pending"
COMMENTER_COOKIE = "vitrine_commenter"
PERSONAL_COOKIES = (PENDING_COOKIE, COMMENTER_COOKIE)
PENDING_MAX_IDS = 20
PENDING_MAX_AGE = 60 * 60 * 24 * 30
COMMENTER_MAX_AGE = 60 * 60 * 24 * 365


def _set(response, name, value, max_age):
    response.set_signed_cookie(
        name,
        value,
        salt=f"comments.{name}",
        max_age=max_age,
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
    ids = [*pending_ids(request), comment_id][-PENDING_MAX_IDS:]
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
