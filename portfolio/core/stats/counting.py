"""Counting views, downloads, referring sites and searches, cheaply enough for cached hits.

`CountingMiddleware` sits right before the page cache, so it sees every response, hits
included, with its final status. What a response counts as comes from its URL name,
which the apps declare from their `ready()`:

    counting.count_views("blog:post_detail", "post", argument="slug")

A view the page cache never stores (a tailored CV's link) may say it itself:
`counting.count_as(response, metric, key)`; a cached hit knows only its URL.

Counted: GET requests answered 200 to a visitor who is neither a known robot (by user
agent, `ROBOT_AGENTS`) nor staff. A count is one increment of an in-process buffer under
a lock; the buffer goes to the database (one upsert per counter) at most every
STATS_FLUSH_SECONDS, on the request that finds it due, and when the worker stops.
Nothing here can fail a page: if the database refuses, those counts are lost and
logged.
"""

import logging
import re
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import get_language_from_path

logger = logging.getLogger(__name__)

# Metrics (stats.models.DailyCount.Metric: this module is loaded before the models).
VIEW_METRICS = ("profile", "post", "page", "cv_link")
DOWNLOAD = "download"
REFERRER = "referrer"
SEARCH = "search"

# Robots, scripts, link previews, monitoring and audits. Headless Chrome too: people do
# not browse with it, scrapers and our own browser tests do (they are not visitors).
ROBOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|curl|wget|python|httpx|aiohttp|go-http-client|java/|okhttp|"
    r"libwww|headless|lighthouse|pagespeed|pingdom|uptime|monitor|statuscake|"
    r"facebookexternalhit|embedly|preview|scrap|fetch|http-client|axios",
    re.IGNORECASE,
)
SEARCH_TERM_LENGTH = 100
KEY_LENGTH = 255
# How many hits a buffer holds before it is flushed, whatever the time.
FLUSH_AFTER_HITS = 10_000
# How many URLs each worker remembers the meaning of (the URL resolver is slower than a hit).
KNOWN_PATHS = 5_000
KNOWN_AGENTS = 1_000

# URL name -> (metric, key): the apps' declarations (count_views()).
_counted_urls = {}


def count_views(url_name, metric, key="", argument=None):
    """Count each view of the URL named `url_name` (`namespace:name`) under `metric`.

    Which one is the URL's `argument` ("slug"), else `key`: a fixed string, or a function
    `key(request, kwargs)` returning the key or None (then the view is not counted).
    """
    _counted_urls[url_name] = (metric, key, argument)


def count_as(response, metric, key=""):
    """Say from a view what `response` counts as (instead of its URL's declaration)."""
    response.counted_as = (metric, key)
    return response


def search_term(request, kwargs):
    """What a visitor typed in the search, lowercased, spaces collapsed, capped; None if empty."""
    term = " ".join(request.GET.get("q", "").lower().split())[:SEARCH_TERM_LENGTH]
    return term or None


# Buffer ---------------------------------------------------------------------------


class Buffer:
    """Counts not yet in the database, shared by the threads of one worker."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.hits = 0
        self.next_flush_at = 0.0
        self.purged_on = None

    def add(self, counters, now):
        """Count each (day, metric, key) once; True when the buffer should be flushed."""
        with self.lock:
            for counter in counters:
                self.counts[counter] += 1
            self.hits += 1
            return now >= self.next_flush_at or self.hits >= FLUSH_AFTER_HITS

    def take(self, now):
        with self.lock:
            counts, self.counts, self.hits = self.counts, Counter(), 0
            self.next_flush_at = now + settings.STATS_FLUSH_SECONDS
            return counts


_buffer = Buffer()


def flush():
    """Write the buffered counts to the database (and purge old ones once a day)."""
    now = time.time()
    counts = _buffer.take(now)
    if not counts:
        return
    today = _today(now)
    try:
        with transaction.atomic():
            write(counts)
            if _buffer.purged_on != today:
                purge(today)
                _buffer.purged_on = today
    except Exception:
        logger.exception("Statistics: %d counts lost, the database refused them", len(counts))


def write(counts):
    """Add `counts` ({(day, metric, key): n}) to the stored ones, atomically, in one upsert each."""
    model = apps.get_model("stats", "DailyCount")
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    day, metric, key, count = (quote(name) for name in ("day", "metric", "key", "count"))
    # Django's bulk_create(update_conflicts=True) would replace the count, not add to it.
    # ON CONFLICT … DO UPDATE: SQLite 3.24+ and PostgreSQL 9.5+ alike.
    sql = (
        f"INSERT INTO {table} ({day}, {metric}, {key}, {count}) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT ({day}, {metric}, {key}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    rows = [
        (connection.ops.adapt_datefield_value(on), what, which, n)
        for (on, what, which), n in sorted(counts.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def purge(today):
    """Delete the counts older than STATS_RETENTION_DAYS; how many rows went."""
    model = apps.get_model("stats", "DailyCount")
    oldest = today - timedelta(days=settings.STATS_RETENTION_DAYS - 1)
    deleted, _by_model = model.objects.filter(day__lt=oldest).delete()
    return deleted


_day = (0.0, 0.0, None)  # (starts at, ends at, local date)


def _today(now):
    """The site's local date at `now` (a timestamp), recomputed only when the day changes."""
    global _day
    starts_at, ends_at, day = _day
    if not starts_at <= now < ends_at:
        local = datetime.fromtimestamp(now, tz=timezone.get_current_timezone())
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        day = midnight.date()
        # Wall-clock arithmetic (zoneinfo): the next midnight, 23 or 25 hours away on DST days.
        tomorrow = midnight + timedelta(days=1)
        _day = (midnight.timestamp(), tomorrow.timestamp(), day)
    return day


# Rules ----------------------------------------------------------------------------


_known_agents = {}


def is_robot(user_agent):
    """A known robot, script or audit by its user agent (no user agent: a script)."""
    found = _known_agents.get(user_agent)
    if found is None:
        found = not user_agent or ROBOT_AGENTS.search(user_agent) is not None
        if len(_known_agents) >= KNOWN_AGENTS:
            _known_agents.clear()
        _known_agents[user_agent] = found
    return found


_own_hosts = (None, frozenset())


def referring_site(request):
    """The domain of the site that linked here (no path, no query), or None for ours or none."""
    global _own_hosts
    referer = request.META.get("HTTP_REFERER")
    if not referer:
        return None
    try:
        parts = urlsplit(referer)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    site_url, own = _own_hosts
    if site_url != settings.SITE_URL:
        own = frozenset({urlsplit(settings.SITE_URL).hostname or ""})
        _own_hosts = (settings.SITE_URL, own)
    request_host = request.META.get("HTTP_HOST", "").rsplit(":", 1)[0].lower()
    if host in own or host == request_host:
        return None
    return host[:KEY_LENGTH]


_known_paths = {}


def declared_metric(request):
    """(metric, key declaration) of the URL this request asked for, or None."""
    match = getattr(request, "resolver_match", None)
    path = request.path_info
    if match is None:
        # A cached hit: no URL was resolved. Once per path and worker.
        found = _known_paths.get(path, False)
        if found is not False:
            return found
        try:
            language = get_language_from_path(path) or settings.LANGUAGE_CODE
            with translation.override(language):
                match = resolve(path)
        except Resolver404:
            return None
    declared = _counted_urls.get(match.view_name)
    found = None
    if declared is not None:
        metric, key, argument = declared
        if argument is not None:
            found = (metric, str(match.kwargs.get(argument, "")), None)
        elif callable(key):
            found = (metric, key, match.kwargs)
        else:
            found = (metric, key, None)
    if len(_known_paths) >= KNOWN_PATHS:
        _known_paths.clear()
    _known_paths[path] = found
    return found


def counters_for(request, response, day):
    """The (day, metric, key) counters this response adds one to, or ()."""
    counted_as = getattr(response, "counted_as", None)
    if counted_as is None:
        declared = declared_metric(request)
        if declared is None:
            return ()
        metric, key, kwargs = declared
        if kwargs is not None:
            key = key(request, kwargs)
            if key is None:
                return ()
        counted_as = (metric, key)
    metric, key = counted_as
    counters = [(day, metric, str(key)[:KEY_LENGTH])]
    site = referring_site(request)
    if site:
        counters.append((day, REFERRER, site))
    return counters


def is_staff(request):
    # Only a session can belong to staff; a visitor has none, and then nothing is read.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_staff)


class CountingMiddleware:
    """Count the views and downloads it sees (right before the page cache: hits too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 200
            and request.method == "GET"
            and settings.STATS_ENABLED
            and not is_robot(request.META.get("HTTP_USER_AGENT", ""))
        ):
            try:
                self.count(request, response)
            except Exception:
                logger.exception("Statistics: a view of %s not counted", request.path)
        return response

    @staticmethod
    def count(request, response):
        now = time.time()
        counters = counters_for(request, response, _today(now))
        if counters and not is_staff(request) and _buffer.add(counters, now):
            flush()
