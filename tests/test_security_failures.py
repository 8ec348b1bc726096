"""When the machine fails (mail server down, disk full, database locked), nobody loses their text.

- Mail server down: comments and contact messages are stored first; the page
  the visitor sees is the usual success, the notification is retried later
  by the owner's admin (the apps test their own flags; this is the cross-cut).
- Disk full for media: the author's upload fails with a 507 page that says
  nothing was saved and what to do; no half-saved row.
- Database locked longer than the busy timeout: a 503 with Retry-After and
  the same plain words, never a bare 500. (A lock shorter than the timeout is
  simply waited for: bench/concurrency holds one during its run.)
"""

import errno
import io

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from portfolio.core.security import classify_failure

pytestmark = pytest.mark.django_db

MAIL_DOWN = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,  # discard port: nothing listens, the connection is refused
    "EMAIL_TIMEOUT": 2,
    "COMMENTS_FLOOD_SECONDS": 0,
    "COMMENTS_MIN_FILL_SECONDS": 0,
    "CONTACT_MIN_FILL_SECONDS": 0,
}


class FullDiskStorage(FileSystemStorage):
    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "orange").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "portrait.jpg"
    return buffer


@override_settings(**MAIL_DOWN)
def test_mail_server_down_loses_no_comment_and_no_message(client, demo):
    from django_comments_xtd.models import XtdComment

    from comments.forms import CommentForm
    from portfolio.forms import start_token
    from portfolio.models import ContactMessage
    from tests.test_hostile_input import comment_post

    post = comment_post()
    data = dict(CommentForm(post).initial)
    data.update(
        name="Ana",
        email="ana@example.net",
        url="",
        comment="Posted while the mail server is down.",
        honeypot="",
        reply_to=0,
    )
    response = client.post(reverse("comments:post"), data)
    assert response.status_code == 302
    assert XtdComment.objects.filter(comment="Posted while the mail server is down.").exists()

    response = client.post(
        reverse("portfolio:contact"),
        {
            "name": "Recruiter",
            "email": "hr@example.com",
            "subject": "Mission",
            "message": "Sent while the mail server is down.",
            "website": "",
            "started": start_token(),
        },
    )
    assert response.status_code == 302
    message = ContactMessage.objects.get(message="Sent while the mail server is down.")
    assert message.is_notified is False  # the author sees it unflagged in the admin


def test_a_full_disk_tells_the_author_nothing_was_saved(admin_client, settings):
    from blog.models import Author

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_security_failures.FullDiskStorage"},
    }
    response = admin_client.post(
        reverse("admin:blog_author_add"), {"name": "Jeanne", "photo": photo()}
    )
    assert response.status_code == 507
    text = response.content.decode()
    assert "disk is full" in text or "disque est plein" in text
    assert Author.objects.count() == 0
    assert response["Cache-Control"] == "no-store"


def test_a_database_locked_too_long_answers_503_with_retry_after(client, monkeypatch, demo):
    from portfolio import views

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views.contact_flow, "receive", locked)
    from portfolio.forms import start_token

    with override_settings(CONTACT_MIN_FILL_SECONDS=0):
        response = client.post(
            reverse("portfolio:contact"),
            {
                "name": "Recruiter",
                "email": "hr@example.com",
                "subject": "Mission",
                "message": "Sent while the database is locked.",
                "website": "",
                "started": start_token(),
            },
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "busy" in response.content.decode() or "occupé" in response.content.decode()


@pytest.mark.parametrize(
    ("exception", "kind"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "disk_full"),
        (OperationalError("database or disk is full"), "disk_full"),
        (OperationalError("database is locked"), "busy"),
        (OperationalError("no such table: x"), None),
        (ValueError("bug"), None),
    ],
)
def test_only_machine_failures_get_the_special_pages(exception, kind):
    assert classify_failure(exception) == kind
