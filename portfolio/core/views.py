"""Views of the site itself: the health check and the error pages."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from portfolio.core import outbox
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


def queue_state():
    """(the email queue is moving, seconds its oldest ready task has waited or None).

    Stuck once that task waited QUEUE_STUCK_AFTER seconds: no worker runs, or it
    cannot keep up. An unreachable queue table is stuck too.
    """
    try:
        wait = outbox.oldest_wait()
    except DatabaseError:
        logger.exception("Health check: the task queue did not answer")
        return False, None
    if wait is None:
        return True, None
    seconds = int(wait.total_seconds())
    if seconds >= settings.QUEUE_STUCK_AFTER:
        logger.error("Health check: the oldest ready task has waited %s s", seconds)
        return False, seconds
    return True, seconds


@never_cache
def healthz(request):
    """200 when the database, the media storage and the email queue answer, 503 otherwise.

    For load balancers. `queue_oldest_wait` is the age in seconds of the oldest task
    ready to run (null for an empty queue); the queue fails once it reaches
    QUEUE_STUCK_AFTER.

    The answer names each part and says only true or false: never an address, a key or
    an error message, which the log keeps.
    """
    checks = {"database": database_answers(), "media": media_storage_answers()}
    if not checks["media"]:
        logger.error("Health check: the media storage did not answer")
    checks["queue"], oldest_wait = queue_state()
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks, "queue_oldest_wait": oldest_wait},
        status=200 if healthy else 503,
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
