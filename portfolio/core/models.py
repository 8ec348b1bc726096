"""The emails in the task queue, as the admin lists them (portfolio/core/admin.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet, get_date_max

from portfolio.core import outbox

READY, RUNNING, FAILED, SUCCESSFUL = "READY", "RUNNING", "FAILED", "SUCCESSFUL"


class OutgoingEmailQuerySet(DBTaskResultQuerySet):
    def unsent(self):
        """Emails still to send (waiting, being sent) and those given up after MAX_ATTEMPTS.

        A failed attempt followed by a new one is not counted: its successor is.
        """
        given_up = Q(status=FAILED, args_kwargs__kwargs__attempt__gte=outbox.MAX_ATTEMPTS)
        return self.filter(Q(status__in=[READY, RUNNING]) | given_up)

    def given_up(self):
        return self.filter(status=FAILED, args_kwargs__kwargs__attempt__gte=outbox.MAX_ATTEMPTS)


class OutgoingEmail(DBTaskResult):
    """One attempt at an email: a row of django-tasks' queue (only emails use it)."""

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        proxy = True
        ordering = ["-enqueued_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self):
        return f"{self.label} ({self.enqueued_at:%Y-%m-%d %H:%M})"

    @property
    def label(self):
        return outbox.LABELS.get(self.task_path, self.task_path)

    @property
    def attempt(self):
        return self.args_kwargs.get("kwargs", {}).get("attempt", 1)

    @property
    def is_given_up(self):
        return self.status == FAILED and self.attempt >= outbox.MAX_ATTEMPTS

    @property
    def failed_attempts(self):
        """Attempts that failed so far: those before this one, and this one if it failed."""
        return self.attempt if self.status == FAILED else self.attempt - 1

    @property
    def last_error(self):
        if self.status == FAILED and self.traceback:
            return self.traceback.strip().splitlines()[-1][: outbox.ERROR_LENGTH]
        return self.args_kwargs.get("kwargs", {}).get("last_error", "")

    @property
    def next_try(self):
        """When the worker tries again, None when it is not waiting or may run now."""
        if self.status != READY or self.run_after == get_date_max():
            return None
        return self.run_after
