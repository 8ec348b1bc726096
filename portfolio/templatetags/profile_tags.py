"""Small formatting helpers of the profile page, CV and home card."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from portfolio.core import site_url
from portfolio.models import Profile

register = template.Library()


@register.filter
def absolute(url):
    """The URL as a page outside the site needs it: media on a bucket are already absolute."""
    return site_url.absolute(url)


@register.filter
def duration(position):
    """“2 yrs 3 mos” from start to end (or today), counting both the first and last month."""
    end = position.end_date or timezone.localdate()
    months = (end.year - position.start_date.year) * 12 + end.month - position.start_date.month + 1
    years, months = divmod(max(months, 1), 12)
    parts = []
    if years:
        parts.append(ngettext("%(count)d yr", "%(count)d yrs", years) % {"count": years})
    if months:
        parts.append(ngettext("%(count)d mo", "%(count)d mos", months) % {"count": months})
    return " ".join(parts)


@register.simple_tag
def availability_label(profile):
    """One short phrase a recruiter reads first: can this person start?"""
    if profile.availability == Profile.Availability.AVAILABLE_FROM and profile.available_from:
        if profile.available_from <= timezone.localdate():
            return gettext("Available now")
        return gettext("Available from %(date)s") % {
            "date": date_format(profile.available_from, "DATE_FORMAT")
        }
    labels = {
        Profile.Availability.AVAILABLE: gettext("Available now"),
        Profile.Availability.AVAILABLE_FROM: gettext("Available soon"),
        Profile.Availability.ON_MISSION: gettext("On a mission"),
        Profile.Availability.NOT_LOOKING: gettext("Not looking for a mission"),
    }
    return labels[profile.availability]


@register.simple_tag
def availability_details(profile):
    """Work mode, days per week and the note, joined: “Remote or hybrid · 4 days a week”."""
    parts = []
    if profile.work_mode:
        parts.append(profile.get_work_mode_display())
    if profile.days_per_week:
        parts.append(
            ngettext("%(days)d day a week", "%(days)d days a week", profile.days_per_week)
            % {"days": profile.days_per_week}
        )
    if profile.availability_note:
        parts.append(profile.availability_note)
    return " · ".join(parts)
