"""Small pieces of the site's protection that no library gives as we need them.

The rest lives in settings (headers, cookies, CSP, django-axes) and in
`portfolio/core/uploads.py`; docs/security.md maps each protection to its place.
"""

import errno
import ipaddress
import logging

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import OperationalError
from whitenoise.middleware import WhiteNoiseMiddleware

logger = logging.getLogger(__name__)


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come through a web request.

    Axes refuses any `authenticate()` call without a request; code that logs a
    user in outside HTTP (the test client's `login()`, a shell) has no visitor
    to throttle, so it is let through to the next backend instead of crashing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request):
    """The visitor's address, trusting X-Forwarded-For only as far as our own proxies.

    `TRUSTED_PROXY_COUNT` proxies (Caddy, nginx) each append the address they
    saw; the entry they added last is the one no visitor can forge. With no
    proxy, REMOTE_ADDR is the visitor.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def limit_key(address):
    """What a per-address limit counts: an IPv4 address, or the /64 an IPv6 address is in.

    One home line or one server gets a whole IPv6 /64 and picks addresses in it at will:
    counting single addresses would let one client walk past every limit. An IPv4
    address mapped into IPv6 counts as itself; anything else is returned unchanged.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address)
    return str(ip)


def client_limit_key(request):
    """`limit_key` of the visitor's address (django-axes' AXES_CLIENT_IP_CALLABLE)."""
    return limit_key(client_ip(request))


def from_same_client(queryset, address, field="ip_address"):
    """The rows of `queryset` sent from `address`'s client: the same IPv4 or the same /64.

    The one definition every per-address limit counts with. Narrow `queryset` to the
    limit's time window first: for IPv6 the stored addresses are compared here (a /64
    cannot be matched on the text the database keeps), which is a handful of rows.
    """
    if not address or ":" not in address:
        return queryset.filter(**{field: address})
    key = limit_key(address)
    rows = queryset.exclude(**{f"{field}__isnull": True}).values_list("pk", field)
    return queryset.filter(pk__in=[pk for pk, stored in rows if limit_key(stored) == key])


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout, as an admin page that says how long to wait and how to unlock."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "security/locked_out.html", context, status=429)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, less the static manifest (`staticfiles.json`).

    The manifest maps every static file to its hashed name: nothing a page needs (pages
    carry the hashed names), and a ready list of the admin's and libraries' files and
    versions for anyone probing. WhiteNoise has no setting to leave a file out.
    """

    def is_manifest(self, url):
        name = getattr(staticfiles_storage, "manifest_name", "staticfiles.json")
        return url.removeprefix(self.static_prefix).startswith(name)

    def add_file_to_dictionary(self, url, path, stat_cache=None):
        if not self.is_manifest(url):
            super().add_file_to_dictionary(url, path, stat_cache=stat_cache)

    def find_file(self, url):
        # Looked up per request when WhiteNoise refreshes (DEBUG).
        return None if self.is_manifest(url) else super().find_file(url)


class CrossOriginResourcePolicyMiddleware:
    """`Cross-Origin-Resource-Policy` on every response, static files included.

    Django sets COOP but has no setting for CORP. With `same-origin`, another
    site cannot load our pages, images or feeds into its own pages through a
    browser (hot-linking, Spectre-style leaks); feed readers and link previews
    fetch from servers and are not affected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CROSS_ORIGIN_RESOURCE_POLICY
        if policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", policy)
        return response


# Errors of the machine, not of the code: a full disk, a database held locked
# longer than its 20 s busy timeout. Both roll the request's transaction back;
# the person gets a page that says nothing was saved and what to do, not a 500.
DISK_FULL_ERRORS = {errno.ENOSPC, errno.EDQUOT}


def classify_failure(exception):
    """'disk_full', 'busy' or None for an exception a view let through."""
    if isinstance(exception, OSError) and exception.errno in DISK_FULL_ERRORS:
        return "disk_full"
    if isinstance(exception, OperationalError):
        message = str(exception).lower()
        if "disk is full" in message or "no space left" in message:
            return "disk_full"
        if "database is locked" in message or "lock timeout" in message:
            return "busy"
    return None


class FailureMiddleware:
    """Turns a full disk (507) or a locked database (503, Retry-After) into a clear page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        kind = classify_failure(exception)
        if kind is None:
            return None
        logger.error("%s on %s %s: %s", kind, request.method, request.path, exception)
        status = 507 if kind == "disk_full" else 503
        response = render(
            request,
            "security/failure.html",
            {"kind": kind, "is_admin": request.path.startswith(f"/{settings.ADMIN_PATH}/")},
            status=status,
        )
        if kind == "busy":
            response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
