"""A visitor opens the home page in Chromium and switches language."""

import pytest

from tests.conftest import in_every_view, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_home_and_switches_to_english(page, demo):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Derniers billets").is_visible()

    page.get_by_role("link", name="EN – English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Latest posts").is_visible()

    page.get_by_role("link", name="Blog", exact=True).click()
    page.wait_for_url("**/en/blog/")
    page.get_by_role("link", name="FR – Français").click()
    page.wait_for_url("**/blog/")
    assert page.locator("html").get_attribute("lang") == "fr"


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, demo):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_home_screenshots(open_page, demo):
    def check(page, label, width, scheme):
        page.goto("/")
        # Nothing sticks out sideways at this width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        save_screenshot(page, f"home-{label}-{scheme}")

    in_every_view(open_page, check)
