"""What the site writes itself at the top of a legal notice or a privacy notice.

A French professional site must publish both (LCEN art. 6, GDPR art. 13). The facts
are read at render time, from the profile, the page's host fields and the settings,
and the cookies come from the apps that set them (`declare_cookie()` in their
`ready()`), so a notice can never drift from what the site really does.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog.models import Page
from portfolio.models import Profile

DAY = 60 * 60 * 24


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    max_age: int | None  # seconds; None: until the browser closes


_declared_cookies = {}


def declare_cookie(name, purpose, max_age):
    """Apps call this from `ready()` for each cookie they set: the privacy notice lists it."""
    _declared_cookies[name] = Cookie(name, purpose, max_age)


def cookies():
    """Every cookie the site may set, with its purpose and lifetime."""
    framework = [
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _("Protects the forms (comments, contact) against requests forged by other sites."),
            None if settings.CSRF_USE_SESSIONS else settings.CSRF_COOKIE_AGE,
        ),
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("Keeps the site’s author signed in to the administration; visitors never get it."),
            None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE,
        ),
    ]
    return [*_declared_cookies.values(), *framework]


def lifetime(seconds):
    """ "12 hours", "30 days", "1 year": how long a cookie or a record is kept."""
    if seconds is None:
        return _("until the browser is closed")
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if seconds < DAY:
        hours = max(1, round(seconds / 3600))
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = round(seconds / DAY)
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def for_page(page):
    """The generated section of `page` as (template name, context), or None for an ordinary page."""
    if page.kind == Page.Kind.LEGAL_NOTICE:
        return "blog/notices/legal_notice.html", legal_notice(page)
    if page.kind == Page.Kind.PRIVACY_NOTICE:
        return "blog/notices/privacy_notice.html", privacy_notice()
    return None


def _publisher():
    profile = Profile.objects.current()
    return profile, (profile.full_name if profile else settings.SITE_NAME)


def legal_notice(page):
    """LCEN art. 6: who publishes the site and who hosts it."""
    profile, name = _publisher()
    email = profile.contact_email if profile and page.is_email_shown else ""
    return {
        "publisher": name,
        "address": page.publisher_address or (profile.location if profile else ""),
        "phone": page.publisher_phone,
        "registration": page.publisher_registration,
        "email": email,
        "director": page.publication_director or name,
        "host_name": page.host_name,
        "host_address": page.host_address,
        "host_phone": page.host_phone,
        "site_url": settings.SITE_URL,
    }


def privacy_notice():
    """GDPR art. 13: what the site stores about visitors, why, for how long, and their rights."""
    _profile, name = _publisher()
    return {
        "controller": name,
        "ip_days": settings.COMMENTS_IP_RETENTION_DAYS,
        "contact_limit": settings.CONTACT_RATE_LIMIT,
        "contact_window": lifetime(settings.CONTACT_RATE_WINDOW),
        "cookies": [(cookie, lifetime(cookie.max_age)) for cookie in cookies()],
        # What portfolio/core/stats/ counts, and how long its daily totals stay.
        "statistics": settings.STATS_ENABLED,
        "statistics_kept": lifetime(settings.STATS_RETENTION_DAYS * DAY),
    }
