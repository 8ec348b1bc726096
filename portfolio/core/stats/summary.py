"""The statistics as the dashboard shows them: totals of the last days and a sparkline."""

from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.core.stats.counting import DOWNLOAD, REFERRER, SEARCH, VIEW_METRICS
from portfolio.core.stats.models import DailyCount

DAYS = 30
TOP = 10
# The sparkline's drawing box (SVG user units); the CSS sizes it.
SPARK_WIDTH, SPARK_HEIGHT = 120, 24
# A tailored link's key is its private token: the dashboard shows their sum only.
SUMMED_METRICS = {DailyCount.Metric.TAILORED_CV}
FILE_TYPES = {
    "pdf": _("CV (PDF)"),
    "docx": _("CV (Word)"),
    "json": _("JSON résumé"),
    "vcard": _("Contact card (vCard)"),
}


def with_bars(rows):
    """Each row with `bar`, its share of the list's largest total in percent (an SVG width)."""
    largest = max((row["total"] for row in rows), default=0)
    return [
        {**row, "bar": round(100 * row["total"] / largest, 1) if largest else 0} for row in rows
    ]


def sparkline(daily):
    """SVG polyline points for the daily totals, oldest first, the highest at the top."""
    highest = max(daily, default=0) or 1
    step = SPARK_WIDTH / max(len(daily) - 1, 1)
    return " ".join(
        f"{index * step:.1f},{SPARK_HEIGHT - total * SPARK_HEIGHT / highest:.1f}"
        for index, total in enumerate(daily)
    )


def last_days(days=DAYS):
    """What was read, downloaded and searched in the last `days` days (today included).

    Two queries whatever the traffic: the totals per (metric, key), and the views per day.
    """
    today = timezone.localdate()
    since = today - timedelta(days=days - 1)
    recent = DailyCount.objects.filter(day__gte=since)
    totals = {}
    for row in recent.values("metric", "key").annotate(total=Sum("count")).order_by("-total"):
        metric = row["metric"]
        if metric in SUMMED_METRICS:
            row["key"] = ""
        rows = totals.setdefault(metric, {})
        rows[row["key"]] = rows.get(row["key"], 0) + row["total"]

    def top(metrics, length=TOP):
        rows = [
            {"metric": metric, "key": key, "total": total, "label": FILE_TYPES.get(key, key)}
            for metric in metrics
            for key, total in totals.get(metric, {}).items()
        ]
        rows.sort(key=lambda row: (-row["total"], row["metric"], row["key"]))
        return with_bars(rows[:length])

    by_day = dict(
        recent.filter(metric__in=VIEW_METRICS)
        .values_list("day")
        .annotate(total=Sum("count"))
        .order_by("day")
    )
    daily = [by_day.get(since + timedelta(days=offset), 0) for offset in range(days)]
    return {
        "days": days,
        "views": sum(daily),
        "daily": daily,
        "sparkline": sparkline(daily),
        "spark_width": SPARK_WIDTH,
        "spark_height": SPARK_HEIGHT,
        "lists": [
            (_("Most read"), top(VIEW_METRICS), _("No view yet.")),
            (_("Downloads"), top([DOWNLOAD]), _("No download yet.")),
            (_("Referring sites"), top([REFERRER]), _("No other site has sent visitors yet.")),
            (_("Searches"), top([SEARCH]), _("Nobody has searched the site yet.")),
        ],
    }
