"""Views of the site itself: the health check and the error pages."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from portfolio.core.context_processors import home_in_each_language

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not: for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    # The exception's message may hold internals (resolver patterns): never shown.
    # A missing page has no translation, even where a route matched (pages catch any
    # /<slug>/): offer each language's home instead.
    context = {"alternates": home_in_each_language()}
    return render(request, "404.html", context, status=404)


def server_error(request):
    # No request context here: whatever broke may be the database or a context processor.
    try:
        body = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    except Exception:
        logger.exception("The 500 page itself failed to render")
        body = "<!doctype html><title>500</title><h1>Server error</h1>"
    return HttpResponseServerError(body)


def csrf_failure(request, reason=""):
    # Django's own page says "CSRF verification failed" and names the reason:
    # a visitor needs to know the form expired and what to do.
    return render(request, "403_csrf.html", status=403)
