"""A recruiter reads the profile, takes the CV, writes; the author finds the message in the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from portfolio.models import ContactMessage
from tests.conftest import in_every_view, log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recruiter_downloads_the_cv_writes_and_the_author_reads_it(page, demo, settings, tmp_path):
    settings.CONTACT_MIN_FILL_SECONDS = 0
    page.goto("/profile/")
    assert page.get_by_role("heading", level=1, name="Nathalie Rousseau").is_visible()
    assert page.get_by_text("Disponible à partir du").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le CV PDF").click()
    download = download_info.value
    assert download.suggested_filename == "nathalie-rousseau-cv.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Me contacter").click()
    page.wait_for_url("**/contact/")
    page.get_by_label("Votre nom").fill("Léa Recruteuse")
    page.get_by_label("Votre e-mail").fill("lea@example.org")
    page.get_by_label("Organisation").fill("Cabinet Talents")
    page.get_by_label("Objet").fill("Mission de Product Owner à Lyon")
    page.get_by_label("Message").fill("Bonjour, une mission de six mois pourrait vous intéresser.")
    page.get_by_role("button", name="Envoyer le message").click()
    page.wait_for_url("**/contact/thanks/")
    expect(page.get_by_role("heading", level=1, name=re.compile("Merci"))).to_be_visible()
    assert ContactMessage.objects.get().subject == "Mission de Product Owner à Lyon"

    author = get_user_model().objects.create_superuser(
        "author", "author@example.org", "a-long-password-42"
    )
    log_in_to_admin(page, author, "a-long-password-42")
    expect(page.get_by_role("link", name="1 message non lu")).to_be_visible()
    page.get_by_role("link", name="1 message non lu").click()
    page.wait_for_url("**/admin/portfolio/contactmessage/?status__exact=unread")
    expect(page.get_by_role("link", name="Mission de Product Owner à Lyon")).to_be_visible()


def test_profile_screenshots(open_page, demo):
    def check(page, label, width, scheme):
        page.goto("/profile/")
        save_screenshot(page, f"profile-{label}-{scheme}")
        # Who, what, availability and the two calls to action are above the fold.
        for locator in [
            page.get_by_role("heading", level=1, name="Nathalie Rousseau"),
            page.get_by_text("Disponible à partir du"),
            page.get_by_role("link", name="Me contacter"),
            page.get_by_role("link", name="Télécharger le CV PDF"),
            page.get_by_role("link", name="Télécharger le CV Word"),
        ]:
            box = locator.bounding_box()
            assert box and box["y"] + box["height"] <= 900, locator
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if label == "phone" and scheme == "light":
            page.goto("/contact/")
            save_screenshot(page, "contact-phone-light")
        if label == "desktop" and scheme == "light":
            page.goto("/")
            save_screenshot(page, "home-profile-card-desktop-light")

    in_every_view(open_page, check)
