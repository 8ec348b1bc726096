"""Views of the site itself: the health check and the error pages."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from portfolio.core.context_processors import home_in_each_language
from portfolio.core.storage import media_storage_answers

logger = logging.getLogger(__name__)


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return False
    return True


@never_cache
def healthz(request):
    """200 when the database and the media storage answer, 503 otherwise: for load balancers.

    The answer names each part and says only true or false: never an address, a key or
    an error message, which the log keeps.
    """
    checks = {"database": database_answers(), "media": media_storage_answers()}
    if not checks["media"]:
        logger.error("Health check: the media storage did not answer")
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


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
