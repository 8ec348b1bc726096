"""How long approving a comment takes with 0 and with 500 followers (bench/approve_followers).

In a fresh var dir (migrated SQLite; or DATABASE_URL, a throwaway database that gets
rows added), the author approves a held comment through the admin's Approve button
(Django's test client, in process: no network, the request's own cost), ROUNDS times
per post: one post nobody follows, one followed by FOLLOWERS. Printed: the median
request time of each, the tasks each approval queued, and what the worker then takes
to send the follow-ups. With --inline, the same approvals with the tasks run inside the
request (django-tasks' immediate backend): the cost mail had when it was sent in the
request. A figure, not a test: nothing fails on a slow machine.

    .venv/bin/python -m bench.approve_followers_run [--followers 500] [--rounds 5] [--inline]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--inline", action="store_true", help="also time mail sent inline")
    options = parser.parse_args()

    os.environ.setdefault("VITRINE_VAR_DIR", tempfile.mkdtemp(prefix="vitrine-approve-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portfolio.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # locmem email, the test client's host allowed
    call_command("migrate", verbosity=0)

    print(f"Approving a comment, median of {options.rounds} (in-process request, ms):")
    print(f"{'followers':>10} {'queued':>12} {'request ms':>11} {'worker s':>9} {'emails':>7}")
    for followers in (0, options.followers):
        print(row(followers, options.rounds))
    if options.inline:
        immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        with override_settings(TASKS=immediate):
            for followers in (0, options.followers):
                print(row(followers, options.rounds, label="inline"))
    mail.outbox.clear()


def row(followers, rounds, label="queued"):
    from django.core import mail

    from portfolio.core.models import OutgoingEmail

    client, post = setup_post(followers)
    timings, queued = [], []
    for _round in range(rounds):
        held = held_comment(post)
        before = OutgoingEmail.objects.count()
        mail.outbox.clear()
        started = time.perf_counter()
        response = client.post(f"/admin/comments/comment/{held.pk}/approve/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
        queued.append(OutgoingEmail.objects.count() - before)
    worker = 0.0
    if label == "queued":
        started = time.perf_counter()
        run_queue()
        worker = time.perf_counter() - started
    emails = len(mail.outbox)
    tasks = f"{max(queued)} task" + ("s" if max(queued) != 1 else "")
    return (
        f"{followers:>10} {tasks if label == 'queued' else 'sent inline':>12} "
        f"{statistics.median(timings):>11.1f} {worker:>9.2f} {emails:>7}"
    )


def setup_post(followers):
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.test import Client
    from django.utils import timezone
    from django_comments_xtd.models import XtdComment

    from blog.models import Post
    from comments import notify

    number = Post.objects.count() + 1
    post = Post.objects.create(
        title=f"Billet {number}",
        slug=f"billet-{number}",
        status=Post.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
    )
    where = {
        "content_type": ContentType.objects.get_for_model(Post),
        "object_pk": str(post.pk),
        "site_id": 1,
    }
    # One at a time, as visitors would (django-comments-xtd numbers threads on save), and
    # silenced as an importer's: each would otherwise announce itself to the ones before.
    for index in range(followers):
        notify.silence(
            XtdComment(
                **where,
                user_name=f"Lecteur {index}",
                user_email=f"lecteur{index}@example.org",
                comment="Je suis la conversation.",
                submit_date=timezone.now() - timedelta(hours=2),
                is_public=True,
                followup=True,
            )
        ).save()
    post._bench_where = where
    User = get_user_model()
    author, _created = User.objects.get_or_create(
        username="bench-author", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    past_second_factor(client, author)
    return client, post


def past_second_factor(client, user):
    """Log in past the admin's second factor, as tests/conftest.py's pass_second_factor."""
    client.force_login(user)
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:
        return
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="authenticator", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def held_comment(post):
    from django.utils import timezone
    from django_comments_xtd.models import XtdComment

    return XtdComment.objects.create(
        **post._bench_where,
        user_name="Nouvelle",
        user_email="nouvelle@example.org",
        comment="Un commentaire à approuver.",
        submit_date=timezone.now() - timedelta(minutes=5),
        is_public=False,
    )


def run_queue():
    from django.core.management import call_command

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


if __name__ == "__main__":
    main()
