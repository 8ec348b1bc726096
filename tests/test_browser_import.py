"""The author moves a WordPress blog in from the admin, then reads it as a visitor would."""

import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).parent / "data" / "wordpress"
PASSWORD = "un-mot-de-passe-solide"


@pytest.fixture
def author(db):
    return get_user_model().objects.create_user(
        "autrice", "autrice@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def uploads_zip(tmp_path):
    """A .zip of wp-content/uploads, as the author would make it on the old server."""
    archive = tmp_path / "uploads.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in (DATA / "uploads").rglob("*.jpg"):
            zipped.write(file, "wp-content/uploads/" + str(file.relative_to(DATA / "uploads")))
    return archive


def log_in(page):
    log_in_to_admin(page, get_user_model().objects.get(username="autrice"), PASSWORD)
    page.wait_for_url(re.compile(r"/admin/$"))


def upload(page, uploads_zip):
    page.get_by_label("Fichier d’export (WXR)").set_input_files(DATA / "classic.xml")
    page.get_by_label("Images (.zip de wp-content/uploads)").set_input_files(uploads_zip)
    page.get_by_role("button", name="Importer").click()
    page.wait_for_load_state()


def has_no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_author_imports_a_wordpress_export_and_finds_it_on_the_site(
    open_page, author, uploads_zip
):
    page = open_page()
    log_in(page)
    page.get_by_role("link", name="Importer depuis WordPress").click()
    assert page.get_by_role("heading", name="Importer depuis WordPress").is_visible()
    assert (
        page.get_by_text("Essai à blanc : afficher le rapport sans rien enregistrer :").count() == 0
    )
    upload(page, uploads_zip)

    report = page.locator(".vitrine-import-report")
    assert report.get_by_role("heading", name="Rapport d’import").is_visible()
    assert report.get_by_role("columnheader", name="Mis à jour", exact=True).is_visible()
    posts = report.get_by_role("row", name=re.compile(r"^post"))
    assert posts.get_by_role("cell").all_inner_texts() == ["5", "0", "0"]
    assert report.locator("li", has_text="[contact-form-7]").is_visible()
    assert report.locator("li", has_text="absente.jpg").is_visible()
    save_screenshot(page, "import-wordpress-report")

    # The imported post, from the report's link: its comments threaded, the count WordPress had.
    page.get_by_role("link", name="Dix ans de produit").click()
    page.wait_for_url(re.compile(r"/blog/dix-ans-de-produit/$"))
    assert page.get_by_role("heading", name="4 commentaires").is_visible()
    paul = page.locator("li.comment", has_text="Merci pour ce retour")
    reply = paul.locator("li.comment", has_text="Avec plaisir, Paul.")
    assert reply.is_visible()
    assert reply.locator("li.comment", has_text="Et la suite ?").is_visible()
    assert page.get_by_text("Une question en attente de modération.").count() == 0
    assert page.get_by_text("Cheap pills").count() == 0
    save_screenshot(page, "import-wordpress-post")

    # The pending comment waits in the moderation queue.
    page.goto("/admin/comments/comment/")
    page.locator("#changelist-filter").get_by_role("link", name="En attente").click()
    page.wait_for_url(re.compile(r"[?&]queue=pending"))  # is_visible() below does not wait
    assert page.locator("#result_list tr", has_text="Une question en attente").is_visible()
    assert page.locator("#result_list tr", has_text="Merci pour ce retour").count() == 0


def test_the_import_page_and_its_report_fit_a_phone(open_page, author, uploads_zip):
    page = open_page(width=390)
    log_in(page)
    page.goto("/admin/import/wordpress/")
    assert has_no_sideways_scroll(page), "the import form scrolls sideways at 390 px"
    upload(page, uploads_zip)
    assert page.locator(".vitrine-import-report li", has_text="absente.jpg").is_visible()
    assert has_no_sideways_scroll(page), "the report scrolls sideways at 390 px"
    save_screenshot(page, "import-wordpress-report-390")
