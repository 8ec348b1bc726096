"""A visitor looks for a post with the search form, without accents, and reads it."""

import pytest

from tests.conftest import in_every_view, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_finds_a_post_through_the_search_form_and_reads_it(page, demo):
    page.goto("/blog/")
    # The header's form: typed without accents, as on a phone keyboard.
    page.get_by_role("searchbox", name="Rechercher dans le blog").fill("ecrire documentation")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/blog/search/?q=ecrire+documentation")
    assert page.title().startswith("Recherche\u00a0: ecrire documentation")
    results = page.locator(".search-result")
    assert results.count() >= 1
    first = results.first
    assert first.locator("mark").count() >= 1  # matched words highlighted
    first.get_by_role("link").click()
    page.wait_for_url("**/blog/ecrire-une-documentation-qu-on-lit/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Écrire une documentation qu’on lit vraiment"
    )


def test_no_result_says_so_and_offers_a_way_out(page, demo):
    page.goto("/blog/search/")
    box = page.get_by_role("searchbox", name="Mots à chercher")
    box.fill("zzzyx")
    box.press("Enter")
    page.wait_for_url("**/blog/search/?q=zzzyx")
    assert page.get_by_role("status").filter(has_text="Aucun billet ne correspond").is_visible()
    page.get_by_role("link", name="Parcourir tous les billets").click()
    page.wait_for_url("**/blog/")


def test_search_screenshots(open_page, demo):
    def check(page, label, width, scheme):
        page.goto("/blog/search/?q=support")
        assert page.locator(".search-result mark").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        save_screenshot(page, f"search-{label}-{scheme}")
        page.goto("/blog/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        save_screenshot(page, f"blog-header-search-{label}-{scheme}")

    in_every_view(open_page, check)
