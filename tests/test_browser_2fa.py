"""The author's logins with the second factor, in Chromium, on a phone and a desktop:
enrolment at the first login, the app's code at the next, a recovery code that works once;
no CSP violation and no sideways scroll on any of those pages."""

from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from tests.a11y_pages import AXE_JS
from tests.conftest import save_screenshot
from tests.test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-mot-de-passe-solide"
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def watch(page):
    page.add_init_script(LISTEN)
    page.add_init_script(path=str(AXE_JS))
    page.csp = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp.append(m.text))


def check_page(page, name):
    assert page.evaluate("window.__csp") == [] and page.csp == [], name
    report = describe(axe_violations(page))
    assert report == "", f"axe on {name}:\n{report}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide"
    save_screenshot(page, name)


def log_in_with_password(page):
    page.goto(reverse("admin:login"))
    page.get_by_label("Nom d’utilisateur").fill("autrice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()


def type_code(page, code):
    page.locator("#id_token").fill(code)
    page.locator("input[type=submit]").click()


def log_out(page):
    page.goto(reverse("admin:index"))
    page.locator("#logout-form button").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_first_login_enrols_then_the_code_and_a_recovery_code_open_the_admin(open_page, width):
    get_user_model().objects.create_user(
        "autrice", "autrice@example.org", PASSWORD, is_staff=True, is_superuser=True
    )
    page = open_page(width=width)
    watch(page)
    label = f"2fa-{width}"

    # First login: the admin asks to link an app before anything else.
    log_in_with_password(page)
    page.wait_for_url(f"**{reverse('second_factor_enrol')}**")
    assert page.get_by_role("img", name="QR code").is_visible()
    check_page(page, f"{label}-enrol")
    secret = page.locator("[data-secret]").get_attribute("data-secret")
    type_code(page, f"{totp(b32decode(secret)):06d}")

    # The recovery codes, once, then the admin.
    page.wait_for_url(f"**{reverse('second_factor_recovery_codes')}**")
    codes = page.locator(".second-factor-codes code").all_inner_texts()
    assert len(codes) == 10
    check_page(page, f"{label}-recovery-codes")
    page.get_by_role("link", name="Continuer vers l’administration").click()
    page.wait_for_url(f"**{reverse('admin:index')}")
    log_out(page)

    # The next login asks for the app's code (the next one: a code works once).
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        log_in_with_password(page)
        page.wait_for_url(f"**{reverse('second_factor_verify')}**")
        check_page(page, f"{label}-verify")
        type_code(page, f"{totp(b32decode(secret)):06d}")
        page.wait_for_url(f"**{reverse('admin:index')}")
    log_out(page)

    # A recovery code opens the admin once.
    log_in_with_password(page)
    type_code(page, codes[0])
    page.wait_for_url(f"**{reverse('admin:index')}")
    log_out(page)
    log_in_with_password(page)
    type_code(page, codes[0])
    assert page.get_by_text("Ce code n’est pas le bon.").is_visible()
    check_page(page, f"{label}-verify-refused")
    assert reverse("second_factor_verify") in page.url
