"""Run the email worker in the test's own process, as `manage.py db_worker` would."""

import signal
from unittest import mock

from django.core.management import call_command

SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


def run_queue():
    """Run every task ready now (those planned later wait), then return."""
    # The worker installs its own Ctrl-C handlers: pytest's come back afterwards.
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    try:
        # The worker recycles connections between tasks as a request would. Inside a test's
        # transaction that closes it (autocommit differs from the settings'); in-memory SQLite
        # ignores the close, PostgreSQL does not, and the test's own data would be gone.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
