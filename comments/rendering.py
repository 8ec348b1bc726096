"""A comment thread made ready for one flat template loop (comments/thread.html).

Rendering 300 comments through an inclusion tag per comment, each with its own
`date` filters, `{% url %}` tags and urlize, took ~170 ms of CPU per page view with
the page cache off (docs/performance.md). Here each comment becomes a dict of
ready values, once per render: the template only places them, and the nesting
is drawn by `opens`/`closes` markers instead of a recursive include.

The dates and URLs are formatted by hand because it matters on the uncached
post (300 comments: 167 → 42–50 ms per render, docs/performance.md). For 300
comments, Django's `date` filter costs 33 ms against 0.9 ms here, and
`reverse()` per link 17 ms against 0.1 ms (timeit, 2-core machine at load 8);
tests/test_comments.py checks the output equals the `date` filter's.
"""

import re

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from blog.typography import french_spaces_html, is_french

# What urlize can turn into a link: http(s)://…, www.…, an address with @, or a
# bare domain ending in one of its seven gTLDs (Urlizer.simple_url_2_re).
# Text with none of these is only escaped: the same result, ~25 times faster.
MAYBE_LINK = re.compile(r"://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)


def comment_html(text, language=""):
    """Plain text as typed: HTML escaped, links made clickable, line breaks kept.

    Under a French post (`language`), with French no-break spaces (blog/typography.py).
    """
    if MAYBE_LINK.search(text):
        html = urlize(text, trim_url_limit=60, nofollow=True, autoescape=True)
        html = html.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    else:
        html = escape(text)
    if is_french(language):
        html = french_spaces_html(html)
    return mark_safe(html.replace("\n", "<br>"))  # noqa: S308 - escaped above


def _url_for_id(name):
    """`reverse(name, args=[id])` for many ids: reversed once, then the id put in."""
    marker = "4294967291"
    before, found, after = reverse(name, args=[int(marker)]).partition(marker)
    if not found or marker in after:
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{before}{pk}{after}"


def _date_formatter():
    """The `date` filter's 'Y-m-d\\TH:i:sO' and 'j F Y, H:i', in local time.

    dateformat.format() costs ~20 µs a call, 12 ms for 300 comments' two dates;
    the month names are translated once per render instead.
    """
    months = {number: str(name) for number, name in MONTHS.items()}
    zone = timezone.get_current_timezone()

    def dates(value):
        if value is None:
            return "", ""
        if timezone.is_aware(value):
            value = value.astimezone(zone)
        minutes = int(value.utcoffset().total_seconds() // 60) if value.tzinfo else 0
        sign = "-" if minutes < 0 else "+"
        hours_minutes = f"{value.hour:02d}:{value.minute:02d}"
        iso = (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{hours_minutes}:"
            f"{value.second:02d}{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
        )
        return iso, f"{value.day} {months[value.month]} {value.year:04d}, {hours_minutes}"

    return dates


def thread_items(roots, *, is_open=False, max_level=0, preview=False, language=""):
    """The tree, depth first, as a list of dicts for comments/thread.html.

    `opens`: the comment has replies, so its <li> stays open around an <ol>;
    `closes`: how many reply lists (and their parent's <li>) end after it.
    Reply and report links are left out of a `preview` (the comment shown
    again on the reply, report and preview pages). `language`: the post's, for typography.
    """
    reply_url = _url_for_id("comments:reply")
    report_url = _url_for_id("comments:report")
    dates = _date_formatter()
    to_name = gettext("to %(name)s")  # the reply link's hidden "to Alice", for screen readers
    items = []

    def add(nodes):
        for node in nodes:
            comment = node.comment
            pk = comment.pk
            is_pending = node.is_pending
            is_author = node.is_author
            modifiers = (" comment--pending" if is_pending else "") + (
                " comment--author" if is_author else ""
            )
            has_actions = not is_pending and not preview
            date_iso, date_text = dates(comment.submit_date)
            item = {
                # Strings: the template would localize an int on every use.
                "pk": str(pk),
                "is_saved": pk is not None,  # a preview has no id, so no anchor
                "modifiers": modifiers,
                "avatar_variant": str(node.avatar_variant),
                "initials": node.initials,
                "name": comment.user_name,
                "url": comment.user_url,
                "is_author": is_author,
                "is_pending": is_pending,
                "date_iso": date_iso,
                "date_text": date_text,
                "text": comment_html(comment.comment, language),
                "has_actions": has_actions,
                "reply_url": (
                    reply_url(pk) if has_actions and is_open and comment.level < max_level else ""
                ),
                "report_url": report_url(pk) if has_actions else "",
                "reply_to": mark_safe(to_name % {"name": escape(comment.user_name)}),  # noqa: S308
                "opens": bool(node.children),
                "closes": 0,
            }
            items.append(item)
            if node.children:
                add(node.children)
                items[-1]["closes"] += 1

    add(roots)
    for item in items:
        item["closes"] = range(item["closes"])
    return items
