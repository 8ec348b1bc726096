"""The admin login resists guessing: lockout per username and address, a cool-off, a command to unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.test_settings import load_settings

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_superuser("author", "author@example.org", PASSWORD)


def login(client, password, username="author", address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def fail_until_locked(client, address="203.0.113.7"):
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "wrong", address=address)
    return response


def test_the_lockout_page_says_why_and_how_long(client, author):
    response = fail_until_locked(client)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many failed logins" in text or "Trop de" in text
    assert "15" in text  # the cool-off, in minutes
    assert "axes_reset" in text


def test_even_the_right_password_is_refused_while_locked(client, author):
    fail_until_locked(client)
    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_same_username_from_another_address_can_still_log_in(client, author):
    """Locking username + address together: a stranger cannot lock the author out."""
    fail_until_locked(client, address="203.0.113.7")
    response = login(client, PASSWORD, address="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(author.pk)


def test_the_lock_lifts_after_the_cool_off(client, author):
    fail_until_locked(client)
    assert login(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = login(client, PASSWORD)
    assert response.status_code == 302


def test_axes_reset_unlocks_at_once(client, author):
    fail_until_locked(client)
    call_command("axes_reset", stdout=open("/dev/null", "w"))
    assert login(client, PASSWORD).status_code == 302


def test_failures_below_the_limit_do_not_lock(client, author):
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong").status_code == 200
    assert login(client, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_address_is_the_one_locked(client, author):
    """Behind Caddy/nginx every request comes from 127.0.0.1: the proxy's hop is used."""
    for _ in range(5):
        client.post(
            reverse("admin:login"),
            {"username": "author", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    # Another visitor behind the same proxy is not locked out.
    response = client.post(
        reverse("admin:login"),
        {"username": "author", "password": PASSWORD, "next": reverse("admin:index")},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302


def test_sessions_expire(client, author, settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 24
    assert login(client, PASSWORD).status_code == 302
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session = client.session
    session.set_expiry(-1)  # as if SESSION_COOKIE_AGE had passed
    session.save()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_path_comes_from_the_environment(monkeypatch, tmp_path):
    settings = load_settings(monkeypatch, tmp_path, ADMIN_PATH="/back-office/")
    assert settings.ADMIN_PATH == "back-office"
