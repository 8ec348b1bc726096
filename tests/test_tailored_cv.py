"""Tailored CVs (a private link per application) and the CV as a Word file."""

import datetime
import io
import re

import docx
import pypdf
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from portfolio import demo
from portfolio.models import Position, Profile, Skill, TailoredCV

PRIVATE_EMAIL = "nathalie.rousseau@example.org"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Two of the demo's nine positions, by employer (the demo has two "Product Owner" roles).
CHOSEN = ["Mobilis Transports", "Groupe hospitalier des Monts d’Or"]
LEFT_OUT = ["Banque Horizon", "Rousseau Produit", "Ekko Énergie"]


@pytest.fixture
def profile(db):
    demo.load(io.StringIO())
    profile = Profile.objects.get()
    profile.contact_email = PRIVATE_EMAIL
    profile.save()
    return profile


@pytest.fixture
def link(profile):
    link = TailoredCV.objects.create(
        profile=profile,
        name="Candidature CHU Lyon — PO",
        pitch="Product Owner qui connaît l’hôpital de l’intérieur.",
        language="fr",
        # The demo's recommenders name their employers: left out, only positions name them.
        is_recommendations_on_cv=False,
    )
    link.positions.set(Position.objects.filter(organization__in=CHOSEN))
    link.skills.set(Skill.objects.filter(name="Discovery"))
    return link


def pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    # Words only: the PDF's lines wrap where the column ends.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def word_document(content):
    return docx.Document(io.BytesIO(content))


def paragraphs(document, style_prefix):
    return [p.text for p in document.paragraphs if p.style.name.startswith(style_prefix)]


def test_a_tailored_link_shows_only_the_chosen_positions_on_its_page_pdf_and_word(client, link):
    page = client.get(link.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Product Owner qui connaît l’hôpital de l’intérieur." in html
    for employer in CHOSEN:
        assert employer in html
    for employer in LEFT_OUT:
        assert employer not in html

    pdf = client.get(f"{link.get_absolute_url()}cv.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for employer in CHOSEN:
        assert employer in text
    for employer in LEFT_OUT:
        assert employer not in text

    word = client.get(f"{link.get_absolute_url()}cv.docx")
    assert word["Content-Type"] == WORD
    document = word_document(word.content)
    positions = paragraphs(document, "Heading 2")
    assert positions == [
        "Product Owner — Mobilis Transports",
        "Technicienne support informatique N2 — Groupe hospitalier des Monts d’Or",
    ]
    assert "Parcours" in paragraphs(document, "Heading 1")  # the link is in French
    assert any(line.startswith("Produit: Discovery") for line in paragraphs(document, "List"))
    assert not any("Roadmap" in p.text for p in document.paragraphs)


def test_the_public_profile_is_unchanged_by_a_tailored_link(client, link):
    html = client.get("/profile/").content.decode()
    for employer in CHOSEN + LEFT_OUT:
        assert employer in html
    assert "Product Owner qui connaît" not in html


def test_a_link_counts_its_openings_and_downloads_and_stores_no_address(client, link):
    first = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))
    with time_machine.travel(first, tick=False):
        client.get(link.get_absolute_url())
    later = first + datetime.timedelta(days=2, hours=3)
    with time_machine.travel(later, tick=False):
        client.get(link.get_absolute_url(), REMOTE_ADDR="203.0.113.9")
        client.get(f"{link.get_absolute_url()}cv.docx")
        client.get(f"{link.get_absolute_url()}cv.docx")
        client.get(f"{link.get_absolute_url()}cv.pdf")
    link.refresh_from_db()
    assert (link.open_count, link.first_opened_at, link.last_opened_at) == (2, first, later)
    assert (link.docx_count, link.docx_last_at) == (2, later)
    assert (link.pdf_count, link.pdf_last_at) == (1, later)
    values = " ".join(str(value) for value in TailoredCV.objects.values().get(pk=link.pk).values())
    assert "203.0.113.9" not in values and "127.0.0.1" not in values


def test_the_author_checking_the_link_is_not_counted(admin_client, link):
    assert admin_client.get(link.get_absolute_url()).status_code == 200
    link.refresh_from_db()
    assert link.open_count == 0 and link.first_opened_at is None


def test_a_revoked_link_is_a_polite_404_for_the_page_and_the_files(client, link):
    assert client.get(link.get_absolute_url()).status_code == 200
    TailoredCV.objects.filter(pk=link.pk).update(is_revoked=True)
    for suffix in ("", "cv.pdf", "cv.docx"):
        response = client.get(f"{link.get_absolute_url()}{suffix}")
        assert response.status_code == 404
        assert "Ce lien n’est plus actif" in response.content.decode()
        assert "noindex" in response["X-Robots-Tag"]


def test_an_expired_link_is_a_404_the_day_after_its_expiry(client, link):
    link.expires_on = datetime.date(2026, 4, 30)
    link.save()
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 4, 30, 22, 0))):
        assert client.get(link.get_absolute_url()).status_code == 200
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 5, 1, 8, 0))):
        assert client.get(link.get_absolute_url()).status_code == 404


def test_an_unknown_token_gets_the_same_page_as_a_revoked_one(client, profile):
    response = client.get("/cv/not-a-real-token-at-all/")
    assert response.status_code == 404
    assert "Ce lien n’est plus actif" in response.content.decode()


def test_a_link_is_never_cached_never_indexed_and_in_no_sitemap(link):
    visitor = Client()
    url = link.get_absolute_url()
    first = visitor.get(url)
    second = visitor.get(url)
    assert second.get("X-Cache") != "HIT"
    assert "no-store" in second["Cache-Control"] and "private" in second["Cache-Control"]
    assert "noindex" in first["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in first.content.decode()
    assert '<link rel="canonical"' not in first.content.decode()
    link.refresh_from_db()
    assert link.open_count == 2  # both requests reached the view
    sitemap = visitor.get("/sitemap.xml").content.decode()
    assert link.token not in sitemap and "/cv/" not in sitemap


def test_a_link_shows_no_private_email_anywhere(client, link):
    url = link.get_absolute_url()
    assert PRIVATE_EMAIL not in client.get(url).content.decode()
    assert PRIVATE_EMAIL not in pdf_text(client.get(f"{url}cv.pdf").content)
    document = word_document(client.get(f"{url}cv.docx").content)
    assert PRIVATE_EMAIL not in "\n".join(p.text for p in document.paragraphs)


def test_a_link_opened_under_the_other_language_goes_to_its_own(client, link):
    response = client.get(f"/en/cv/{link.token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/cv/{link.token}/"
    english = TailoredCV.objects.create(profile=link.profile, name="Fintech", language="en")
    assert english.get_absolute_url() == f"/en/cv/{english.token}/"
    assert len(english.token) >= 32 and english.token != link.token


def test_the_public_cv_as_word_has_the_name_in_its_file_name_and_properties(client, profile):
    response = client.get("/en/profile/cv.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == WORD
    assert response["Content-Disposition"] == 'attachment; filename="nathalie-rousseau-cv.docx"'
    document = word_document(response.content)
    properties = document.core_properties
    assert properties.author == "Nathalie Rousseau"
    assert properties.last_modified_by == "Nathalie Rousseau"
    assert properties.title == "Nathalie Rousseau — CV"
    assert paragraphs(document, "Title") == ["Nathalie Rousseau"]
    headings = paragraphs(document, "Heading 1")
    assert headings[:3] == ["About", "Key figures", "Career"]
    assert "Skills" in headings and "Certifications" in headings
    bullets = paragraphs(document, "List Bullet")
    assert any(line.startswith("Professional Scrum Product Owner I") for line in bullets)
    text = "\n".join(p.text for p in document.paragraphs)
    assert PRIVATE_EMAIL not in text and "python-docx" not in properties.author
    # The same ticks as the PDF: a position left off the CV is in neither.
    position = Position.objects.get(organization="Mobilis Transports")
    position.is_on_cv = False
    position.save()
    document = word_document(client.get("/en/profile/cv.docx").content)
    assert "Product Owner — Mobilis Transports" not in paragraphs(document, "Heading 2")


def test_the_profile_page_links_the_word_cv_beside_the_pdf(client, profile):
    html = client.get("/profile/").content.decode()
    hero = html[html.index("profile-hero__actions") :]
    assert re.search(
        r'href="/profile/cv.pdf" download>.*\n.*href="/profile/cv.docx" download', hero
    )


def test_the_author_sees_readings_in_the_admin_and_on_the_dashboard(admin_client, link):
    Client().get(link.get_absolute_url())
    Client().get(f"{link.get_absolute_url()}cv.docx")
    changelist = admin_client.get("/admin/portfolio/tailoredcv/").content.decode()
    assert "Candidature CHU Lyon — PO" in changelist
    assert link.token in changelist
    assert "Word : 1 · dernier" in changelist or "Word: 1 · dernier" in changelist
    form = admin_client.get(f"/admin/portfolio/tailoredcv/{link.pk}/change/").content.decode()
    assert f"/cv/{link.token}/" in form
    dashboard = admin_client.get("/admin/").content.decode()
    box = dashboard[dashboard.index('id="tailored-cvs"') :]
    assert "CV envoyés" in box
    assert "Candidature CHU Lyon — PO" in box and "ouvert 1 fois" in box


def test_the_author_creates_a_link_in_the_admin_with_only_the_profiles_entries(
    admin_client, profile
):
    po = Position.objects.get(organization="Mobilis Transports")
    response = admin_client.post(
        "/admin/portfolio/tailoredcv/add/",
        {
            "name": "ESN Lyon",
            "language": "fr",
            "pitch": "",
            "positions": [po.pk],
            "is_summary_on_cv": "on",
            "is_education_on_cv": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    link = TailoredCV.objects.get(name="ESN Lyon")
    assert link.profile == profile and list(link.positions.all()) == [po]
    html = Client().get(link.get_absolute_url()).content.decode()
    assert "Mobilis Transports" in html and "Banque Horizon" not in html
