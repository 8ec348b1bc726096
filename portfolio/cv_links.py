"""Readings of the tailored CV links: how often and when, nothing about who.

`record(request, link, event)` is the one place a reading is counted (the link's views
call it); first-party statistics can hook in here. Counts and times only: no address,
no cookie, no user agent is stored. Each count is one UPDATE with F() expressions, so
two recruiters opening the link at the same moment both count.
"""

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from portfolio.models import TailoredCV

OPEN = "open"
PDF = "pdf"
DOCX = "docx"


def record(request, link, event):
    """Count one opening of the page (`OPEN`) or one download (`PDF`, `DOCX`) of `link`."""
    if request.method != "GET" or request.user.is_staff:
        # HEAD is a checker, not a reader; the author checking a link is no recruiter.
        return
    now = timezone.now()
    if event == OPEN:
        changes = {
            "open_count": F("open_count") + 1,
            "first_opened_at": Coalesce(F("first_opened_at"), Value(now)),
            "last_opened_at": Value(now),
        }
    elif event in (PDF, DOCX):
        changes = {f"{event}_count": F(f"{event}_count") + 1, f"{event}_last_at": Value(now)}
    else:
        raise ValueError(f"Unknown reading: {event}")
    # update(): no save signal, so neither the profile's date nor the page cache moves.
    TailoredCV.objects.filter(pk=link.pk).update(**changes)
