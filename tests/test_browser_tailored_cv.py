"""The author makes a CV for one application, the recruiter opens it and takes the Word file,
and the author sees on the dashboard that it was read."""

import io

import docx
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from portfolio.models import TailoredCV
from tests.conftest import log_in_to_admin, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-42"


def test_author_sends_a_tailored_cv_the_recruiter_reads_it_the_dashboard_says_so(open_page, demo):
    author = get_user_model().objects.create_superuser("autrice", "a@example.org", PASSWORD)
    admin = open_page(width=1280)
    log_in_to_admin(admin, author, PASSWORD)

    admin.goto("/admin/portfolio/tailoredcv/add/")
    admin.fill("#id_name", "Candidature CHU Lyon — PO")
    admin.fill("#id_pitch", "Product Owner qui connaît l’hôpital de l’intérieur.")
    admin.get_by_label("Product Owner — Mobilis Transports").check()
    admin.get_by_label(
        "Technicienne support informatique N2 — Groupe hospitalier des Monts d’Or"
    ).check()
    admin.click("input[name=_save]")
    expect(admin.locator(".messagelist")).to_contain_text("Candidature CHU Lyon — PO")
    link = TailoredCV.objects.get()

    # The recruiter: another browser, no session, only the address they were sent.
    recruiter = open_page(width=390)
    recruiter.goto(link.get_absolute_url())
    expect(recruiter.get_by_role("heading", level=1)).to_have_text("Nathalie Rousseau")
    expect(recruiter.locator("body")).to_contain_text("Product Owner qui connaît l’hôpital")
    expect(recruiter.locator(".timeline")).to_contain_text("Mobilis Transports")
    expect(recruiter.locator(".timeline")).not_to_contain_text("Banque Horizon")
    save_screenshot(recruiter, "tailored-cv-recruiter-390")
    with recruiter.expect_download() as download_info:
        recruiter.get_by_role("link", name="Télécharger le CV Word").click()
    download = download_info.value
    assert download.suggested_filename == "nathalie-rousseau-cv.docx"
    document = docx.Document(io.BytesIO(open(download.path(), "rb").read()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Product Owner — Mobilis Transports" in headings
    assert not any("Banque Horizon" in heading for heading in headings)

    admin.goto("/admin/")
    box = admin.locator("#tailored-cvs")
    expect(box).to_contain_text("CV envoyés")
    expect(box).to_contain_text("Candidature CHU Lyon — PO")
    expect(box).to_contain_text("ouvert 1 fois")
    expect(box).to_contain_text("PDF 0, Word 1")
    save_screenshot(admin, "tailored-cv-dashboard")
