"""The admin's second factor: enrolment at the first login, a code at each login, recovery
codes that work once, wrong codes throttled and locked out like wrong passwords."""

import io
import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import pass_second_factor

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ADDRESS = "203.0.113.7"


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_superuser("author", "author@example.org", PASSWORD)


def log_in_with_password(client, next_url=None):
    return client.post(
        reverse("admin:login"),
        {"username": "author", "password": PASSWORD, "next": next_url or reverse("admin:index")},
        REMOTE_ADDR=ADDRESS,
        follow=True,
    )


def send_code(client, url, code):
    return client.post(url, {"token": code}, REMOTE_ADDR=ADDRESS)


def secret_on(response):
    return re.search(r'data-secret="([A-Z2-7]+)"', response.content.decode())[1]


def enrol(client):
    """First login through enrolment; returns the secret the page showed."""
    page = log_in_with_password(client)
    secret = secret_on(page)
    send_code(client, page.request["PATH_INFO"], f"{totp(b32decode(secret)):06d}")
    return secret


def test_the_first_login_asks_to_enrol_before_any_admin_page(client, author):
    page = log_in_with_password(client, next_url=reverse("admin:blog_post_changelist"))
    assert page.request["PATH_INFO"] == reverse("second_factor_enrol")
    html = page.content.decode()
    assert "data:image/svg+xml" in html  # the QR code, drawn by the server
    assert client.get(reverse("admin:index"), REMOTE_ADDR=ADDRESS).status_code == 302

    wrong = send_code(client, reverse("second_factor_enrol"), "000000")
    assert "not the right one" in wrong.content.decode() or "pas le bon" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=author, confirmed=True).exists()

    secret = secret_on(page)
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # past the 1 s wait
        done = send_code(client, reverse("second_factor_enrol"), f"{totp(b32decode(secret)):06d}")
    assert done["Location"].startswith(reverse("second_factor_recovery_codes"))
    codes_page = client.get(done["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    # Back to the page first asked for, verified.
    assert reverse("admin:blog_post_changelist") in codes_page.content.decode()
    assert client.get(reverse("admin:blog_post_changelist")).status_code == 200


def test_the_next_login_asks_for_the_code_and_a_recovery_code_works_once(client, author):
    secret = enrol(client)
    codes = list(StaticToken.objects.values_list("token", flat=True))
    client.post(reverse("admin:logout"))

    page = log_in_with_password(client)
    assert page.request["PATH_INFO"] == reverse("second_factor_verify")
    assert secret not in page.content.decode()
    response = send_code(client, reverse("second_factor_verify"), codes[0].upper())
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200

    client.post(reverse("admin:logout"))
    log_in_with_password(client)
    again = send_code(client, reverse("second_factor_verify"), codes[0])
    assert again.status_code == 200  # used up
    assert client.get(reverse("admin:index")).status_code == 302
    assert StaticToken.objects.count() == 9


def test_the_app_code_opens_the_admin_at_the_next_login(client, author):
    secret = enrol(client)
    client.post(reverse("admin:logout"))
    log_in_with_password(client)
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):  # the next code
        response = send_code(client, reverse("second_factor_verify"), totp(b32decode(secret)))
        assert response["Location"] == reverse("admin:index")
        assert client.get(reverse("admin:index")).status_code == 200


def test_a_password_alone_never_opens_an_admin_page(client, author):
    enrol(client)
    client.post(reverse("admin:logout"))
    log_in_with_password(client)
    for url in (
        reverse("admin:index"),
        reverse("admin:blog_post_add"),
        reverse("admin:auth_user_changelist"),
        reverse("admin_import", args=["wordpress"]),
        reverse("second_factor_recovery_codes"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("second_factor_verify")), url


def test_wrong_codes_lock_the_user_and_address_out_like_wrong_passwords(client, author):
    enrol(client)
    client.post(reverse("admin:logout"))
    log_in_with_password(client)
    url = reverse("second_factor_verify")
    start = timezone.now()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # Each wrong code also makes django-otp wait before the next; the lockout counts both.
        with time_machine.travel(start + timedelta(minutes=attempt)):
            response = send_code(client, url, "123456")
    assert response.status_code == 429
    assert "axes_reset" in response.content.decode()
    # A new password login does not reset the count of wrong codes.
    client.post(reverse("admin:logout"))
    log_in_with_password(client)
    assert client.get(url, REMOTE_ADDR=ADDRESS).status_code == 429
    # Another address is not locked out by a stranger's guesses.
    assert client.get(url, REMOTE_ADDR="198.51.100.20").status_code == 200


def test_a_code_sent_right_after_a_wrong_one_has_to_wait(client, author):
    secret = enrol(client)
    client.post(reverse("admin:logout"))
    log_in_with_password(client)
    url = reverse("second_factor_verify")
    now = timezone.now() + timedelta(seconds=31)
    with time_machine.travel(now, tick=False):
        send_code(client, url, "123456")
        code = totp(b32decode(secret))
        too_soon = send_code(client, url, code)
        assert too_soon.status_code == 200
        assert "wait" in too_soon.content.decode() or "attendez" in too_soon.content.decode()
    with time_machine.travel(now + timedelta(seconds=2), tick=False):
        assert send_code(client, url, code)["Location"] == reverse("admin:index")


def test_the_owner_resets_a_lost_phone_and_the_next_login_enrols_again(client, author):
    enrol(client)
    client.post(reverse("admin:logout"))
    out = io.StringIO()
    call_command("reset_second_factor", "author", stdout=out)
    assert "author" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=author).exists()
    assert not StaticToken.objects.exists()
    assert log_in_with_password(client).request["PATH_INFO"] == reverse("second_factor_enrol")


def test_createlocaladmin_explains_the_second_factor(db):
    out = io.StringIO()
    call_command("createlocaladmin", stdout=out)
    text = out.getvalue()
    assert "authenticator" in text
    assert "reset_second_factor" in text


def test_new_recovery_codes_replace_the_old_ones(client, author):
    enrol(client)
    old = set(StaticToken.objects.values_list("token", flat=True))
    client.post(reverse("second_factor_recovery_codes"))
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10 and not old & new


def test_the_test_helpers_pass_the_second_factor(admin_client, client, author):
    """`admin_client` and `pass_second_factor` (tests/conftest.py) open the admin at once."""
    assert admin_client.get(reverse("admin:index")).status_code == 200
    pass_second_factor(client, author)
    assert client.get(reverse("admin:index")).status_code == 200
