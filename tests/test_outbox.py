"""Emails leave the request: queued as tasks, sent by the worker, retried, never lost."""

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from comments.notify import send_report_notice
from portfolio.core import outbox
from portfolio.core.models import OutgoingEmail
from tests.tasks import run_queue
from tests.test_comments import add_comment, form_data

MAIL_DOWN = {"EMAIL_BACKEND": "tests.failing_mail.EmailBackend"}


class BadAddressBackend(LocmemBackend):
    """A server that refuses one address and takes the others."""

    def send_messages(self, messages):
        if any("bad" in address for message in messages for address in message.to):
            raise smtplib.SMTPRecipientsRefused({"bad@example.org": (550, b"No such user")})
        return super().send_messages(messages)


@pytest.fixture
def post(make_post):
    return make_post(title="Un billet")


def post_comment(client, capture, post, **fields):
    with capture(execute=True):
        return client.post("/comments/post/", form_data(post, **fields), REMOTE_ADDR="10.0.0.1")


def approve(admin_client, capture, comment):
    with capture(execute=True):
        return admin_client.post(f"/admin/comments/comment/{comment.pk}/approve/")


def waiting():
    return OutgoingEmail.objects.filter(status="READY")


def test_the_request_sends_no_mail_and_the_worker_does(
    client, post, django_capture_on_commit_callbacks
):
    assert post_comment(client, django_capture_on_commit_callbacks, post).status_code == 302
    assert mail.outbox == []
    run_queue()
    [message] = mail.outbox
    assert message.to == ["owner@localhost"] and "Merci pour ce billet." in message.body
    assert not OutgoingEmail.objects.unsent().exists()


def test_the_queue_holds_ids_never_addresses_nor_text(
    client, post, django_capture_on_commit_callbacks
):
    post_comment(client, django_capture_on_commit_callbacks, post)
    [task] = waiting()
    assert "alice" not in str(task.args_kwargs) and "Merci" not in str(task.args_kwargs)


@override_settings(**MAIL_DOWN)
def test_a_server_down_means_a_retry_later_then_the_mail_leaves(
    client, post, django_capture_on_commit_callbacks
):
    post_comment(client, django_capture_on_commit_callbacks, post)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        run_queue()
        assert mail.outbox == []
        [retry] = waiting()
        assert retry.failed_attempts == 1
        assert retry.last_error == "SMTPException: mail server unavailable"
        assert retry.next_try == timezone.now() + timedelta(minutes=1)
        run_queue()  # not before its time
        assert waiting().get() == retry and mail.outbox == []

        clock.shift(timedelta(minutes=1))
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            run_queue()
    [message] = mail.outbox
    assert message.to == ["owner@localhost"]
    assert not OutgoingEmail.objects.unsent().exists()


@override_settings(**MAIL_DOWN)
def test_a_server_that_stays_down_backs_off_then_keeps_the_mail_as_given_up(
    client, post, django_capture_on_commit_callbacks
):
    post_comment(client, django_capture_on_commit_callbacks, post)
    delays = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        run_queue()
        while waiting().exists():
            next_try = waiting().get().next_try
            delays.append(next_try - timezone.now())
            clock.move_to(next_try)
            run_queue()
    assert delays == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
        timedelta(hours=24),
    ]
    [given_up] = OutgoingEmail.objects.unsent()
    assert given_up.is_given_up and given_up.failed_attempts == outbox.MAX_ATTEMPTS == 7
    assert "mail server unavailable" in given_up.last_error
    assert mail.outbox == []


def test_unsent_mail_is_listed_in_french_in_the_admin_with_why_and_when(
    client, admin_client, post, django_capture_on_commit_callbacks
):
    send_report_notice.enqueue(add_comment(post, comment="Signalé").pk)
    run_queue()  # sent: listed only behind the filter
    with override_settings(**MAIL_DOWN):
        post_comment(client, django_capture_on_commit_callbacks, post)
        run_queue()
    html = admin_client.get("/admin/core/outgoingemail/").content.decode()
    assert "E-mails sortants" in html
    assert "Commentaire en attente de modération" in html
    assert "Nouvel essai prévu" in html
    assert "SMTPException: mail server unavailable" in html
    assert "Commentaire signalé" not in html
    sent = admin_client.get("/admin/core/outgoingemail/?sent=yes").content.decode()
    assert "Commentaire signalé" in sent and "Commentaire en attente" not in sent
    [retry] = waiting()
    detail = admin_client.get(f"/admin/core/outgoingemail/{retry.pk}/change/")
    assert "Prochain essai" in detail.content.decode()
    # Nobody edits the queue by hand: the worker alone writes it.
    assert admin_client.post(f"/admin/core/outgoingemail/{retry.pk}/delete/").status_code == 403


def test_approving_queues_one_task_whatever_the_followers_and_each_gets_their_own(
    post, admin_client, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_outbox.BadAddressBackend"
    for email in ["ann@example.org", "bad@example.org", "cyd@example.org"]:
        add_comment(post, user_email=email, followup=True)
    held = add_comment(post, is_public=False, comment="Publié plus tard")
    assert approve(admin_client, django_capture_on_commit_callbacks, held).status_code == 302
    assert mail.outbox == []
    assert waiting().count() == 1  # the announcement, fanned out by the worker
    run_queue()
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "cyd@example.org"]
    [retry] = waiting()  # the bad address alone waits, and never held up the others
    assert "SMTPRecipientsRefused" in retry.last_error


def test_health_check_reports_the_oldest_waiting_task(
    client, post, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post_comment(client, django_capture_on_commit_callbacks, post)
        clock.shift(timedelta(minutes=3))
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["queue"] is True and response.json()["queue_oldest_wait"] == 180


def test_health_check_says_503_when_the_queue_is_stuck(
    client, post, django_capture_on_commit_callbacks, settings
):
    settings.QUEUE_STUCK_AFTER = 900
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post_comment(client, django_capture_on_commit_callbacks, post)
        clock.shift(timedelta(minutes=15))
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] is False and response.json()["queue_oldest_wait"] == 900
    assert response.json()["status"] == "unavailable" and response.json()["database"] is True


@override_settings(**MAIL_DOWN)
def test_a_retry_planned_later_is_not_a_stuck_queue(
    client, post, django_capture_on_commit_callbacks
):
    post_comment(client, django_capture_on_commit_callbacks, post)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _attempt in range(4):  # the next try is 12 h away
            run_queue()
            clock.move_to(waiting().get().next_try)
        clock.shift(timedelta(minutes=-1))
        assert client.get("/healthz").status_code == 200


def test_health_check_says_503_when_the_queue_table_is_unreachable(client, db):
    table = OutgoingEmail._meta.db_table
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(f"ALTER TABLE {table} RENAME TO vitrine_gone")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] is False and response.json()["database"] is True
    assert table not in response.content.decode() and "gone" not in response.content.decode()
