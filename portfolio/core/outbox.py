"""Emails leave the request: each is a task that the worker (`manage.py db_worker`) sends.

A request only stores the task, once its transaction has committed, with ids for
arguments; the task reads the rows again, renders and sends. A mail server that is
down makes the task fail and enqueue its next attempt later (django-tasks retries
nothing itself), until MAX_ATTEMPTS: the last failure stays in the queue's table,
shown in the admin (portfolio/core/admin.py), never lost.
"""

import functools
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, F, Min, When
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult, get_date_max

# Wait before each new attempt: a short hiccup is over within minutes, a mail server
# down for the night is tried again in the morning; about a day and a half in all.
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
    timedelta(hours=24),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Room enough for an SMTP server's answer; the traceback keeps the rest.
ERROR_LENGTH = 500

# Task path (module.name) → what the admin calls the email; filled by @mail_task.
LABELS = {}


def describe(error):
    """One line for the admin: the exception's class and message, cut to ERROR_LENGTH."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:ERROR_LENGTH]


def mail_task(label):
    """Make `function(*ids)` a task tried again with backoff whenever it raises.

    `label` is what the admin shows for it ("Avis de modération"). The attempt and
    the previous error travel in the task's own keyword arguments, so the waiting
    row says how many tries failed and why.
    """

    def decorate(function):
        @task()
        @functools.wraps(function)
        def attempt_to_send(*args, attempt=1, last_error=""):
            try:
                return function(*args)
            except Exception as error:
                if attempt < MAX_ATTEMPTS:
                    later = timezone.now() + RETRY_DELAYS[attempt - 1]
                    attempt_to_send.using(run_after=later).enqueue(
                        *args, attempt=attempt + 1, last_error=describe(error)
                    )
                raise  # this attempt is marked failed, with its traceback

        LABELS[attempt_to_send.module_path] = label
        return attempt_to_send

    return decorate


def send_after_commit(mail, *args):
    """Queue `mail` (a @mail_task) with `args` once the current transaction commits.

    Nothing is queued for a transaction rolled back, and the worker never reads a
    row before it is committed.
    """
    transaction.on_commit(functools.partial(mail.enqueue, *args))


def ready_since():
    """When each task became ready to run: its `run_after`, or its enqueuing when it had none."""
    return Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=F("run_after"),
    )


def oldest_wait():
    """How long the oldest task ready to run has waited (None for an empty queue): one query."""
    since = DBTaskResult.objects.ready().aggregate(oldest=Min(ready_since()))["oldest"]
    return None if since is None else max(timezone.now() - since, timedelta(0))
