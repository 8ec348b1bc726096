"""The anonymous page cache: whole responses for visitors, shared by every worker, always fresh.

Rules (docs/performance.md explains them):

- Only GET/HEAD requests without a session cookie (a likely author), without the messages
  cookie or a visitor-specific `vitrine_*` cookie, outside the admin, the health check,
  media and previews, with no query parameter other than `page`, `q` and `p`.
- Only the query a page declares it shows, with the value it shows (`cache_under_query`):
  `page=2` on a list that has a page 2, `q` on the search, `p=2` on a section sitemap that
  has a page 2; `/?q=…`, `?page=abc` or a page past the last are served but never
  stored, so strangers cannot fill the cache.
- Only 200 responses that set no cookie, are not marked private/no-cache/no-store, and
  did not touch the session or add a message.
- One cache entry per URL (the language is in the URL). Each entry carries the
  *generation* it was rendered under; any model saved or deleted (except the exclusion
  list) replaces the generation, so the next request from any worker renders afresh.
  The generation is read *before* rendering: a page rendered while data changed is
  stored under the old generation and never served.
- The deploy version (a hash of the code, templates, catalogs, static manifest and a few
  settings, taken at process start) is part of the key: a deploy never serves old pages.
- An entry never outlives the next scheduled publication, nor PAGE_CACHE_SECONDS.
- CSRF tokens are cut out of the stored body and each visitor gets their own on a hit, so
  pages with forms stay cacheable and every visitor can post.
"""

import hashlib
import logging
import math
import os
import pickle
import re
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import django
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, CsrfViewMiddleware
from django.utils.cache import cc_delim_re, get_conditional_response
from django.utils.module_loading import import_string

from portfolio.core.private_apis import csrf_secret, csrf_token_secret, get_token_fast

logger = logging.getLogger(__name__)

GENERATION_KEY = "page_cache:generation"
# `p` is the page number of Django's sitemap pagination (/sitemap-posts.xml?p=2).
ALLOWED_QUERY_PARAMETERS = frozenset({"page", "q", "p"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Models whose changes never show on a public page (`app_label` or `app_label.Model`).
# Everything else invalidates: forgetting a model here costs a little speed, forgetting
# one in an allow-list would cost a stale page.
DEFAULT_IGNORED_MODELS = (
    "sessions",
    "admin",
    "contenttypes",
    "axes",
    "auth.Permission",
)
# Settings that change what pages show without a code change (read from the environment).
VERSIONED_SETTINGS = (
    "SITE_NAME",
    "SITE_URL",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "STATIC_URL",
    "MEDIA_URL",
    "ADMIN_PATH",
    "DEBUG",
    # Stated on the privacy notice (blog/notices.py): a new value must show at once.
    "COMMENTS_IP_RETENTION_DAYS",
    "CONTACT_RATE_LIMIT",
    "CONTACT_RATE_WINDOW",
    "SESSION_COOKIE_AGE",
    "STATS_ENABLED",
    "STATS_RETENTION_DAYS",
)
# Browsers keep the page but ask each time; an unchanged page costs a 304.
BROWSER_CACHE_CONTROL = "no-cache"
CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".mo", ".json", ".svg"}
CSRF_TOKEN_CANDIDATE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
MESSAGES_COOKIE = "messages"
VISITOR_COOKIE_PREFIX = "vitrine_"

_deploy_version = None
_excluded_paths = None
_stores = {}
# Hooks the apps register from their ready(): see ignore_changes_to() and expire_before().
_ignored_models = set()
_next_change_hooks = []


def cache_alias():
    return getattr(settings, "PAGE_CACHE_ALIAS", "default")


def page_cache():
    return caches[cache_alias()]


def cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


# Invalidation -----------------------------------------------------------------


def invalidate_pages():
    """Make every cached page stale, for every worker and machine sharing the cache."""
    try:
        store().set_generation(uuid.uuid4().hex)
    except Exception:
        logger.exception("Page cache: could not replace the generation")


class CommitInvalidation:
    """One invalidation for all the changes a transaction commits, however many rows."""

    def __init__(self):
        self.done = False

    def __call__(self):
        if not self.done:
            self.done = True
            invalidate_pages()


# The invalidation each database connection's current transaction will run at commit.
_commit_invalidations = weakref.WeakKeyDictionary()


def invalidate_pages_when_committed(using=DEFAULT_DB_ALIAS):
    """Invalidate for a change made on this connection, when other requests can see it.

    Inside a transaction that is at commit: an earlier invalidation would let a request
    that read the old data meanwhile store it under the new generation. Every change
    registers the transaction's one CommitInvalidation, which writes to the cache once:
    a callback per change rather than one per transaction, because a rolled-back
    savepoint drops the callbacks registered inside it. (Tests that read a page inside
    their own transaction run the callbacks: `django_capture_on_commit_callbacks`.)
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        invalidate_pages()
        return
    invalidation = _commit_invalidations.get(connection)
    if invalidation is None or invalidation.done:
        invalidation = _commit_invalidations[connection] = CommitInvalidation()
    transaction.on_commit(invalidation, using=using)


def ignore_changes_to(model):
    """Saving or deleting rows of `model` leaves every page as it was (an app's ready() says so)."""
    _ignored_models.add(model._meta.label)


def expire_before(next_change):
    """Register `next_change(since)`: when pages next change by themselves after `since`, or None.

    The blog registers its next scheduled publication, so that a page stored now expires
    when that post appears, with no job to run.
    """
    _next_change_hooks.append(next_change)


def _is_ignored(model):
    ignored = getattr(settings, "PAGE_CACHE_IGNORED_MODELS", DEFAULT_IGNORED_MODELS)
    meta = model._meta
    return meta.app_label in ignored or meta.label in ignored or meta.label in _ignored_models


def invalidate_pages_on_model_change(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # m2m_changed says pre_add/post_add…: the change is done only at post_*.
    if not kwargs.get("action", "post_").startswith("post_") or _is_ignored(sender):
        return
    invalidate_pages_when_committed(using)


def invalidate_pages_on_setting_change(setting, **kwargs):
    global _excluded_paths
    _excluded_paths = None
    _stores.clear()
    invalidate_pages()


def connect_signals():
    """Called from CoreConfig.ready(): every model change invalidates the pages."""
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(invalidate_pages_on_model_change, dispatch_uid=f"page_cache_{name}")
    setting_changed.connect(invalidate_pages_on_setting_change, dispatch_uid="page_cache_settings")


# Keys --------------------------------------------------------------------------


def deploy_version():
    """A hash of what a deploy changes: code, templates, catalogs, static manifest, settings.

    Content, not modification times, so machines running the same release share entries.
    """
    global _deploy_version
    if _deploy_version is None:
        digest = hashlib.blake2b(digest_size=8)
        digest.update(django.get_version().encode())
        for name in VERSIONED_SETTINGS:
            digest.update(f"{name}={getattr(settings, name, '')!r};".encode())
        base = Path(settings.BASE_DIR)
        roots = [base / name for name in ("portfolio", "blog", "comments", "templates", "locale")]
        files = [
            path
            for root in roots
            if root.is_dir()
            for path in root.rglob("*")
            if path.suffix in CODE_SUFFIXES and path.is_file()
        ]
        files.append(Path(settings.STATIC_ROOT) / "staticfiles.json")
        for path in sorted(files):
            try:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
            except (OSError, ValueError):
                continue
        _deploy_version = digest.hexdigest()
    return _deploy_version


def entry_key(request):
    # Parameters sorted: `?q=a&page=2` and `?page=2&q=a` are one page.
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"page_cache:{deploy_version()}:{digest}"


def excluded_paths():
    global _excluded_paths
    if _excluded_paths is None:
        patterns = getattr(settings, "PAGE_CACHE_EXCLUDED_PATHS", None)
        if patterns is None:
            patterns = [
                rf"^/{re.escape(settings.ADMIN_PATH)}/",
                r"^/healthz",
                rf"^/{re.escape(settings.MEDIA_URL.strip('/'))}/",
                r"/preview/",
            ]
        _excluded_paths = re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
    return _excluded_paths


# Storage -----------------------------------------------------------------------


class CacheStore:
    """The generation and the entries in any Django cache, through its public API."""

    def generation(self):
        return page_cache().get(GENERATION_KEY)

    def generation_and_entry(self, key):
        return self.generation(), self.entry(key)

    def entry(self, key):
        return page_cache().get(key)

    def set_generation(self, generation):
        page_cache().set(GENERATION_KEY, generation, None)

    def add_generation(self, generation):
        page_cache().add(GENERATION_KEY, generation, None)

    def set_entry(self, key, entry, timeout):
        page_cache().set(key, entry, timeout)


class RedisStore:
    """The same on Redis, with redis-py clients of our own: a hit is one round trip.

    Django's Redis backend builds a new client for every call (a third of a hit's time)
    and would read the generation and the entry in two trips; this reads them with one
    MGET. The keys are the cache's own (`make_key`), so `cache.clear()` empties them too;
    the values are written and read only here. Django writes to the first server of
    LOCATION and reads from the others: this reads from the first as well, so an
    invalidation is seen at once.

    Each thread has its own client holding one connection (`single_connection_client`):
    taking a connection from the pool and giving it back cost more CPU than the command
    itself (a GET was 120 µs of CPU through the pool, 60 µs on a held connection).
    """

    def __init__(self, cache, params):
        location = params["LOCATION"]
        servers = re.split("[;,]", location) if isinstance(location, str) else list(location)
        options = {
            name: import_string(value)
            if name.endswith("_class") and isinstance(value, str)
            else value
            for name, value in params.get("OPTIONS", {}).items()
            if name != "serializer"
        }
        pool_class = options.pop("pool_class", redis.ConnectionPool)
        self.pool = pool_class.from_url(servers[0], **options)
        self.clients = threading.local()
        self.make_key = cache.make_key
        self.generation_key = cache.make_key(GENERATION_KEY)

    @property
    def client(self):
        # Per process too: a forked worker must not share its parent's socket.
        client, pid = getattr(self.clients, "client", None), os.getpid()
        if client is None or self.clients.pid != pid:
            self.clients.pid = pid
            client = self.clients.client = redis.Redis(
                connection_pool=self.pool, single_connection_client=True
            )
        return client

    def generation(self):
        value = self.client.get(self.generation_key)
        return None if value is None else value.decode()

    def generation_and_entry(self, key):
        generation, entry = self.client.mget(self.generation_key, self.make_key(key))
        return (
            None if generation is None else generation.decode(),
            None if entry is None else pickle.loads(entry),
        )

    def entry(self, key):
        value = self.client.get(self.make_key(key))
        return None if value is None else pickle.loads(value)

    def set_generation(self, generation):
        self.client.set(self.generation_key, generation)

    def add_generation(self, generation):
        self.client.set(self.generation_key, generation, nx=True)

    def set_entry(self, key, entry, timeout):
        self.client.set(
            self.make_key(key), pickle.dumps(entry, pickle.HIGHEST_PROTOCOL), ex=timeout
        )


def store():
    """The page cache's storage for the configured cache, one per process (clients are thread-safe)."""
    alias = cache_alias()
    found = _stores.get(alias)
    if found is None:
        cache = caches[alias]
        if isinstance(cache, RedisCache):
            found = RedisStore(cache, settings.CACHES[alias])
        else:
            found = CacheStore()
        _stores[alias] = found
    return found


# Rules -------------------------------------------------------------------------


def request_is_cacheable(request):
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if (
        settings.SESSION_COOKIE_NAME in cookies
        or MESSAGES_COOKIE in cookies
        or any(name.startswith(VISITOR_COOKIE_PREFIX) for name in cookies)
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return False
    if not ALLOWED_QUERY_PARAMETERS.issuperset(request.GET.keys()):
        return False
    return not excluded_paths().search(request.path_info)


def cache_under_query(response, **shown):
    """Declare the query parameters `response` shows, with their canonical values.

    A list passes its page number, the search its cleaned query. The page is stored only
    when the request's query is exactly these values (a parameter left out is fine), so
    `?page=abc`, `?page=02`, a page past the last or any other parameter make no entry.
    """
    response.page_cache_query = {
        name: str(value) for name, value in shown.items() if value is not None
    }
    return response


def query_is_the_one_shown(request, response):
    shown = getattr(response, "page_cache_query", {})
    return all(
        len(values) == 1 and shown.get(name) == values[0] for name, values in request.GET.lists()
    )


def response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming:
        return False
    if getattr(response, "page_cache_exempt", False):
        return False
    if not query_is_the_one_shown(request, response):
        return False
    cache_control = {
        directive.split("=", 1)[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if cache_control & {"private", "no-cache", "no-store"}:
        return False
    if "*" in response.get("Vary", ""):
        return False
    # Cookies set by the page (a new session, a message) make it personal. The CSRF
    # cookie is handed to each visitor on a hit.
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return False
    return len(response.content) <= getattr(settings, "PAGE_CACHE_MAX_BYTES", 2_000_000)


def next_change(since):
    """The earliest time after `since` at which a registered hook says pages change, or None."""
    times = [time for hook in _next_change_hooks if (time := hook(since)) is not None]
    return min(times, default=None)


def split_csrf_tokens(request, body):
    """Cut this visitor's CSRF tokens out of the body: the parts to join with another's."""
    secret = csrf_secret(request)
    if not secret:
        return [body]
    parts, start = [], 0
    for match in CSRF_TOKEN_CANDIDATE.finditer(body):
        if csrf_token_secret(match.group().decode()) == secret:
            parts.append(body[start : match.start()])
            start = match.end()
    parts.append(body[start:])
    return parts


def etag_for(entry, request):
    if len(entry["parts"]) == 1:
        return f'"{entry["digest"]}"'
    # Pages with a form: the visitor's own CSRF secret is part of the representation.
    secret = csrf_secret(request) or ""
    digest = hashlib.blake2b(f"{entry['digest']}:{secret}".encode(), digest_size=12)
    return f'"{digest.hexdigest()}"'


# Middleware ----------------------------------------------------------------------


class LocalCopies:
    """Each worker's copies of recent entries, so a hit skips reading and unpickling them.

    Always checked against the shared generation: a copy is only a faster read of an
    entry, never a reason to serve a page the shared cache would not.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.entries = OrderedDict()
        self.size = 0
        # gunicorn's threaded workers share one middleware instance.
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        size = sum(len(part) for part in entry["parts"])
        with self.lock:
            previous = self.entries.pop(key, None)
            if previous is not None:
                self.size -= sum(len(part) for part in previous["parts"])
            if size > self.max_bytes:
                return
            self.entries[key] = entry
            self.size += size
            while self.size > self.max_bytes:
                _key, oldest = self.entries.popitem(last=False)
                self.size -= sum(len(part) for part in oldest["parts"])


class PageCacheMiddleware:
    """Serve and store whole pages for anonymous visitors (see the module docstring).

    Placed right after WhiteNoise: a hit skips every other middleware, so what is stored
    is the response as those middleware finished it (security headers, CSP, language),
    less its cookies. Pages with a form get this visitor's CSRF token and cookie from
    Django's own CsrfViewMiddleware, called here.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        # 16 MB: the busiest hundred pages of a large site; with 32 MB a worker passed
        # 150 MB of memory after the 10,000-post benchmark (bench/run --scale large).
        self.local = LocalCopies(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 16_000_000))

    def __call__(self, request):
        if cache_seconds() <= 0:
            return self.get_response(request)
        if not request_is_cacheable(request):
            response = self.get_response(request)
            if request.method in UNSAFE_METHODS and excluded_paths().search(request.path_info):
                # Admin actions may update rows in bulk, which sends no model signal.
                invalidate_pages_when_committed()
            response.headers.setdefault("X-Cache", "BYPASS")
            return response

        started_at = time.time()
        key = entry_key(request)
        try:
            generation, entry = self.lookup(key, started_at)
        except Exception:
            logger.exception("Page cache: unavailable, serving without it")
            return self.get_response(request)
        if self.is_valid(entry, generation, started_at):
            return self.respond_from(entry, request)

        response = self.get_response(request)
        if response_is_cacheable(request, response):
            entry = self.store(request, response, key, generation, started_at)
            if entry is not None:
                response["X-Cache"] = "MISS"
                return self.finish(entry, request, response)
        response.headers.setdefault("X-Cache", "BYPASS")
        return response

    def lookup(self, key, now):
        """The current generation, and the entry for `key` (this worker's copy if still valid)."""
        shared = store()
        entry = self.local.get(key)
        if entry is not None and entry["expires_at"] > now:
            # The usual hit: only the generation travels.
            generation = shared.generation()
            if generation == entry["generation"]:
                return generation, entry
            entry = shared.entry(key)
        else:
            generation, entry = shared.generation_and_entry(key)
        if generation is None:
            # Missing (first start, cleared or evicted): a new random one, so that no
            # entry stored before can match it.
            shared.add_generation(uuid.uuid4().hex)
            return shared.generation(), None
        if self.is_valid(entry, generation, now):
            self.local.put(key, entry)
        return generation, entry

    @staticmethod
    def is_valid(entry, generation, now):
        return (
            entry is not None
            and generation is not None
            and entry["generation"] == generation
            and entry["expires_at"] > now
        )

    def store(self, request, response, key, generation, started_at):
        timeout = cache_seconds()
        # Compared with the request's start: a post published while the page rendered
        # is still ahead of it, and the entry expires when it appears.
        change = next_change(since=datetime.fromtimestamp(started_at, tz=UTC))
        if change is not None:
            timeout = min(timeout, math.floor(change.timestamp() - started_at))
        if timeout <= 0:
            return None
        parts = split_csrf_tokens(request, response.content)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("set-cookie", "content-length", "x-cache", "etag")
        ]
        digest = hashlib.blake2b(b"\0".join(parts), digest_size=12)
        digest.update(repr(headers).encode())
        entry = {
            "generation": generation,
            "expires_at": started_at + timeout,
            "parts": parts,
            "digest": digest.hexdigest(),
        }
        entry["headers"] = hit_headers(entry, headers)
        try:
            store().set_entry(key, entry, timeout)
        except Exception:
            logger.exception("Page cache: could not store %s", request.path)
            return None
        self.local.put(key, entry)
        return entry

    def respond_from(self, entry, request):
        """The stored page with its headers as made at store time; a form gets its visitor's token."""
        parts = entry["parts"]
        if len(parts) == 1:
            response = HttpResponse(parts[0], headers=entry["headers"])
        else:
            # This visitor's own token and CSRF cookie: Django's middleware reads the
            # cookie and sets it on the way out; the token is get_token()'s, made cheaper.
            self.csrf.process_request(request)
            token = get_token_fast(request).encode()
            response = HttpResponse(token.join(parts), headers=entry["headers"])
            response["ETag"] = etag_for(entry, request)
            response = self.csrf.process_response(request, response)
        return conditional(request, response)

    def finish(self, entry, request, response):
        response["ETag"] = etag_for(entry, request)
        response.headers.setdefault("Cache-Control", BROWSER_CACHE_CONTROL)
        return conditional(request, response)


def conditional(request, response):
    if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MATCH" in request.META:
        return get_conditional_response(request, etag=response["ETag"], response=response)
    return response


def hit_headers(entry, headers):
    """The headers of every hit of `entry`, made once when it is stored.

    All but a form page's ETag are the same for every visitor (a CSRF token is always
    CSRF_TOKEN_LENGTH characters, so even the length is): a hit hands the list to its
    response and no longer joins the body to measure it.
    """
    parts = entry["parts"]
    length = sum(len(part) for part in parts) + CSRF_TOKEN_LENGTH * (len(parts) - 1)
    served = [*headers, ("Content-Length", str(length)), ("X-Cache", "HIT")]
    if not any(name.lower() == "cache-control" for name, _value in headers):
        served.append(("Cache-Control", BROWSER_CACHE_CONTROL))
    if len(parts) == 1:
        served.append(("ETag", f'"{entry["digest"]}"'))
    return served
