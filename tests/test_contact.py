"""The contact form: validation, spam defences, rate limit, and a message never lost."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail, signing
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client, TestCase

from portfolio.core.models import OutgoingEmail
from portfolio.forms import TIMESTAMP_SALT
from portfolio.models import ContactMessage
from tests.conftest import pass_second_factor
from tests.tasks import run_queue

ROOT = Path(__file__).resolve().parent.parent
VALID = {
    "name": "Léa Recruteuse",
    "email": "lea@example.org",
    "organization": "Cabinet Talents",
    "subject": "Mission de Product Owner",
    "message": "Bonjour, une mission de 6 mois à Lyon pourrait vous intéresser.",
}


class BrokenEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def started(seconds_ago=60):
    return signing.dumps(time.time() - seconds_ago, salt=TIMESTAMP_SALT)


def post(client, path="/en/contact/", ip="203.0.113.7", **overrides):
    """Send the form as a browser would, then let the worker send the email."""
    data = {**VALID, "started": started(), "website": "", **overrides}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(path, data, REMOTE_ADDR=ip)
    run_queue()
    return response


def test_contact_page_shows_the_form(client, db):
    html = client.get("/en/contact/").content.decode()
    for label in ["Your name", "Your email", "Organization", "Subject", "Message"]:
        assert label in html
    assert 'name="started"' in html
    assert 'class="field contact-form__trap" aria-hidden="true"' in html


def test_valid_message_is_saved_emailed_and_thanked(client, db, settings):
    settings.OWNER_EMAIL = "owner@example.org"
    response = post(client)
    assert response.status_code == 302
    assert response["Location"] == "/en/contact/thanks/"

    message = ContactMessage.objects.get()
    assert message.subject == "Mission de Product Owner"
    assert message.ip_address == "203.0.113.7"
    assert message.status == ContactMessage.Status.UNREAD
    assert message.is_notified is True

    [email] = mail.outbox
    assert email.to == ["owner@example.org"]
    assert email.reply_to == ["lea@example.org"]
    assert "Mission de Product Owner" in email.subject
    assert "une mission de 6 mois" in email.body
    assert f"/admin/portfolio/contactmessage/{message.pk}/change/" in email.body

    html = client.get(response["Location"]).content.decode()
    assert "Thank you, your message is on its way" in html
    assert "within two working days" in html


def test_french_form_and_thanks(client, db):
    response = post(client, path="/contact/")
    assert response["Location"] == "/contact/thanks/"
    html = client.get("/contact/thanks/").content.decode()
    assert "Merci" in html


def test_invalid_fields_get_clear_inline_errors_and_nothing_is_saved(client, db):
    response = post(client, name="", email="lea@", subject="", message="Hi")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The message was not sent. Please correct what is marked below." in html
    assert "Please tell me your name." in html
    assert "This email address looks incomplete" in html
    assert "Please give your message a subject." in html
    assert "This message is very short" in html
    assert 'aria-invalid="true"' in html
    # What was typed is kept.
    assert "lea@" in html
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_honeypot_looks_like_success_but_drops_the_message(client, db):
    response = post(client, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == "/en/contact/thanks/"
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_form_sent_too_quickly_is_refused_with_a_message(client, db):
    response = post(client, started=started(seconds_ago=0))
    assert "This form was sent very quickly" in response.content.decode()
    assert ContactMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("token", "text"),
    [
        ("not-a-signed-value", "This form could not be checked"),
        (None, "This form was open for too long"),
    ],
)
def test_tampered_or_expired_form_asks_to_send_again_with_a_fresh_token(
    client, db, settings, token, text
):
    settings.CONTACT_FORM_MAX_AGE = 60
    token = token or started(seconds_ago=3600)
    response = post(client, started=token)
    html = response.content.decode()
    assert text in html
    assert token not in html  # a fresh token, so sending again works
    assert ContactMessage.objects.count() == 0


def test_rate_limit_per_address_with_a_clear_message(client, db, settings):
    settings.CONTACT_RATE_LIMIT = 3
    settings.CONTACT_RATE_WINDOW = 600
    for _ in range(3):
        assert post(client).status_code == 302
    response = post(client)
    html = response.content.decode()
    assert response.status_code == 429
    assert "please wait 10 minutes before sending another one" in html
    assert ContactMessage.objects.count() == 3
    # Someone else is not affected.
    assert post(client, ip="198.51.100.4").status_code == 302
    assert ContactMessage.objects.count() == 4


def test_rate_limit_only_counts_recent_messages(client, db, settings):
    settings.CONTACT_RATE_LIMIT = 1
    post(client)
    ContactMessage.objects.update(created_at="2020-01-01T00:00:00Z")
    assert post(client).status_code == 302


def test_failing_email_keeps_the_message_and_still_thanks_the_sender(client, db, settings):
    settings.EMAIL_BACKEND = "tests.test_contact.BrokenEmailBackend"
    response = post(client)
    assert response.status_code == 302
    assert response["Location"] == "/en/contact/thanks/"
    message = ContactMessage.objects.get()
    assert message.is_notified is False
    [waiting] = OutgoingEmail.objects.unsent()
    assert "SMTP server unreachable" in waiting.last_error and waiting.next_try


def test_the_request_sends_nothing_and_the_message_is_notified_once_mailed(
    client, db, django_capture_on_commit_callbacks
):
    data = {**VALID, "started": started(), "website": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/en/contact/", data, REMOTE_ADDR="203.0.113.7").status_code == 302
    assert mail.outbox == []
    assert ContactMessage.objects.get().is_notified is False
    run_queue()
    assert len(mail.outbox) == 1
    assert ContactMessage.objects.get().is_notified is True


def test_admin_lists_messages_marks_them_read_and_archives_in_bulk(admin_client, client, db):
    post(client)
    post(client, subject="Second")
    first, second = ContactMessage.objects.order_by("pk")

    changelist = admin_client.get("/admin/portfolio/contactmessage/?status__exact=unread")
    assert "Mission de Product Owner" in changelist.content.decode()

    admin_client.post(
        "/admin/portfolio/contactmessage/",
        {"action": "archive", "_selected_action": [first.pk, second.pk]},
    )
    assert set(ContactMessage.objects.values_list("status", flat=True)) == {"archived"}


def test_opening_a_message_changes_nothing_marking_it_read_is_a_post(admin_user, client, db):
    """A cross-site link opens the page with the author's cookies: only a POST may change it."""
    post(client)
    message = ContactMessage.objects.get()
    staff = pass_second_factor(Client(enforce_csrf_checks=True), admin_user)
    url = f"/admin/portfolio/contactmessage/{message.pk}/change/"

    page = staff.get(url)
    message.refresh_from_db()
    assert message.status == ContactMessage.Status.UNREAD
    html = page.content.decode()
    assert 'name="_mark_read"' in html and "Marquer comme lu" in html

    assert staff.post(url, {"_mark_read": "1"}).status_code == 403  # no CSRF token
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = staff.post(
        url, {"csrfmiddlewaretoken": token, "status": "unread", "_mark_read": "1"}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == ContactMessage.Status.READ


CONCURRENT_POSTS = """
import threading, time
from concurrent.futures import ThreadPoolExecutor
import django
django.setup()
from django.core import signing
from django.core.management import call_command
from django.db import connections
from django.test import Client
from portfolio.forms import TIMESTAMP_SALT
from portfolio.models import ContactMessage

call_command("migrate", verbosity=0)

# Widen the race: every request waits between counting and inserting.
from portfolio.models import ContactMessageQuerySet
counted = ContactMessageQuerySet.count
def slow_count(self):
    total = counted(self)
    time.sleep(0.25)
    return total
ContactMessageQuerySet.count = slow_count

attempts = 8
barrier = threading.Barrier(attempts)
data = {DATA!r}

def send(_):
    data_with_token = dict(data, started=signing.dumps(time.time() - 60, salt=TIMESTAMP_SALT))
    barrier.wait()
    try:
        return Client(HTTP_HOST="127.0.0.1").post("/en/contact/", data_with_token).status_code
    finally:
        connections.close_all()

with ThreadPoolExecutor(attempts) as pool:
    print(sorted(pool.map(send, range(attempts))), ContactMessage.objects.count())
"""


def test_rate_limit_holds_when_posts_arrive_at_the_same_time(transactional_db, tmp_path):
    """Eight workers posting at once cannot all see "under the limit": count and insert are locked.

    Run in a fresh process: on PostgreSQL against a database of its own, on SQLite
    against a file (the test suite's in-memory database cannot take concurrent writers).
    """
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portfolio.settings",
        VITRINE_VAR_DIR=str(tmp_path),
        CONTACT_RATE_LIMIT="3",
        EMAIL_URL="dummy://",
    )
    if connection.vendor == "postgresql":
        name = f"{connection.settings_dict['NAME']}_concurrency"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        settings_dict = connection.settings_dict
        environment["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}"
            f"@{settings_dict['HOST']}:{settings_dict['PORT'] or 5432}/{name}"
        )
    else:
        environment.pop("DATABASE_URL", None)
    code = CONCURRENT_POSTS.replace("{DATA!r}", repr({**VALID, "website": ""}))
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[302, 302, 302, 429, 429, 429, 429, 429] 3"
