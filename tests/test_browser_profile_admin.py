"""The author edits one position of the profile, on a desktop and on a phone: every screen of
the profile's admin fits the window (no sideways scroll) and axe finds nothing on it."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from portfolio.models import Position
from tests.a11y_pages import AXE_JS, MISSING_TOOLS
from tests.conftest import pass_second_factor, save_screenshot
from tests.test_accessibility import AXE_TAGS, RUN_AXE, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-42"
LIST_MODELS = [
    "position",
    "period",
    "education",
    "certification",
    "skill",
    "language",
    "sector",
    "service",
    "recommendation",
    "link",
]


def open_admin_session(page, live_server, user):
    """The browser gets the session of a client past the second factor (tests/conftest.py).

    The login journey itself, password and code, is tests/test_second_factor.py's.
    """
    client = pass_second_factor(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def check_screen(page, width, name):
    """No sideways scroll, no axe violation; a screenshot to look at."""
    save_screenshot(page, name)
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    problems = []
    if scroll_width > client_width:
        problems.append(f"{name}: {scroll_width} px wide in a {client_width}-px window")
    violations = page.evaluate(RUN_AXE, AXE_TAGS)
    if violations:
        problems.append(f"{name}: axe\n{describe(violations)}")
    return problems


@pytest.mark.parametrize("width", [1280, 390])
def test_author_edits_one_position_with_no_sideways_scroll(open_page, live_server, demo, width):
    assert AXE_JS.exists(), MISSING_TOOLS
    author = get_user_model().objects.create_superuser("author", "a@example.org", PASSWORD)
    # axe's own inline styles are refused by the CSP: its console errors are not the admin's.
    page = open_page(width=width, ignore=lambda message: "axe" in message.location.get("url", ""))
    # Added by the DevTools protocol, outside the admin's CSP (script-src 'self').
    page.context.add_init_script(path=str(AXE_JS))
    open_admin_session(page, live_server, author)
    problems = []

    page.goto("/admin/portfolio/profile/")
    expect(
        page.get_by_role("heading", level=2, name=re.compile("postes et missions"))
    ).to_be_visible()
    problems += check_screen(page, width, f"admin-profile-{width}")

    position = Position.objects.get(organization="Ekko Énergie")
    career = page.locator("#list-position")
    career.get_by_role("link", name=f"Modifier {position}").click()
    page.wait_for_url(f"**/admin/portfolio/position/{position.pk}/change/")
    problems += check_screen(page, width, f"admin-position-{width}")
    page.get_by_label("Description courte pour le CV").fill(
        "Suivi de consommation.\nOffre heures creuses."
    )
    page.get_by_label("Affiché sur le CV").uncheck()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url("**/admin/portfolio/profile/*/change/#list-position")
    expect(page.locator(".messagelist")).to_contain_text("modifié")
    expect(career).to_contain_text("absent du CV")
    problems += check_screen(page, width, f"admin-profile-saved-{width}")
    position.refresh_from_db()
    assert position.cv_description.splitlines() == [
        "Suivi de consommation.",
        "Offre heures creuses.",
    ]
    assert not position.is_on_cv

    # The second position goes up: the buttons post without any script.
    second = career.locator(".profile-list__item").nth(1)
    second_text = second.locator(".profile-list__text a").inner_text()
    second.get_by_role("button", name=re.compile("^Monter")).click()
    page.wait_for_url("**/admin/portfolio/profile/*/change/#list-position")
    expect(career.locator(".profile-list__text a").first).to_have_text(second_text)
    page.goto("/profile/")
    first_role = page.locator(".timeline__entry:not(.timeline__entry--period) .timeline__role")
    expect(first_role.first).to_have_text(second_text.split(" — ")[0])

    # Every other screen of the profile: each list's form.
    for model in LIST_MODELS:
        page.goto(f"/admin/portfolio/{model}/add/")
        problems += check_screen(page, width, f"admin-{model}-add-{width}")
    assert problems == [], "\n".join(problems)
